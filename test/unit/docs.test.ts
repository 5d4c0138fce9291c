/** The README's rule, settings and command tables are generated from the code and must be current. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { render, rulesDoc } from '../../scripts/gen-docs';
import { ROOT } from '../helpers';
import { RULES } from '../../server/src/languages/registry';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';

test('README.md tables match the code (run npm run gen:docs)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.equal(render(readme), readme);
});

test('docs/rules.md, the rule reference the .vsix ships, matches the rule registry (run npm run gen:docs)', () => {
  assert.equal(fs.readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8'), rulesDoc());
});

test('every rule has a description, a source and a kebab-case id in a known scope', () => {
  for (const r of RULES.values()) {
    assert.match(r.id, /^(pgtls|pgpool-conf|pool-hba|pg-hba|pool-passwd|pg-ident|postgresql-conf|pgpool|percona|cpo|cert-manager|secret|cert|yaml|schema|pgbouncer-ini|pgbouncer-userlist|pgbouncer-hba|zalando|pgo|kubedb|pgo4|client)\/[a-z0-9]+(-[a-z0-9]+)*$/, r.id);
    assert.ok(r.description.length > 15, `${r.id} needs a description`);
    assert.ok(r.source.length > 2, `${r.id} needs a source`);
  }
});

test('package.json settings have the defaults the core uses', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) assert.deepEqual(props[`pgtls.${k}`]?.default, v, `pgtls.${k}`);
});
