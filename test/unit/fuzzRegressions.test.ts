/**
 * The defects the property-based fuzz suite (test/fuzz/, `npm run fuzz`) found, each as its shrunk counterexample.
 * Every one broke an invariant of test/fuzz/properties.ts: formatting changed what the server reads, a check reported
 * a span past the end of the text, a feature threw (the façade hides that as an empty answer), an outline symbol did
 * not hold its children.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { FeatureContext } from '../../server/src/core/language';
import { DEFAULT_SETTINGS, type LanguageId, type SourceDocument, type Span } from '../../server/src/core/types';
import { k8sMode } from '../../server/src/languages/k8s';
import { pgbouncerIniMode } from '../../server/src/languages/pgbouncerIni';
import { applyEdits } from '../fuzz/properties';
import { testEnv, testService } from '../helpers';

const service = testService();
const DIR = '/nonexistent/pgtls-fuzz-regressions';

function doc(name: string, text: string): SourceDocument {
  const languageId = service.languageOf(name) as LanguageId;
  return { path: `${DIR}/${name}`, text, languageId, version: 1 };
}

/** Formats `text` as the file `name`; the result must parse and check as the original does. */
function formatKeepsMeaning(name: string, text: string): string {
  const d = doc(name, text);
  const out = applyEdits(text, service.format(d, service.parse(d), {}));
  const rules = (t: string) => { const x = doc(name, t); return service.validate(x, service.parse(x), DEFAULT_SETTINGS).map(p => `${p.rule} ${p.message}`).sort(); };
  const strip = (t: string) => JSON.stringify(service.parse(doc(name, t)).file, (k, v) => (k === 'start' || k === 'end' || k === 'text' || (Array.isArray(v) && v.length === 2 && v.every(n => typeof n === 'number')) ? undefined : v));
  assert.equal(strip(out), strip(text), `${name}: formatting changed the parse: ${JSON.stringify(out)}`);
  assert.deepEqual(rules(out), rules(text), `${name}: formatting changed the findings: ${JSON.stringify(out)}`);
  return out;
}

const ctx = (): FeatureContext => ({ settings: DEFAULT_SETTINGS, env: testEnv(), parseSibling: () => undefined });

test('formatting keeps a lone carriage return between a name and its value (pgpool.conf, postgresql.conf, pgbouncer.ini)', () => {
  // fuzz: pgpool-conf, "health_check_tes = \raaa…\r" became "health_check_tes = aaa…\r": two editor lines joined
  for (const name of ['pgpool.conf', 'postgresql.conf', 'pgbouncer.ini']) {
    const text = 'health_check_tes = \raaaa\r';
    assert.equal(formatKeepsMeaning(name, text), text, `${name}: the carriage return was removed`);
  }
  assert.equal(formatKeepsMeaning('pgpool.conf', 'port  =  9999\n'), 'port = 9999\n', 'an ordinary line is still formatted');
});

test('pgbouncer.ini: formatting leaves `%include ` without a file name as it is (the blank makes it an include)', () => {
  // fuzz: pgbouncer-ini, "\\; pgtls-disable-next-line\n%include \n" became "…%include\n", a syntax error to libusual
  const text = '\\; pgtls-disable-next-line\n%include \n';
  assert.equal(formatKeepsMeaning('pgbouncer.ini', text), text);
  assert.equal(formatKeepsMeaning('pgbouncer.ini', '%include   extra.ini  \n'), '%include extra.ini\n');
});

test('pg_ident.conf and pg_hba.conf: formatting keeps the blanks after a last field that ends in a backslash', () => {
  // fuzz: pg-ident, "certs alice postgres \\ \n": without the blank, PostgreSQL reads a continued line
  assert.equal(formatKeepsMeaning('pg_ident.conf', 'certs alice postgres \\ \n'), 'certs alice postgres \\ \n');
  assert.equal(formatKeepsMeaning('pg_hba.conf', 'local all all trust \\ \n'), 'local all all trust \\ \n');
  assert.equal(formatKeepsMeaning('pg_ident.conf', 'certs alice postgres  \n'), 'certs           alice                   postgres\n');
});

test('YAML: a syntax error at the very end of a document is reported inside the text', () => {
  // fuzz: yaml, an unclosed flow mapping ending the file: the check reported [47, 48] in a text of 47 characters
  const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: x\n';
  const d = doc('s.yaml', text);
  const spans: Span[] = [];
  k8sMode.validate(d, k8sMode.parse(d), { ...ctx(), report: (_rule, span) => spans.push(span) });
  assert.ok(spans.length > 0, 'the syntax error is reported');
  for (const s of spans) assert.ok(s[0] >= 0 && s[0] <= s[1] && s[1] <= text.length, `span [${s}] outside the text of ${text.length}`);
});

test('YAML: completion on a line that holds a lone carriage return does not throw', () => {
  // fuzz: yaml, "#\r# …": the line regular expression of complete.ts did not match, and completion threw
  const text = '#\r# x\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n';
  const d = doc('s.yaml', text);
  const file = k8sMode.parse(d);
  for (let o = 0; o <= text.length; o++) assert.doesNotThrow(() => k8sMode.complete!(d, file, o, ctx()), `completion at ${o}`);
});

test('YAML: an outline symbol holds its children after a syntax error', () => {
  // fuzz: yaml, an unclosed `{` inside a block map: the map's range ended before the pair it holds
  const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: db-root-ca, namespace: db }\nspec:\n  isCA: true\n  commonName: db-root-ca\n  {secretName: db-root-ca\n  issuerRef: { name: selfsigned, kind: Issuer }\n';
  const d = doc('c.yaml', text);
  const walk = (s: { name: string; span: Span; selection: Span; children?: unknown[] }, parent?: Span): void => {
    assert.ok(s.span[0] <= s.selection[0] && s.selection[1] <= s.span[1], `${s.name}: selection outside its span`);
    if (parent) assert.ok(parent[0] <= s.span[0] && s.span[1] <= parent[1], `${s.name}: [${s.span}] outside its parent's [${parent}]`);
    for (const c of (s.children ?? []) as (typeof s)[]) walk(c, s.span);
  };
  const symbols = k8sMode.symbols!(d, k8sMode.parse(d));
  assert.ok(symbols.length > 0);
  symbols.forEach(s => walk(s));
});

test('pgbouncer.ini: a setting without a key gets an outline symbol with a name', () => {
  // fuzz: pgbouncer-ini, " =\n": a symbol named "" (VS Code refuses the whole outline: "name must not be falsy")
  const d = doc('pgbouncer.ini', ' =\n');
  const names = service.symbols(d, service.parse(d)).map(s => s.name);
  assert.ok(names.length > 0 && names.every(n => n.length > 0), JSON.stringify(names));
});

test('formatting leaves a line with a lone carriage return as it is (the trailing blanks after it are an editor line)', () => {
  // fuzz: postgresql-conf, "log_rotation_ag = 0#x\r<blanks>\n": the blanks went, and with them a line of the editor
  const text = 'allow_alter_system = on\nlog_rotation_ag = 0#x\r        \nallow_alter_system = on';
  assert.equal(formatKeepsMeaning('postgresql.conf', text), text);
});

test('pg_hba.conf and pg_ident.conf: formatting keeps the blanks of a quote left open to the end of the line', () => {
  // fuzz: pg-hba, 'include " \r\n' became 'include "\r\n'; pg-ident, '__proto__ alice postgres " \n' lost its blank too
  assert.equal(formatKeepsMeaning('pg_hba.conf', '\ninclude " \r\n'), '\ninclude " \r\n');
  assert.equal(formatKeepsMeaning('pg_ident.conf', '__proto__ alice postgres " \n'), '__proto__ alice postgres " \n');
});

test('pgbouncer.ini: completing the value of a setting named like an Object property does not throw', () => {
  // fuzz (npm run fuzz, seed 1590160221): "[pgbouncer]]\nconstructor = " found Object's `constructor` in the catalogue
  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const text = `[pgbouncer]]\n${key} = `;
    const d = doc('pgbouncer.ini', text);
    assert.deepEqual(pgbouncerIniMode.complete!(d, pgbouncerIniMode.parse(d), text.length, ctx()), [], key);
  }
});
