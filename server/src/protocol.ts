/**
 * The contract between the extension client and the language server: the settings section and its defaults.
 * The only server file the client may import (see eslint.config.mjs).
 */
export { DEFAULT_SETTINGS, SUPPORTED_PGPOOL_VERSIONS, SUPPORTED_POSTGRES_VERSIONS } from './core/types';
export type { Settings, SeverityOverride } from './core/types';

/** The configuration section all settings live under (`pgtls.*`). */
export const SETTINGS_SECTION = 'pgtls';

/** Language ids the server validates. */
export const LANGUAGE_IDS = ['pgpool-conf', 'pool-hba', 'pg-hba', 'yaml'] as const;

/** The anchor of a rule in the README's rule table. */
export function ruleAnchor(ruleId: string): string {
  return `rule-${ruleId.replace(/[^a-z0-9]+/g, '-')}`;
}
