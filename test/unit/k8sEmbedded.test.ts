/**
 * Embedded configuration inside YAML (k8s/embeddedText.ts, k8s/check/embedded.ts): the offset map of every scalar style
 * back to the source, and the three operators' embedded texts validated by their own languages, with exact ranges,
 * mapped quick fixes, the rules that do not apply inside a resource, settings from the resource, robustness and
 * memoisation.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isScalar, parseDocument, visit, type Scalar } from 'yaml';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument, type Span } from '../../server/src/core/types';
import { scalarOffsetMap, VirtualText, type ScalarMap } from '../../server/src/languages/k8s/embeddedText';
import { NOT_APPLICABLE, embeddedFindings, pgpoolVersionOf, postgresVersionOf } from '../../server/src/languages/k8s/check/embedded';
import { YAML_OPTIONS, parseK8s } from '../../server/src/languages/k8s/parse';
import { dataOf } from '../../server/src/languages/k8s/data';
import type { Resource } from '../../server/src/languages/k8s/model';
import { RULES } from '../../server/src/languages/registry';
import { describeProblem, testEnv, testService } from '../helpers';

// ---------------------------------------------------------------------------------------------------------------
// Offset maps.

/** The map of the scalar whose value is `value` in `src` (the first such scalar). */
function mapOf(src: string, value: string): ScalarMap {
  const doc = parseDocument(src, YAML_OPTIONS);
  assert.deepEqual(doc.errors.map(e => e.message), [], 'the YAML parses');
  let found: Scalar | undefined;
  visit(doc, { Scalar(_k, n) { if (!found && n.value === value) found = n; } });
  assert.ok(found && isScalar(found), `a scalar with value ${JSON.stringify(value)}`);
  const m = scalarOffsetMap(found, src);
  assert.ok(m);
  return m;
}

/** The source text under each value character, joined with `|`. */
function pieces(src: string, m: ScalarMap): string {
  return Array.from({ length: m.text.length }, (_, i) => { const [a, b] = m.span([i, i + 1]); return src.slice(a, b); }).join('|');
}

/** The source text of the value span of `needle` (its first occurrence in the value). */
function sourceOf(src: string, m: ScalarMap, needle: string): string {
  const i = m.text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const [a, b] = m.span([i, i + needle.length]);
  return src.slice(a, b);
}

test('block literal: clip, strip and keep chomping; every character maps to itself', () => {
  const clip = 'a: |\n  x = 1\n  y = 2\n\nb: 1\n';
  const m = mapOf(clip, 'x = 1\ny = 2\n');
  assert.equal(m.exact, true);
  assert.equal(m.style, 'literal');
  assert.equal(pieces(clip, m), 'x| |=| |1|\n|y| |=| |2|\n');
  assert.deepEqual(m.span([6, 11]), [clip.indexOf('y = 2'), clip.indexOf('y = 2') + 5]);
  const strip = 'a: |-\n  x\n  y\n\n';
  assert.equal(pieces(strip, mapOf(strip, 'x\ny')), 'x|\n|y');
  const keep = 'a: |+\n  x\n\n\nb: 1\n';
  const k = mapOf(keep, 'x\n\n\n');
  assert.equal(k.exact, true);
  assert.deepEqual(k.span([0, 1]), [keep.indexOf('x'), keep.indexOf('x') + 1]);
  // At the end of the text without a line break, the clipped final newline is synthetic (an empty span at the end).
  const eof = 'a: |\n  x';
  const e = mapOf(eof, 'x\n');
  assert.equal(e.exact, true);
  assert.deepEqual(e.span([1, 2]), [eof.length, eof.length]);
});

test('block literal: indentation indicators (`|2`, `|1` in a sequence), deeper lines and tabs', () => {
  const ind = 'spec:\n  conf: |2-\n      x\n     y\n';
  const m = mapOf(ind, '  x\n y');
  assert.equal(m.exact, true);
  assert.equal(pieces(ind, m), ' | |x|\n| |y');
  assert.equal(ind.slice(...m.span([0, 3])), '  x');
  const seq = 'x:\n  - |1\n    a\n   b\n';
  assert.equal(pieces(seq, mapOf(seq, ' a\nb\n')), ' |a|\n|b|\n');
  const tabs = 'a: |\n  \tx = 1\n  y\t= 2\n';
  const t = mapOf(tabs, '\tx = 1\ny\t= 2\n');
  assert.equal(t.exact, true);
  assert.equal(sourceOf(tabs, t, 'y\t= 2'), 'y\t= 2');
});

test('CRLF line ends: the carriage returns are not in the value and never inside a mapped span', () => {
  const lit = 'a: |\r\n  x = 1\r\n  y = 2\r\n';
  const m = mapOf(lit, 'x = 1\ny = 2\n');
  assert.equal(m.exact, true);
  assert.equal(sourceOf(lit, m, 'y = 2'), 'y = 2');
  assert.equal(lit.slice(...m.span([5, 6])), '\n');
  const dq = 'a: "p\r\n  q"\r\n';
  const d = mapOf(dq, 'p q');
  assert.equal(d.exact, true);
  assert.equal(dq.slice(...d.span([2, 3])), 'q');
  const folded = 'a: >-\r\n  p\r\n  q\r\n\r\n  r\r\n';
  const f = mapOf(folded, 'p q\nr');
  assert.equal(f.exact, true);
  assert.equal(folded.slice(...f.span([4, 5])), 'r');
});

test('block folded: folded breaks map to the break they replace, more-indented lines keep theirs', () => {
  const src = 'a: >\n  x\n  y\n\n  z\n   more\n  w\n';
  const m = mapOf(src, 'x y\nz\n more\nw\n');
  assert.equal(m.exact, true);
  assert.equal(m.style, 'folded');
  assert.equal(pieces(src, m), 'x|\n|y|\n|z|\n| |m|o|r|e|\n|w|\n');
  assert.equal(sourceOf(src, m, 'more'), 'more');
  // A span across a fold covers both lines; an edit across it is refused, one inside a line is exact.
  assert.equal(src.slice(...m.span([0, 3])), 'x\n  y');
  assert.equal(m.editSpan([0, 3]), undefined);
  assert.deepEqual(m.editSpan([7, 11]), m.span([7, 11]));
});

test('double-quoted: escapes map to their source text; escaped and folded line breaks', () => {
  const src = 'a: "x\\ty\\n\\x41\\u00e9\\"\\\\ \n   next \\\n   end"\n';
  const m = mapOf(src, 'x\ty\nAé"\\ next end');
  assert.equal(m.exact, true);
  assert.equal(m.style, 'double');
  assert.equal(pieces(src, m), 'x|\\t|y|\\n|\\x41|\\u00e9|\\"|\\\\|\n|n|e|x|t| |e|n|d');
  // A span over escapes covers their source; an edit over them is refused.
  assert.equal(src.slice(...m.span([1, 4])), '\\ty\\n');
  assert.equal(m.editSpan([1, 4]), undefined);
  assert.deepEqual(m.editSpan([9, 13]), m.span([9, 13]));
  assert.equal(src.slice(...m.span([9, 13])), 'next');
  // The blank before an escaped line break and the word after it are not adjacent in the source.
  assert.equal(m.editSpan([12, 16]), undefined);
  const astral = 'a: "p \\U0001F600 q"\n';
  const u = mapOf(astral, 'p \u{1F600} q');
  assert.equal(astral.slice(...u.span([2, 4])), '\\U0001F600');
});

test('single-quoted and plain multi-line scalars: doubled quotes and line folding', () => {
  const sq = "a: 'it''s\n  here  \n\n  now'\n";
  const s = mapOf(sq, "it's here\nnow");
  assert.equal(s.exact, true);
  assert.equal(pieces(sq, s), "i|t|''|s|\n|h|e|r|e|\n|n|o|w");
  const plain = 'a: plain\n  multi  \n\n  line\n';
  const p = mapOf(plain, 'plain multi\nline');
  assert.equal(p.exact, true);
  assert.equal(sourceOf(plain, p, 'line'), 'line');
  const flow = 'a: [ "x\\"y", \'z\' ]\n';
  assert.equal(pieces(flow, mapOf(flow, 'x"y')), 'x|\\"|y');
});

test('a value the map cannot rebuild falls back to the whole scalar, never to a wrong character', () => {
  const src = 'a: "abc"\n';
  const doc = parseDocument(src, YAML_OPTIONS);
  let node: Scalar | undefined;
  visit(doc, { Scalar(_k, n) { if (n.value === 'abc') node = n; } });
  node!.value = 'abd'; // as if the parser read something this module does not know
  const m = scalarOffsetMap(node!, src)!;
  assert.equal(m.exact, false);
  assert.deepEqual(m.span([1, 2]), [3, 8]);
  assert.equal(m.editSpan([0, 1]), undefined);
  assert.equal(scalarOffsetMap(parseDocument('a: 1\n', YAML_OPTIONS).get('a', true) as Scalar, 'a: 1\n'), undefined, 'not a string');
});

test('safe text per style: what a fix may write into the scalar verbatim', () => {
  const at = (src: string, v: string) => mapOf(src, v);
  assert.equal(at('a: |\n  x\n', 'x\n').safeText(`'quoted' # and: more`), true);
  assert.equal(at('a: |\n  x\n', 'x\n').safeText('two\nlines'), false);
  assert.equal(at('a: "x"\n', 'x').safeText('say "hi"'), false);
  assert.equal(at('a: "x"\n', 'x').safeText(`it's`), true);
  assert.equal(at("a: 'x'\n", 'x').safeText(`it's`), false);
  assert.equal(at('a: x y\n', 'x y').safeText('scram-sha-256'), true);
  assert.equal(at('a: x y\n', 'x y').safeText('a: b'), false);
  assert.equal(at('a: x y\n', 'x y').safeText('# c'), false);
});

test('VirtualText: pieces map back to their scalars, synthetic text to its fallback span', () => {
  const src = 'a: hostssl\nb: "md5"\n';
  const m1 = mapOf(src, 'hostssl');
  const m2 = mapOf(src, 'md5');
  const v = new VirtualText().addScalar(m1).addSynthetic(' all all all ', [0, 1]).addScalar(m2).addSynthetic('\n', [0, 1]).addScalar(m1, 4, 7);
  assert.equal(v.text, 'hostssl all all all md5\nssl');
  assert.deepEqual(v.span([0, 7]), [3, 10]);
  assert.deepEqual(v.span([8, 11]), [0, 1]);
  assert.deepEqual(v.span([20, 23]), [15, 18]);
  assert.deepEqual(v.span([24, 27]), [7, 10]);
  // A span crossing pieces is cut at the end of its first piece.
  assert.deepEqual(v.span([4, 12]), [7, 10]);
  assert.deepEqual(v.editSpan([20, 23], 'scram-sha-256'), [15, 18]);
  assert.equal(v.editSpan([20, 23], 'a"b'), undefined, 'unsafe in a double-quoted scalar');
  assert.equal(v.editSpan([8, 11], 'x'), undefined, 'synthetic text has no place in the YAML');
  assert.equal(v.editSpan([4, 12], 'x'), undefined, 'crosses pieces');
});

// ---------------------------------------------------------------------------------------------------------------
// The three operators.

const service = testService();
const PATH = '/nonexistent/pgtls-embedded/manifests.yaml';
const EMBEDDED = /^(pgpool-conf|pg-hba)\//;
const validate = (text: string, settings: Partial<Settings> = {}): Problem[] => {
  const d: SourceDocument = { path: PATH, text, languageId: 'yaml', version: 1 };
  return service.validate(d, service.parse(d), { ...DEFAULT_SETTINGS, ...settings });
};
/** The embedded languages' problems only (other modules are tested elsewhere), as `line:col-line:col rule "text"`. */
const embedded = (text: string, settings: Partial<Settings> = {}) =>
  validate(text, settings).filter(p => EMBEDDED.test(p.rule)).map(p => `${describeProblem(text, p)} ${JSON.stringify(text.slice(p.span[0], p.span[1]))}`);

const PGPOOL = (version: string, conf: string) => `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "${version}"
  postgresRef: { name: ha-postgres }
  tls:
    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: pp-ca }
  configuration:
    inline:
${conf}`;

test('KubeDB: the inline pgpool.conf in every scalar style, findings at exact YAML ranges', () => {
  const block = PGPOOL('4.6.0', '      pgpool.conf: |\n        max_pool = 4\n        num_init_childs = 6\n');
  assert.deepEqual(embedded(block), ['13:9-13:24 pgpool-conf/unknown-parameter "num_init_childs"']);
  const dq = PGPOOL('4.6.0', '      pgpool.conf: "max_pool = 4\\n\\tnum_init_childs = 6\\n"\n');
  assert.deepEqual(embedded(dq), ['11:37-11:52 pgpool-conf/unknown-parameter "num_init_childs"']);
  const sq = PGPOOL('4.6.0', "      pgpool.conf: 'log_min_messages = ''chatty'''\n");
  assert.deepEqual(embedded(sq), [`11:40-11:50 pgpool-conf/invalid-enum "''chatty''"`]);
  const folded = PGPOOL('4.6.0', '      pgpool.conf: >\n        max_pool = 4\n\n        num_init_childs = 6\n');
  assert.deepEqual(embedded(folded), ['14:9-14:24 pgpool-conf/unknown-parameter "num_init_childs"']);
  const crlf = block.replace(/\n/g, '\r\n');
  assert.deepEqual(embedded(crlf), ['13:9-13:24 pgpool-conf/unknown-parameter "num_init_childs"']);
});

test('KubeDB: spec.version selects the catalogue (4.3–4.7), else pgtls.pgpoolVersion', () => {
  const conf = '      pgpool.conf: |\n        process_management_mode = static\n';
  assert.deepEqual(embedded(PGPOOL('4.3.0', conf)), ['12:9-12:32 pgpool-conf/unknown-parameter "process_management_mode"']);
  assert.deepEqual(embedded(PGPOOL('4.5.0', conf)), []);
  assert.deepEqual(embedded(PGPOOL('4.2.1', conf)), [], 'outside the catalogue: the setting (4.6)');
  assert.deepEqual(embedded(PGPOOL('4.2.1', conf), { pgpoolVersion: '4.3' }), ['12:9-12:32 pgpool-conf/unknown-parameter "process_management_mode"']);
  assert.equal(pgpoolVersionOf('4.5.0'), '4.5');
  assert.equal(pgpoolVersionOf('4.7'), '4.7');
  assert.equal(pgpoolVersionOf('v4.4.2-debian'), '4.4');
  assert.equal(pgpoolVersionOf('4.2.0'), undefined);
  assert.equal(pgpoolVersionOf(45), undefined);
  assert.equal(postgresVersionOf(15), 15);
  assert.equal(postgresVersionOf('16'), 16);
  assert.equal(postgresVersionOf('16.2'), undefined);
  assert.equal(postgresVersionOf(null), undefined);
});

test('KubeDB: no file rule inside a resource (the files are in the pod), no certificate-setting rule, K7 unchanged', () => {
  const conf = [
    '      pgpool.conf: |',
    '        ssl = on',
    "        ssl_key = 'relative/server.key'",
    "        ssl_ca_cert = '/config/tls/nowhere.crt'",
    "        ssl_crl_file = '/nope.crl'",
    '        use_watchdog = on',
    "        include = '/config/extra.conf'",
    '        backend_hostname0 = host0',
    "        recovery_1st_stage_command = 'recover'",
    '',
  ].join('\n');
  const text = PGPOOL('4.6.0', conf);
  assert.deepEqual(validate(text).filter(p => p.rule.startsWith('pgpool-conf/')).map(p => p.rule), []);
  // Without spec.tls, K7 still reports `ssl = on` once, and nothing else says the same.
  const noTls = text.replace(/  tls:\n.*\n/, '');
  assert.deepEqual(validate(noTls).map(p => p.rule), ['pgpool/inline-ssl']);
});

test('the rules left out inside a resource are registered rules of the embedded languages (no stale id)', () => {
  for (const id of NOT_APPLICABLE) assert.ok(RULES.has(id) && EMBEDDED.test(id), id);
});

test('KubeDB: a PgpoolOpsRequest Reconfigure\'s applyConfig pgpool.conf is checked too; other inline keys are not', () => {
  const ops = `apiVersion: ops.kubedb.com/v1alpha1
kind: PgpoolOpsRequest
metadata: { name: reconf, namespace: demo }
spec:
  type: Reconfigure
  databaseRef: { name: pp }
  configuration:
    applyConfig:
      pgpool.conf: |
        max_pool = 4
        num_init_childs = 6
`;
  assert.deepEqual(embedded(ops), ['11:9-11:24 pgpool-conf/unknown-parameter "num_init_childs"']);
  // KubeDB takes only pgpool.conf from inline (apimachinery PgpoolCustomConfigFile).
  assert.deepEqual(embedded(PGPOOL('4.6.0', '      pool_hba.conf: |\n        host all all 0.0.0.0/0 trust\n')), []);
});

test('quick fixes edit the YAML in place (here a plain scalar of a CPO pg_hba list)', () => {
  const text = CPO('      - host all all 10.0.0.0/8 md5\n');
  const ps = validate(text).filter(p => EMBEDDED.test(p.rule));
  assert.deepEqual(ps.map(p => describeProblem(text, p)), ['11:9-11:13 pg-hba/prefer-hostssl', '11:33-11:36 pg-hba/md5-method']);
  const md5 = ps.find(p => p.rule === 'pg-hba/md5-method')!;
  const edit = md5.fixes![0]!.edits[0]!;
  const fixed = text.slice(0, edit.span[0]) + edit.newText + text.slice(edit.span[1]);
  assert.match(fixed, /- host all all 10\.0\.0\.0\/8 scram-sha-256\n/);
  assert.deepEqual(embedded(fixed), ['11:9-11:13 pg-hba/prefer-hostssl "host"']);
});

test('fixes: kept when the edit lands verbatim, dropped across an escape or when the new text is unsafe', () => {
  // The key contains an escape: the finding is reported over it, but its rename fix cannot be written verbatim.
  const esc = PGPOOL('4.6.0', '      pgpool.conf: "num_init_child\\x73 = 6\\n"\n');
  const [p] = validate(esc).filter(x => x.rule === 'pgpool-conf/unknown-parameter');
  assert.ok(p);
  assert.equal(esc.slice(p.span[0], p.span[1]), 'num_init_child\\x73');
  assert.equal(p.fixes, undefined);
  const plain = PGPOOL('4.6.0', '      pgpool.conf: "num_init_childs = 6\\n"\n');
  const [q] = validate(plain).filter(x => x.rule === 'pgpool-conf/unknown-parameter');
  assert.deepEqual(q!.fixes!.map(f => f.edits.map(e => [plain.slice(e.span[0], e.span[1]), e.newText])), [[['num_init_childs', 'num_init_children']]]);
});

test('related places of embedded findings point into the YAML file, also in a later document', () => {
  const one = PGPOOL('4.6.0', '      pgpool.conf: |\n        max_pool = 4\n        max_pool = 5\n');
  const text = `${one}---\n${one.replace('name: pp,', 'name: pp2,')}`;
  const dups = validate(text).filter(p => p.rule === 'pgpool-conf/duplicate');
  assert.equal(dups.length, 2);
  for (const d of dups) {
    assert.equal(d.related?.length, 1);
    assert.equal(d.related![0]!.file, PATH);
    assert.equal(text.slice(...d.related![0]!.span), 'max_pool');
    assert.ok(d.related![0]!.span[0] > d.span[0], 'the later assignment');
  }
  assert.ok(dups[1]!.span[0] > one.length);
});

const PERCONA = (rules: string, extra = '') => `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1, namespace: db }
spec:
  postgresVersion: 15
  instances: [{ name: instance1, dataVolumeClaimSpec: {} }]
  backups: { pgbackrest: { repos: [{ name: repo1 }] } }
${extra}  authentication:
    rules:
${rules}`;

test('tags reach the YAML path: an embedded duplicate is faded and a deprecated alias struck through, as in a pgpool.conf', () => {
  const lines = ['max_pool = 4', 'max_pool = 5', 'fail_over_on_backend_error = on', ''];
  const text = PGPOOL('4.6.0', `      pgpool.conf: |\n${lines.map(l => (l ? `        ${l}` : l)).join('\n')}`);
  const tagsIn = (ps: Problem[]) => ps.filter(p => p.rule === 'pgpool-conf/duplicate' || p.rule === 'pgpool-conf/deprecated-alias')
    .map(p => `${p.rule} ${JSON.stringify(p.tags)}`).sort();
  const expected = ['pgpool-conf/deprecated-alias ["deprecated"]', 'pgpool-conf/duplicate ["unnecessary"]'];
  assert.deepEqual(tagsIn(validate(text)), expected);
  // The same lines in a pgpool.conf of their own get the same tags.
  const conf: SourceDocument = { path: '/nonexistent/pgtls-embedded/pgpool.conf', text: lines.join('\n'), languageId: 'pgpool-conf', version: 1 };
  assert.deepEqual(tagsIn(service.validate(conf, service.parse(conf), DEFAULT_SETTINGS)), expected);
});

test('KubeDB K7 reads the inline pgpool.conf as Pgpool-II does: `t` and `enabled` are on like `on`; `off` is off', () => {
  const noTls = (value: string) => PGPOOL('4.6.0', `      pgpool.conf: |\n        num_init_children = 6\n        ssl = ${value}   # TLS\n`).replace(/  tls:\n.*\n/, '');
  const inlineSsl = (text: string) => validate(text).filter(p => p.rule === 'pgpool/inline-ssl').map(p => text.slice(p.span[0], p.span[1]));
  assert.deepEqual(inlineSsl(noTls('on')), ['ssl = on   # TLS']);
  assert.deepEqual(inlineSsl(noTls('t')), ['ssl = t   # TLS'], 'a prefix of true');
  assert.deepEqual(inlineSsl(noTls('enabled')), ['ssl = enabled   # TLS'], 'an invalid boolean counts as on');
  assert.deepEqual(inlineSsl(noTls("'TRUE'")), ["ssl = 'TRUE'   # TLS"]);
  assert.deepEqual(inlineSsl(noTls('off')), []);
  assert.deepEqual(inlineSsl(noTls('f')), [], 'a prefix of false');
  // The span lands on the setting inside the YAML value, in a quoted scalar too.
  const quoted = PGPOOL('4.6.0', '      pgpool.conf: "max_pool = 4\\nssl = t\\n"\n').replace(/  tls:\n.*\n/, '');
  const [p] = validate(quoted).filter(x => x.rule === 'pgpool/inline-ssl');
  assert.ok(p);
  assert.equal(quoted.slice(p.span[0], p.span[1]), 'ssl = t');
  assert.match(p.message, /^"ssl = t" in the inline pgpool\.conf/);
  // With tls and an sslMode other than disable, ssl on agrees with the resource.
  assert.deepEqual(inlineSsl(PGPOOL('4.6.0', '      pgpool.conf: |\n        ssl = t\n')), []);
});

test('Percona: structured rules are checked as the line the operator builds, each finding on its field', () => {
  const text = PERCONA([
    '      - connection: hostsl',
    '        method: scram-sha-256',
    '      - { connection: hostssl, method: passwrd, users: [alice] }',
    '      - connection: hostssl',
    '        method: ldap',
    '        options: { ldapserver: ldap.local, ldapport: "x1" }',
    '      - { connection: local, method: md5, databases: [app, "/re(gex"] }',
    '',
  ].join('\n'));
  assert.deepEqual(embedded(text), [
    '10:21-10:27 pg-hba/invalid-connection-type "hostsl"',
    '12:40-12:47 pg-hba/invalid-method "passwrd"',
    '15:55-15:57 pg-hba/ldap-invalid-value "x1"',
    '16:38-16:41 pg-hba/md5-method "md5"',
  ]);
  // The connection-type fix edits the `connection` value.
  const [p] = validate(text).filter(x => x.rule === 'pg-hba/invalid-connection-type');
  const e = p!.fixes![0]!.edits[0]!;
  assert.equal(text.slice(0, e.span[0]) + e.newText + text.slice(e.span[1]), text.replace('hostsl\n', `${e.newText}\n`));
});

test('Percona: a raw hba line is checked as it is (trimmed as the operator trims it); include lines are dropped', () => {
  const text = PERCONA([
    '      - connection: host',
    '        method: md5',
    '        hba: "  hostssl all all 10.0.0.0/33 scram-sha-256 \\\\"',
    '      - { connection: host, method: md5, hba: "include /etc/passwd" }',
    '      - { connection: host, method: md5, hba: "" }',
    '',
  ].join('\n'));
  // An empty `hba` means the structured fields are used: `host all all all md5` is open to every address, which is
  // synthetic, so it is reported on the rule's first key.
  assert.deepEqual(embedded(text), [
    '12:33-12:44 pg-hba/invalid-cidr-mask "10.0.0.0/33"',
    '14:11-14:21 pg-hba/wide-open "connection"',
    '14:23-14:27 pg-hba/prefer-hostssl "host"',
  ]);
});

test('Percona: spec.postgresVersion selects the PostgreSQL version; with tlsOnly, R9 alone speaks about `host`', () => {
  const rule = '      - { connection: host, method: scram-sha-256, users: ["/adm"], databases: [app] }\n      - { connection: hostssl, method: md5, hba: "hostssl all /^a 10.0.0.0/8 scram-sha-256" }\n';
  assert.deepEqual(embedded(PERCONA(rule)), [
    '10:23-10:27 pg-hba/prefer-hostssl "host"',
    '11:63-11:66 pg-hba/regex-needs-pg16 "/^a"',
  ]);
  assert.deepEqual(embedded(PERCONA(rule).replace('postgresVersion: 15', 'postgresVersion: 17')), ['10:23-10:27 pg-hba/prefer-hostssl "host"']);
  const tlsOnly = PERCONA(rule, '  tlsOnly: true\n');
  assert.deepEqual(embedded(tlsOnly), ['12:63-12:66 pg-hba/regex-needs-pg16 "/^a"']);
  assert.ok(validate(tlsOnly).some(p => p.rule === 'percona/tls-only-user-rules'));
});

const CPO = (lines: string, version = '15') => `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: acid, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "${version}" }
  patroni:
    pg_hba:
${lines}`;

test('CPO: spec.patroni.pg_hba items are pg_hba lines in any style, version from spec.postgresql.version', () => {
  const text = CPO([
    '      - local all all peer',
    "      - 'hostssl all all 10.0.0.0/8 passwd'",
    '      - "hostssl\\tall all ::1/129 cert"',
    '      - |-',
    '        hostssl all all',
    '        10.1.0.0/16 trust',
    '      - include foo.conf',
    '',
  ].join('\n'));
  assert.deepEqual(embedded(text), [
    '12:37-12:43 pg-hba/invalid-method "passwd"',
    '13:27-13:34 pg-hba/invalid-cidr-mask "::1/129"',
    // A literal block keeps its line break: two lines, the first one too short.
    '15:21-15:24 pg-hba/missing-field "all"',
    '16:9-16:20 pg-hba/invalid-connection-type "10.1.0.0/16"',
    '17:9-17:16 pg-hba/include-needs-pg16 "include"',
  ]);
  // PostgreSQL 17 reads the include (its file is in the pod, not looked up).
  assert.deepEqual(embedded(CPO('      - include foo.conf\n', '17')), []);
});

const ZALANDO = (lines: string, version = '15', extra = '') => CPO(lines, version)
  .replace('cpo.opensource.cybertec.at/v1', 'acid.zalan.do/v1').replace('  patroni:\n', `${extra}  patroni:\n`);

test('Zalando: spec.patroni.pg_hba is checked like CPO\'s, at the same places', () => {
  const lines = '      - local all all peer\n      - host all all all md5\n      - hostnossl all all all reject\n';
  const zalando = embedded(ZALANDO(lines));
  assert.deepEqual(zalando, embedded(CPO(lines)));
  assert.ok(zalando.includes('13:9-13:37 pg-hba/unreachable-line "hostnossl all all all reject"'), zalando.join('\n'));
});

test('Spilo: clientcert and cert lines need spec.tls.caFile (Spilo writes ssl_ca_file only from it)', () => {
  const line = '      - local all all peer\n      - hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full\n      - hostssl all all all cert\n';
  const noCa = '  tls: { secretName: pg-tls }\n';
  const withCa = '  tls: { secretName: pg-tls, caFile: ca.crt }\n';
  for (const make of [ZALANDO, (l: string, v: string, e: string) => CPO(l, v).replace('  patroni:\n', `${e}  patroni:\n`)]) {
    const bad = validate(make(line, '16', noCa)).filter(p => p.rule === 'pg-hba/cert-without-ssl-ca-file');
    assert.deepEqual(bad.map(p => make(line, '16', noCa).slice(p.span[0], p.span[1])), ['clientcert=verify-full', 'cert']);
    // A warning: the operator's pod_environment_configmap (not in the manifest) may give every pod SSL_CA_FILE.
    assert.ok(bad.every(p => p.severity === 'warning' && /"spec\.tls" has no "caFile"/.test(p.message) && /pod_environment_configmap/.test(p.message)), bad.map(p => p.message).join('\n'));
    // No spec.tls at all: the operator configures no CA either.
    assert.match(validate(make(line, '16', '')).find(p => p.rule === 'pg-hba/cert-without-ssl-ca-file')?.message ?? '', /no "spec\.tls\.secretName"/);
    assert.deepEqual(embedded(make(line, '16', withCa)), []);
    // ssl_ca_file in the parameters, or SSL_CA_FILE in the pod's environment, is a CA as well.
    const params = make(line, '16', noCa).replace('{ version: "16" }', '{ version: "16", parameters: { ssl_ca_file: /etc/ca/ca.crt } }');
    assert.deepEqual(embedded(params), []);
    assert.deepEqual(embedded(make(line, '16', `${noCa}  env: [{ name: SSL_CA_FILE, value: /etc/ca/ca.crt }]\n`)), []);
  }
});

test('Spilo: clientcert=1 is verify-ca on PostgreSQL 12 and 13, an error from 14 on', () => {
  const line = '      - local all all peer\n      - hostssl all all 10.0.0.0/8 md5 clientcert=1\n      - hostssl all all 10.1.0.0/16 md5 clientcert=no-verify\n';
  const tls = '  tls: { secretName: pg-tls }\n';
  const on13 = ZALANDO(line, '13', tls);
  const at13 = (p: { rule: string; span: readonly [number, number] }) => `${p.rule} ${JSON.stringify(on13.slice(p.span[0], p.span[1]))}`;
  assert.deepEqual(validate(on13).filter(p => EMBEDDED.test(p.rule) && p.severity === 'error').map(at13), []);
  assert.ok(validate(on13).filter(p => p.severity === 'warning').map(at13).includes('pg-hba/cert-without-ssl-ca-file "clientcert=1"'));
  const on15 = ZALANDO(line, '15', tls);
  assert.deepEqual(validate(on15).filter(p => p.rule === 'pg-hba/invalid-clientcert').map(p => on15.slice(p.span[0], p.span[1])), ['1', 'no-verify']);
});

test('bad input never crashes: wrong types anywhere, nulls, empty lists, huge texts', () => {
  const cases = [
    PGPOOL('4.6.0', '      pgpool.conf: { not: text }\n'),
    PGPOOL('4.6.0', '      pgpool.conf: null\n      pool_hba.conf: 42\n'),
    PGPOOL('4.6.0', '      pgpool.conf: ""\n      pool_hba.conf: ""\n'),
    PGPOOL('4.6.0', '      pgpool.conf: &c "max_pool = 4"\n      pool_hba.conf: *c\n'),
    PERCONA('      - null\n      - 42\n      - [a, b]\n      - { connection: [x], method: { a: 1 } }\n      - { connection: host, method: md5, users: alice, databases: [1, null], options: [x] }\n'),
    PERCONA('      - { connection: host, method: md5, hba: 7, options: { a: null, b: { c: 1 }, "q\\"x": "v\\"w" } }\n'),
    CPO('      - null\n      - 5\n      - { a: 1 }\n      - ""\n'),
    CPO('      []\n').replace('pg_hba:\n      []', 'pg_hba: "local all all trust"'),
    ZALANDO('      - hostssl all all all md5 clientcert=1 clientcert=0\n      - 7\n', '13', '  tls: { secretName: "", caFile: 5 }\n  env: [null, { name: 3 }]\n'),
    ZALANDO('      - "hostssl all all all md5 clientcert=1"\n', '12', '  postgresql: { parameters: { ssl: [1], password_encryption: "x\'y" } }\n'),
    `${PERCONA('')}`.replace('    rules:\n', '    rules: "not a list"\n'),
  ];
  for (const text of cases) {
    const ps = validate(text);
    assert.ok(!ps.some(p => p.rule === 'pgtls/internal-error'), `${JSON.stringify(text)}: ${ps.map(p => p.message).join('; ')}`);
  }
  const many = Array.from({ length: 5_000 }, (_, i) => `        backend_weight${i % 100} = 1`).join('\n');
  const big = PGPOOL('4.6.0', `      pgpool.conf: |\n${many}\n`);
  const ps = validate(big).filter(p => EMBEDDED.test(p.rule));
  assert.ok(ps.length > 0 && ps.every(p => big.slice(p.span[0], p.span[1]).startsWith('backend_weight')));
});

test('memoised per document and settings: the same findings object until the text or a version setting changes', () => {
  const text = PGPOOL('4.6.0', '      pgpool.conf: |\n        num_init_childs = 6\n');
  const file = parseK8s(text);
  const d = file.documents[0]!;
  const part = d.part;
  const r: Resource = {
    path: PATH, doc: d, yaml: part.doc!, kind: { apiVersion: 'kubedb.com/v1alpha2', kind: 'Pgpool', title: 'KubeDB Pgpool', operator: 'kubedb' },
    header: part.header, data: dataOf(part).value,
  };
  const env = testEnv();
  const first = embeddedFindings(r, { settings: DEFAULT_SETTINGS, env });
  assert.equal(first.length, 1);
  assert.equal(embeddedFindings(r, { settings: { ...DEFAULT_SETTINGS, expiryWarningDays: 5 }, env }), first, 'unrelated setting: memo hit');
  const other = embeddedFindings(r, { settings: { ...DEFAULT_SETTINGS, pgpoolVersion: '4.3', postgresVersion: 15 }, env });
  assert.notEqual(other, first);
  assert.equal([...part.memo.keys()].filter(k => k.startsWith('embedded')).length, 1, 'only the newest variant is kept');
  // A reused document (unchanged text after an edit elsewhere) keeps its memo.
  const again = parseK8s(`${text}---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n`, file);
  assert.equal(again.documents[0]!.part, part);
  const span: Span = first[0]!.span;
  assert.equal(text.slice(span[0], span[1]), 'num_init_childs');
});

test('property: random values written in every scalar style map back exactly (a seeded generator, no clock)', () => {
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const alphabet = ['a', 'b', 'z', '0', '=', ' ', ' ', '\t', '\n', '\n', "'", '"', '\\', '#', ':', ',', 'é', '\u{1F600}', '-', '/', '*'];
  const styles = ['BLOCK_LITERAL', 'BLOCK_FOLDED', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'PLAIN'] as const;
  let exact = 0;
  let total = 0;
  for (let i = 0; i < 600; i++) {
    let v = '';
    const len = 1 + rnd(40);
    for (let k = 0; k < len; k++) v += alphabet[rnd(alphabet.length)]!;
    const type = styles[i % styles.length]!;
    const doc = parseDocument('spec:\n  conf: x\n', YAML_OPTIONS);
    const node = doc.getIn(['spec', 'conf'], true) as Scalar;
    node.value = v;
    node.type = type;
    const src = doc.toString({ lineWidth: 20, minContentWidth: 5 });
    const back = parseDocument(src, YAML_OPTIONS);
    const n = back.getIn(['spec', 'conf'], true) as Scalar;
    if (!isScalar(n) || typeof n.value !== 'string') continue;
    total++;
    const m = scalarOffsetMap(n, src)!;
    assert.equal(m.text, n.value);
    if (!m.exact) {
      // Not aligned: everything maps to the whole scalar, never elsewhere.
      assert.deepEqual(m.span([0, 1]), m.whole, JSON.stringify(src));
      continue;
    }
    exact++;
    for (let k = 0; k < m.text.length; k++) {
      const [a, b] = m.span([k, k + 1]);
      assert.ok(a >= m.whole[0] && b <= m.whole[1] && a <= b, JSON.stringify({ src, k }));
      const e = m.editSpan([k, k + 1]);
      if (e) assert.equal(src.slice(e[0], e[1]), m.text[k], JSON.stringify({ src, k }));
    }
  }
  assert.ok(total >= 590);
  assert.equal(exact, total, 'every generated scalar is aligned');
});
