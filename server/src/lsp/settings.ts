/**
 * Settings of one document, pulled from the client (`workspace/configuration` with the document as scope, so folder
 * and language overrides apply) and normalised by the settings spec: a missing or invalid value takes its default.
 * The caching is the document store's (lsp/documents.ts).
 */
import type { Connection } from 'vscode-languageserver';
import { normalizeSettings, unknownRuleIds, unknownRulesMessage } from '../service';
import type { Settings } from '../core/types';
import { DEFAULT_SETTINGS, SETTINGS_SECTION } from '../protocol';

/** The settings of the document `uri`. */
export type SettingsSource = (uri: string) => Promise<Settings>;

/**
 * A source that asks the client when it supports `workspace/configuration` (known after `initialize`, hence the
 * function) and otherwise answers the defaults. A failed request also answers the defaults.
 */
export function clientSettings(connection: Connection, supported: () => boolean): SettingsSource {
  return uri => {
    if (!supported()) return Promise.resolve(DEFAULT_SETTINGS);
    return connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
      .then((raw: unknown) => normalizeSettings(raw))
      .catch(() => DEFAULT_SETTINGS);
  };
}

/**
 * `source`, telling the user (once per id) about `pgtls.rules` keys that name no rule: a misspelt id silently does
 * nothing otherwise. `known` is the rule table's ids; `warn` shows and logs the message.
 */
export function checkingRuleIds(source: SettingsSource, known: () => ReadonlySet<string>, warn: (message: string) => void): SettingsSource {
  const warned = new Set<string>();
  return async uri => {
    const settings = await source(uri);
    const unknown = unknownRuleIds(settings.rules, known()).filter(u => !warned.has(u.id));
    if (unknown.length) {
      for (const u of unknown) warned.add(u.id);
      warn(unknownRulesMessage(unknown));
    }
    return settings;
  };
}
