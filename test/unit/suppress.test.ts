/**
 * Suppression comments (core/suppress.ts) through the real façade: `pgtls-disable-next-line`, `pgtls-disable` …
 * `pgtls-enable` with and without rule ids, nesting, an unclosed disable, unknown ids with the closest ones, comments
 * that silence nothing, each language's comment syntax (none in pool_passwd, only `;` in userlist.txt), statements
 * over several lines (a continued pg_hba.conf line, a YAML block scalar), and the quick fixes that write the comments.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fixAll';
import { parseDirectives } from '../../server/src/core/suppress';
import { DEFAULT_SETTINGS, type Problem, type SourceDocument } from '../../server/src/core/types';
import { check, describeProblem, testService } from '../helpers';

const service = testService();
const DIR = '/nonexistent/pgtls-suppress';

/** `line:col-line:col rule` (1-based) of every problem. */
function problems(name: string, text: string, settings = {}): string[] {
  return check(service, `${DIR}/${name}`, text, settings).map(p => describeProblem(text, p));
}

function only(list: string[], rule: string): string[] {
  return list.filter(l => l.endsWith(` ${rule}`));
}

const MD5 = 'pool-hba/md5-method';
const TRUST = 'pool-hba/local-trust';
const HOSTSSL = 'pool-hba/prefer-hostssl';
/** A `host … md5` line for its own database (so that no line hides another); `md5` at columns 26-29. */
const line = (n: number) => `host db${n} all 10.${n}.0.0/16 md5`;

test('without comments the hba lines are reported (the baseline of the cases below)', () => {
  const got = problems('pool_hba.conf', `local all all trust\n${line(2)}\n`);
  assert.deepEqual(only(got, TRUST), [`1:15-1:20 ${TRUST}`]);
  assert.deepEqual(only(got, MD5), [`2:26-2:29 ${MD5}`]);
  assert.deepEqual(only(got, HOSTSSL), [`2:1-2:5 ${HOSTSSL}`]);
});

test('pgtls-disable-next-line silences the named rules on the next line only', () => {
  const text = [
    `# pgtls-disable-next-line ${MD5}`,
    line(0),
    line(1),
  ].join('\n') + '\n';
  const got = problems('pool_hba.conf', text);
  assert.deepEqual(only(got, MD5), [`3:26-3:29 ${MD5}`], 'the line after the next is not silenced');
  assert.deepEqual(only(got, HOSTSSL), [`2:1-2:5 ${HOSTSSL}`, `3:1-3:5 ${HOSTSSL}`], 'other rules on the line stay');
  assert.deepEqual(only(got, 'pgtls/suppression-unused'), []);
});

test('several ids (commas or blanks), a -- reason, and a bare comment that silences every rule of the next line', () => {
  const text = [
    `#pgtls-disable-next-line ${MD5},${HOSTSSL} -- legacy clients until June`,
    line(0),
    `  #   pgtls-disable-next-line   ${HOSTSSL}   ${MD5}`,
    line(1),
    '# pgtls-disable-next-line -- everything on the next line',
    line(2),
    line(3),
  ].join('\n') + '\n';
  const got = problems('pool_hba.conf', text);
  assert.deepEqual(got.filter(l => !l.startsWith('7:')), [], got.join('\n'));
  assert.deepEqual(only(got, MD5), [`7:26-7:29 ${MD5}`]);
});

test('pgtls-disable … pgtls-enable: a block; an unclosed disable runs to the end of the file', () => {
  const text = [
    line(0), // 1: reported
    `# pgtls-disable ${MD5}`,
    line(1), // 3: silenced
    `# pgtls-enable ${MD5}`,
    line(2), // 5: reported
    `# pgtls-disable ${MD5}`,
    line(3), // 7: silenced to the end
    line(4), // 8
  ].join('\n') + '\n';
  const got = problems('pool_hba.conf', text);
  assert.deepEqual(only(got, MD5).map(l => l.split(':')[0]), ['1', '5']);
  assert.equal(only(got, HOSTSSL).length, 5, 'a disable of one rule leaves the others');
  assert.deepEqual(only(got, 'pgtls/suppression-unused'), []);
});

test('nesting does not count (as in ESLint): one enable ends two disables, and the outer one silenced nothing', () => {
  const text = [
    `# pgtls-disable ${MD5}`, // 1: nothing until the next disable of the rule: unused
    `# pgtls-disable ${MD5}`, // 2
    line(1), // 3: silenced by line 2
    `# pgtls-enable ${MD5}`, // 4: ends both
    line(2), // 5: reported
  ].join('\n') + '\n';
  const got = problems('pool_hba.conf', text);
  assert.deepEqual(only(got, MD5), [`5:26-5:29 ${MD5}`]);
  assert.deepEqual(only(got, 'pgtls/suppression-unused'), ['1:1-1:36 pgtls/suppression-unused']);
});

test('a bare disable silences every rule; pgtls-enable RULE brings one back, a bare pgtls-enable all of them', () => {
  const text = [
    '# pgtls-disable',
    line(1), // 2: nothing
    `# pgtls-enable ${MD5}`,
    line(2), // 4: md5 only
    '# pgtls-enable',
    line(3), // 6: both
  ].join('\n') + '\n';
  const got = problems('pool_hba.conf', text);
  assert.deepEqual(got, [`4:26-4:29 ${MD5}`, `6:1-6:5 ${HOSTSSL}`, `6:26-6:29 ${MD5}`]);
});

test('an enable with nothing disabled, a disable-next-line with no such problem, an id that silences nothing: each reported with a fix', () => {
  const text = [
    `# pgtls-enable ${MD5}`, // 1: enables nothing
    `# pgtls-disable-next-line ${MD5}, ${TRUST}`, // 2: trust has nothing on line 3
    line(1),
    '# pgtls-disable-next-line', // 4: bare, nothing on line 5
    '',
    '# pgtls-enable', // 6: enables nothing
  ].join('\n') + '\n';
  const text2 = text;
  const doc: SourceDocument = { path: `${DIR}/pool_hba.conf`, text: text2, languageId: 'pool-hba' };
  const got = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS).filter(p => p.rule === 'pgtls/suppression-unused');
  assert.deepEqual(got.map(p => describeProblem(text, p)), [
    '1:1-1:35 pgtls/suppression-unused', '2:48-2:68 pgtls/suppression-unused', '4:1-4:26 pgtls/suppression-unused', '6:1-6:15 pgtls/suppression-unused',
  ]);
  assert.match(got[0]!.message, /enables nothing: pool-hba\/md5-method is not disabled here/);
  assert.match(got[1]!.message, /names pool-hba\/local-trust, but pgtls finds no pool-hba\/local-trust problem on the next line/);
  assert.ok(got.every(p => p.tags?.includes('unnecessary') && p.severity === 'warning'));
  // The id's fix removes it and its separator; the others remove the comment line.
  assert.equal(applyEdits(text, got[1]!.fixes![0]!.edits), text.replace(`, ${TRUST}`, ''));
  assert.equal(applyEdits(text, got[0]!.fixes![0]!.edits), text.replace(`# pgtls-enable ${MD5}\n`, ''));
  assert.ok(got.every(p => !p.fixes![0]!.preferred), 'removing a comment is never applied by fix-all (what it silences may depend on files and settings)');
});

test('an unknown rule id: reported on the id with the closest ids, a preferred fix when there is one', () => {
  const text = `# pgtls-disable-next-line pool-hba/md5-methd, nosuch/rule\n${line(1)}\n`;
  const doc: SourceDocument = { path: `${DIR}/pool_hba.conf`, text, languageId: 'pool-hba' };
  const all = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
  const unknown = all.filter(p => p.rule === 'pgtls/suppression-unknown-rule');
  assert.deepEqual(unknown.map(p => describeProblem(text, p)), ['1:27-1:45 pgtls/suppression-unknown-rule', '1:47-1:58 pgtls/suppression-unknown-rule']);
  assert.match(unknown[0]!.message, /pool-hba\/md5-methd, which is not a pgtls rule.*did you mean pool-hba\/md5-method\?/);
  assert.deepEqual(unknown[0]!.fixes!.map(f => [f.title, f.preferred]), [['Change to pool-hba/md5-method', true]]);
  assert.match(unknown[1]!.message, /pgtls rules lists every rule id/);
  assert.ok(all.some(p => p.rule === MD5), 'a misspelt id silences nothing');
  assert.ok(!all.some(p => p.rule === 'pgtls/suppression-unused'), 'an unknown id is not also reported unused');
});

test('the settings apply after the comments: a comment for a rule turned off still counts as used', () => {
  const text = `# pgtls-disable-next-line ${MD5}\n${line(1)}\n`;
  assert.deepEqual(only(problems('pool_hba.conf', text, { rules: { [MD5]: 'off' } }), 'pgtls/suppression-unused'), []);
  assert.deepEqual(problems('pool_hba.conf', text, { rules: { [HOSTSSL]: 'off' } }), []);
  // And the comments' own findings follow pgtls.rules like any other.
  assert.deepEqual(problems('pool_hba.conf', `# pgtls-enable\nhostssl db1 all 10.1.0.0/16 scram-sha-256\n`, { rules: { 'pgtls/suppression-unused': 'off' } }), []);
});

test("each language's comment syntax: pgbouncer.ini ; and #, userlist.txt only ;, pool_passwd none", () => {
  const ini = '[pgbouncer]\n; pgtls-disable-next-line pgbouncer-ini/unknown-setting\nlisten_portt = 6432\n# pgtls-disable-next-line pgbouncer-ini/unknown-setting\nauth_tipe = md5\n';
  assert.deepEqual(only(problems('pgbouncer.ini', ini), 'pgbouncer-ini/unknown-setting'), []);
  assert.equal(only(problems('pgbouncer.ini', ini.replace(/^[;#] pgtls.*\n/gm, '')), 'pgbouncer-ini/unknown-setting').length, 2);

  const userlist = '; pgtls-disable-next-line pgbouncer-userlist/clear-text-password\n"alice" "secret"\n';
  assert.deepEqual(problems('userlist.txt', userlist).filter(l => !l.startsWith('1:')), []);
  assert.ok(problems('userlist.txt', userlist.slice(userlist.indexOf('\n') + 1)).length > 0, 'the baseline has a finding');
  // A `#` line ends PgBouncer's reading of the file: it is no comment, and no directive.
  const hashed = problems('userlist.txt', userlist.replace(/^;/, '#'));
  assert.ok(hashed.some(l => l.endsWith('pgbouncer-userlist/broken-file')), hashed.join('\n'));
  assert.ok(!hashed.some(l => l.includes('pgtls/suppression')));

  // pool_passwd has no comments: the line is a (broken) entry, and no directive.
  const passwd = `# pgtls-disable-next-line pool-passwd/md5-backend-login\nalice:md5${'0'.repeat(32)}\n`;
  const got = problems('pool_passwd', passwd);
  assert.ok(got.includes('2:7-2:10 pool-passwd/md5-backend-login'), got.join('\n'));
  assert.ok(!got.some(l => l.includes('pgtls/suppression')));
  assert.deepEqual(parseDirectives(passwd, []), []);
});

test('a continued pg_hba.conf line: a comment above the line it starts on silences a finding on its continuation', () => {
  const body = 'host all all \\\n  10.0.0.0/8 md5\n';
  const base = check(service, `${DIR}/pg_hba.conf`, body);
  const md5 = base.find(p => p.rule === 'pg-hba/md5-method')!;
  assert.equal(describeProblem(body, md5), '2:14-2:17 pg-hba/md5-method');
  // The quick fix writes the comment above the first physical line: inside the continued line it would end it.
  const fix = service.suppressions(docOf('pg_hba.conf', body), service.parse(docOf('pg_hba.conf', body)), [md5])[0]![0]!;
  const fixed = applyEdits(body, fix.edits);
  assert.equal(fixed, `# pgtls-disable-next-line pg-hba/md5-method\n${body}`);
  assert.ok(!check(service, `${DIR}/pg_hba.conf`, fixed).some(p => p.rule === 'pg-hba/md5-method' || p.rule.startsWith('pgtls/')));
  // Written by hand on the physical line before the finding, it is honoured too.
  assert.ok(!check(service, `${DIR}/pg_hba.conf`, `host all all \\\n# pgtls-disable-next-line pg-hba/md5-method\n  10.0.0.0/8 md5\n`).some(p => p.rule === 'pg-hba/md5-method'));
});

const KUBEDB = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres, namespace: demo }
  configuration:
    inline:
      pgpool.conf: |
        num_init_childs = 6
        log_min_messages = chatty
`;

function docOf(name: string, text: string): SourceDocument {
  return { path: `${DIR}/${name}`, text, languageId: service.languageOf(name)! };
}

test('YAML: a finding inside a block scalar is anchored at the scalar\'s line; the comment goes above it, never into the value', () => {
  const doc = docOf('pgpool.yaml', KUBEDB);
  const found = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
  const unknown = found.find(p => p.rule === 'pgpool-conf/unknown-parameter')!;
  assert.equal(describeProblem(KUBEDB, unknown), '10:9-10:24 pgpool-conf/unknown-parameter');
  const [line, file] = service.suppressions(doc, service.parse(doc), [unknown])[0]!;
  assert.equal(line!.title, 'Disable pgpool-conf/unknown-parameter for this line');
  const fixed = applyEdits(KUBEDB, line!.edits);
  assert.ok(fixed.includes('    inline:\n      # pgtls-disable-next-line pgpool-conf/unknown-parameter\n      pgpool.conf: |\n'), fixed);
  const after = check(service, `${DIR}/pgpool.yaml`, fixed);
  assert.deepEqual(after.filter(p => p.rule === 'pgpool-conf/unknown-parameter' || p.rule.startsWith('pgtls/')), []);
  assert.ok(after.some(p => p.rule === 'pgpool-conf/invalid-enum'), 'other rules in the value stay');
  // The whole-file comment goes on the first line.
  assert.ok(applyEdits(KUBEDB, file!.edits).startsWith('# pgtls-disable pgpool-conf/unknown-parameter\napiVersion:'));
  // Inside the value a comment is a pgpool.conf comment: honoured as well.
  const inside = KUBEDB.replace('        num_init_childs', '        # pgtls-disable-next-line pgpool-conf/unknown-parameter\n        num_init_childs');
  assert.ok(!check(service, `${DIR}/pgpool.yaml`, inside).some(p => p.rule === 'pgpool-conf/unknown-parameter' || p.rule.startsWith('pgtls/')));
});

test('YAML: a suppression comment in a templated (Helm) document is never reported unused', () => {
  const helm = `# pgtls-disable-next-line pgpool-conf/unknown-parameter\napiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: {{ .Release.Name }} }\n`;
  assert.deepEqual(problems('pgpool.yaml', helm), []);
});

test('the line quick fix adds to a disable-next-line comment already above, keeps the indentation, the BOM and CRLF', () => {
  const text = `\uFEFF# pgtls-disable-next-line ${HOSTSSL} -- TLS on the next hop\r\n    host all all 10.0.0.0/8 md5\r\n`;
  const doc = docOf('pool_hba.conf', text);
  const parsed = service.parse(doc);
  const md5 = service.validate(doc, parsed, DEFAULT_SETTINGS).find(p => p.rule === MD5) as Problem;
  const [lineFix, fileFix] = service.suppressions(doc, parsed, [md5])[0]!;
  assert.equal(applyEdits(text, lineFix!.edits), text.replace(`${HOSTSSL} --`, `${HOSTSSL}, ${MD5} --`));
  assert.equal(applyEdits(text, fileFix!.edits), `\uFEFF# pgtls-disable ${MD5}\r\n${text.slice(1)}`);
  const plain = `${line(0)}\n    ${line(1)}\n`;
  const pdoc = docOf('pool_hba.conf', plain);
  const second = service.validate(pdoc, service.parse(pdoc), DEFAULT_SETTINGS).filter(p => p.rule === MD5)[1]!;
  assert.equal(applyEdits(plain, service.suppressions(pdoc, service.parse(pdoc), [second])[0]![0]!.edits),
    `${line(0)}\n    # pgtls-disable-next-line ${MD5}\n    ${line(1)}\n`);
  // pgbouncer.ini is written with `;`, the comment its editor configuration toggles; pool_passwd gets none.
  const ini = '[pgbouncer]\nlisten_portt = 6432\n';
  const idoc = docOf('pgbouncer.ini', ini);
  const p = service.validate(idoc, service.parse(idoc), DEFAULT_SETTINGS).find(x => x.rule === 'pgbouncer-ini/unknown-setting')!;
  assert.equal(applyEdits(ini, service.suppressions(idoc, service.parse(idoc), [p])[0]![0]!.edits), '[pgbouncer]\n; pgtls-disable-next-line pgbouncer-ini/unknown-setting\nlisten_portt = 6432\n');
  const pw = docOf('pool_passwd', 'alice\n');
  const pwProblem = service.validate(pw, service.parse(pw), DEFAULT_SETTINGS)[0]!;
  assert.deepEqual(service.suppressions(pw, service.parse(pw), [pwProblem]), [[]]);
});

test('the findings about the comments themselves, and files pgtls could not read, get no suppression fix', () => {
  const text = '# pgtls-enable\nhostssl db1 all 10.1.0.0/16 scram-sha-256\n';
  const doc = docOf('pool_hba.conf', text);
  const [unused] = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
  assert.equal(unused!.rule, 'pgtls/suppression-unused');
  assert.deepEqual(service.suppressions(doc, service.parse(doc), [unused!]), [[]]);
});

test('an id of another kind of file (pool-hba/… in a pg_hba.conf) that silences nothing: its rule here is suggested, and fix-all corrects the comments', () => {
  const text = [
    '# pgtls-disable pool-hba/md5-method',
    'hostssl db1 all 10.1.0.0/16 md5',
    '# pgtls-enable pool-hba/md5-method',
    'hostssl db2 all 10.2.0.0/16 md5',
  ].join('\n') + '\n';
  const doc = docOf('pg_hba.conf', text);
  const found = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
  assert.deepEqual(found.map(p => describeProblem(text, p)), [
    '1:17-1:36 pgtls/suppression-unknown-rule', '2:29-2:32 pg-hba/md5-method', '4:29-4:32 pg-hba/md5-method',
  ]);
  assert.match(found[0]!.message, /pool-hba\/md5-method, a rule of another kind of file.*this file's rule is pg-hba\/md5-method/);
  // Fix-all corrects the disable first, then the enable that would otherwise enable nothing.
  const fixed = applyEdits(text, service.fixAll(doc, service.parse(doc), DEFAULT_SETTINGS).edits);
  assert.equal(fixed, text.replace(/pool-hba\//g, 'pg-hba/'));
  assert.deepEqual(check(service, doc.path, fixed).map(p => describeProblem(fixed, p)), ['4:29-4:32 pg-hba/md5-method']);
});

test('a pgtls-disable on the first line covers a finding at the very start of the file (a byte-order mark before it)', () => {
  // PostgreSQL reads a byte-order mark as part of the first line: a syntax error at offset 0, before the comment.
  const text = '\uFEFF# pgtls-disable postgresql-conf/syntax-error\nport = 5432\n';
  assert.deepEqual(problems('postgresql.conf', '\uFEFF# c\nport = 5432\n'), ['1:1-1:2 postgresql-conf/syntax-error'], 'the baseline');
  assert.deepEqual(problems('postgresql.conf', text), []);
});
