/**
 * One owner of every setting: package.json's contributed settings say what `SETTINGS_SPEC` says (every key both ways;
 * type, allowed values, bounds, default, description), and `normalizeSettings` (what the language server applies to
 * the editor's settings) keeps allowed values and falls back to the default on anything else, for every kind of
 * setting, agreeing with the CLI's flags.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SETTINGS_SPEC, SETTING_KEYS, SEVERITY_OVERRIDES, normalizeSetting, normalizeSettings, settingFromFlag, type SettingSpec,
} from '../../server/src/core/settings';
import { DEFAULT_SETTINGS, SETTINGS_SECTION } from '../../server/src/protocol';
import type { Settings } from '../../server/src/core/types';
import { ROOT } from '../helpers';
import { rulePropertyNames } from '../../scripts/gen-docs';
import { RULES } from '../../server/src/languages/registry';
import { unknownRuleIds, unknownRulesMessage } from '../../server/src/core/settings';

/** The JSON schema VS Code needs for a setting of this spec. */
function contributed(spec: SettingSpec): Record<string, unknown> {
  const common = { default: spec.default, description: spec.description };
  switch (spec.type) {
    case 'boolean': return { type: 'boolean', ...common };
    case 'string': return { type: 'string', enum: [...spec.enum], ...common };
    case 'number': return { type: 'number', enum: [...spec.enum], ...common };
    case 'integer': return { type: 'integer', minimum: spec.minimum, maximum: spec.maximum, ...common };
    case 'string[]': return { type: 'array', items: { type: 'string' }, ...common };
    case 'severity-map': return { type: 'object', additionalProperties: { type: 'string', enum: [...SEVERITY_OVERRIDES] }, propertyNames: rulePropertyNames(), ...common };
    case 'path-map': return { type: 'object', additionalProperties: { type: 'string' }, ...common };
  }
}

test('package.json contributes exactly the settings of SETTINGS_SPEC, with the same schema and texts', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;
  const prefix = `${SETTINGS_SECTION}.`;
  assert.deepEqual(Object.keys(props).filter(k => !k.startsWith(prefix)), [], 'every setting is in the pgtls section');
  assert.deepEqual(Object.keys(props).map(k => k.slice(prefix.length)).sort(), [...SETTING_KEYS].sort(), 'the same keys both ways');
  for (const k of SETTING_KEYS) assert.deepEqual(props[prefix + k], contributed(SETTINGS_SPEC[k]), `${prefix}${k}`);
});

/** Per kind of setting: values kept as given (or as the value they stand for), and values that fall back to the default. */
const CASES: { [K in keyof Settings]: { kept: [unknown, Settings[K]][]; rejected: unknown[] } } = {
  enable: { kept: [[false, false], [true, true]], rejected: ['false', 0, 1, {}] },
  checkFiles: { kept: [[false, false]], rejected: ['no', null] },
  pgpoolVersion: { kept: [['4.3', '4.3'], ['4.7', '4.7']], rejected: ['4.2', '4.8', 4.6, '', ['4.5']] },
  postgresVersion: { kept: [[15, 15], [16, 16], ['17', 17]], rejected: [14, 18, 10, 99, 16.5, 'x', '', true] },
  pgbouncerVersion: { kept: [['1.18', '1.18'], ['1.25', '1.25']], rejected: ['1.17', '1.26', 1.25, '', ['1.24']] },
  expiryWarningDays: { kept: [[0, 0], [7, 7], [3650, 3650], ['14', 14]], rejected: [-1, 3651, 7.5, 'x', '', ' ', true] },
  maxProblems: { kept: [[1, 1], [250, 250], [100000, 100000], ['50', 50]], rejected: [0, -5, 100001, 2.5, 'many', '', true] },
  certificateLenses: { kept: [[false, false], [true, true]], rejected: ['off', 0] },
  mapCodeLens: { kept: [[false, false], [true, true]], rejected: ['false', 1] },
  crdPaths: { kept: [[['crds', 'more/crds.yaml'], ['crds', 'more/crds.yaml']], [['crds', '', ' ', 3], ['crds']], [[], []]], rejected: ['crds', 3, {}] },
  pathMappings: {
    kept: [
      [{ '/etc/pgpool2/certs': './certs', 'C:\\deploy': '${workspaceFolder}/win', '\\\\srv\\share': '/abs' }, { '/etc/pgpool2/certs': './certs', 'C:\\deploy': '${workspaceFolder}/win', '\\\\srv\\share': '/abs' }],
      // Junk entries go, the good ones beside them stay: a relative FROM, an empty or non-string TO, a line break.
      [{ 'etc/pgpool2': './a', '/a': '', '/b': 3, '/c': ['x'], '/d\nx': './d', '/e': 'x\ny', '/f': ' ', '/ok': 'ok' }, { '/ok': 'ok' }],
      [{}, {}],
    ],
    rejected: ['/etc=./certs', ['/etc', './certs'], 3, true],
  },
  validate: { kept: [['workspace', 'workspace'], ['openFiles', 'openFiles']], rejected: ['Workspace', 'all', true, ['workspace']] },
  reportYamlSyntax: { kept: [['auto', 'auto'], ['always', 'always'], ['never', 'never']], rejected: ['off', true, 'Never', ''] },
  'trace.server': { kept: [['off', 'off'], ['messages', 'messages'], ['verbose', 'verbose']], rejected: ['on', true, 2] },
  rules: {
    kept: [[{ 'pool-hba/md5-method': 'off', 'pgtls/x': 'hint' }, { 'pool-hba/md5-method': 'off', 'pgtls/x': 'hint' }], [{ a: 'off', b: 'loud', c: 3 }, { a: 'off' }]],
    rejected: [['off'], 'off', 3],
  },
};

test('normalizeSettings keeps allowed values and falls back to the default on others, for every kind of setting', () => {
  assert.deepEqual(new Set(SETTING_KEYS.map(k => SETTINGS_SPEC[k].type)), new Set(['boolean', 'string', 'number', 'integer', 'string[]', 'severity-map', 'path-map']),
    'every kind of setting is covered');
  for (const k of SETTING_KEYS) {
    const c = CASES[k] as { kept: [unknown, unknown][]; rejected: unknown[] };
    for (const [raw, want] of c.kept) assert.deepEqual(normalizeSettings({ [k]: raw })[k], want, `${k}: ${JSON.stringify(raw)} is kept`);
    for (const raw of c.rejected) assert.deepEqual(normalizeSettings({ [k]: raw })[k], DEFAULT_SETTINGS[k], `${k}: ${JSON.stringify(raw)} falls back`);
    // Absent or null: the default.
    assert.deepEqual(normalizeSettings({ [k]: null })[k], DEFAULT_SETTINGS[k], `${k}: null`);
    assert.deepEqual(normalizeSettings({})[k], DEFAULT_SETTINGS[k], `${k}: absent`);
  }
  assert.equal(normalizeSettings({ postgresVersion: 14 }).postgresVersion, 17, 'PostgreSQL 14 is not supported: the default applies');
  // One bad value does not disturb the good ones beside it.
  const mixed = normalizeSettings({ enable: 'yes', pgpoolVersion: '4.4', expiryWarningDays: -5, crdPaths: ['x'] });
  assert.deepEqual(mixed, { ...DEFAULT_SETTINGS, pgpoolVersion: '4.4', crdPaths: ['x'] });
  // Not an object at all: every default.
  for (const raw of [null, undefined, 'pgtls', 42]) assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS);
});

test('the defaults come back as fresh lists and maps, never the shared default objects', () => {
  const a = normalizeSettings({});
  a.crdPaths.push('x');
  a.rules['r/x'] = 'off';
  assert.deepEqual(normalizeSettings({}).crdPaths, []);
  assert.deepEqual(normalizeSettings({}).rules, {});
});

test('the CLI flags accept exactly what the language server keeps (same spec)', () => {
  for (const k of SETTING_KEYS) {
    const spec = SETTINGS_SPEC[k];
    // A path map's flag takes one FROM=TO per use, not the setting's object: its own test below covers it.
    if (!spec.flag || spec.type === 'boolean' || spec.type === 'path-map') continue;
    const c = CASES[k] as { kept: [unknown, unknown][]; rejected: unknown[] };
    for (const [raw] of c.kept.filter(([r]) => typeof r === 'string' || typeof r === 'number')) {
      assert.deepEqual(settingFromFlag(k, String(raw)), normalizeSetting(spec, String(raw)), `${spec.flag} ${String(raw)}`);
    }
    for (const raw of c.rejected.filter(r => typeof r === 'string' || typeof r === 'number')) {
      if (normalizeSetting(spec, String(raw)) !== undefined) continue; // e.g. 4.6 as a number is "4.6" on a command line
      assert.throws(() => settingFromFlag(k, String(raw)), new RegExp(spec.flag.replace(/-/g, '\\-')), `${spec.flag} ${String(raw)} is refused`);
    }
  }
  assert.throws(() => settingFromFlag('postgresVersion', '14'), /--postgres-version must be one of 15, 16, 17/);
});

test('--path-map takes one FROM=TO (an absolute FROM, a non-empty TO) and refuses anything else', () => {
  assert.deepEqual(settingFromFlag('pathMappings', '/etc/pgpool2/certs=./certs'), { '/etc/pgpool2/certs': './certs' });
  assert.deepEqual(settingFromFlag('pathMappings', '/srv=/home/me/a=b'), { '/srv': '/home/me/a=b' }, 'the first = separates');
  assert.deepEqual(settingFromFlag('pathMappings', 'C:\\deploy=D:\\local'), { 'C:\\deploy': 'D:\\local' });
  for (const bad of ['', '/etc/pgpool2', '=./certs', 'etc/pgpool2=./certs', '/etc/pgpool2=', '/etc/pgpool2= ']) {
    assert.throws(() => settingFromFlag('pathMappings', bad), /--path-map must be FROM=TO/, JSON.stringify(bad));
  }
});

test('pgtls.rules: settings.json completes and checks the keys, which are exactly the rule ids of the rule table', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const names = pkg.contributes.configuration.properties['pgtls.rules'].propertyNames as { enum: string[]; enumDescriptions: string[] };
  assert.deepEqual([...names.enum].sort(), [...RULES.keys()].sort(), 'package.json is generated by npm run gen:docs from the rule table');
  assert.equal(names.enumDescriptions.length, names.enum.length);
  assert.equal(names.enumDescriptions[names.enum.indexOf('pool-hba/md5-method')], RULES.get('pool-hba/md5-method')!.description);
});

test('a misspelt rule id in pgtls.rules is named, with the ids it was probably meant to be', () => {
  const known = new Set(RULES.keys());
  const found = unknownRuleIds({ 'pool-hba/md5-methd': 'off', 'pool-hba/md5-method': 'off', 'nothing/like-it-at-all': 'hint' }, known);
  assert.deepEqual(found, [{ id: 'nothing/like-it-at-all', suggestions: [] }, { id: 'pool-hba/md5-methd', suggestions: ['pool-hba/md5-method'] }]);
  assert.equal(unknownRulesMessage(found.slice(1)),
    'pgtls.rules names a rule that does not exist: "pool-hba/md5-methd" (did you mean "pool-hba/md5-method"?); it has no effect. "pgtls rules" lists the rule ids.');
  assert.deepEqual(unknownRuleIds({}, known), []);
});

test('a dotted setting (pgtls.trace.server) is read from the nested object an editor sends for the section', () => {
  assert.equal(normalizeSettings({ trace: { server: 'verbose' } })['trace.server'], 'verbose');
  assert.equal(normalizeSettings({ 'trace.server': 'messages' })['trace.server'], 'messages');
  assert.equal(normalizeSettings({ trace: 'verbose' })['trace.server'], 'off');
});
