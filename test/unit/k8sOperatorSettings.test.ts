/**
 * Operator semantics outside the TLS blocks (k8s/check/operatorHba.ts, operatorSettings.ts, embedded.ts): Percona's
 * pg_hba lists judged after the operator's mandatory lines, its dynamicConfiguration parameters, CPO `ssl` off and a
 * `spec.patroni.pg_hba` that replaces Spilo's defaults.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import { LineLabels, perconaMandatoryHba } from '../../server/src/languages/k8s/check/operatorHba';
import { postgresBool } from '../../server/src/languages/k8s/check/operatorSettings';
import { describeProblem, testService } from '../helpers';

const service = testService();
const validate = (text: string, settings: Partial<Settings> = {}): Problem[] => {
  const d: SourceDocument = { path: '/nonexistent/pgtls-opsem/manifests.yaml', text, languageId: 'yaml', version: 1 };
  return service.validate(d, service.parse(d), { ...DEFAULT_SETTINGS, ...settings });
};
/** Problems of the given rule prefixes as `line:col-line:col rule "text"`. */
const shown = (text: string, re: RegExp, settings: Partial<Settings> = {}) =>
  validate(text, settings).filter(p => re.test(p.rule)).map(p => `${describeProblem(text, p)} ${JSON.stringify(text.slice(p.span[0], p.span[1]))}`);

const PERCONA = (body: string, extra = '') => `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1, namespace: db }
spec:
  postgresVersion: 17
  instances: [{ name: instance1, dataVolumeClaimSpec: {} }]
  backups: { pgbackrest: { repos: [{ name: repo1 }] } }
${extra}${body}`;

const DYNAMIC = (lines: string) => `  patroni:
    dynamicConfiguration:
      postgresql:
        pg_hba:
${lines}`;

test('PostgreSQL booleans as the server parses them, YAML booleans and numbers too', () => {
  for (const v of ['off', 'OFF', 'of', 'false', 'f', 'no', 'n', '0', ' Off ', false, 0]) assert.equal(postgresBool(v), false, String(v));
  for (const v of ['on', 'true', 't', 'yes', 'y', '1', true, 1]) assert.equal(postgresBool(v), true, String(v));
  for (const v of ['o', '', 'maybe', '2', 2, null, undefined, {}]) assert.equal(postgresBool(v), undefined, String(v));
});

test('the mandatory lines as data: PgBouncer adds its user, tlsOnly turns host into hostssl (never local)', () => {
  const base = perconaMandatoryHba({ pgBouncer: false, tlsOnly: false });
  assert.equal(base[0], 'local all "postgres" peer');
  assert.ok(base.includes('host all "_crunchyrepl" all reject'));
  assert.ok(!base.some(l => l.includes('_crunchypgbouncer')));
  const bouncer = perconaMandatoryHba({ pgBouncer: true, tlsOnly: false });
  assert.deepEqual(bouncer.slice(-2), ['hostssl all "_crunchypgbouncer" all scram-sha-256', 'host all "_crunchypgbouncer" all reject']);
  const tls = perconaMandatoryHba({ pgBouncer: true, tlsOnly: true });
  assert.equal(tls[0], 'local all "postgres" peer');
  assert.ok(tls.slice(1).every(l => l.startsWith('hostssl ')), tls.join('\n'));
});

test('LineLabels names the place of `line N`; a line number it does not know stays as it is', () => {
  const labels = new LineLabels('a\nb\nc\nd', [{ at: 0, label: 'X' }, { at: 4, label: '"Y"' }]);
  assert.equal(labels.relabel('line 1, line 2 and line 3, then line 4, line 9'), 'X, X and "Y", then "Y", line 9');
});

test('Percona: a rule for _crunchyrepl over TCP is decided by the operator; with tlsOnly a hostnossl one is not', () => {
  const body = DYNAMIC('          - hostnossl all _crunchyrepl 10.0.0.0/8 scram-sha-256\n          - hostssl all all all scram-sha-256\n');
  assert.deepEqual(shown(PERCONA(body), /operator-hba-first/), [
    '12:13-12:64 percona/operator-hba-first "hostnossl all _crunchyrepl 10.0.0.0/8 scram-sha-256"',
  ]);
  // tlsOnly rewrites the operator's `host ... reject` into `hostssl`, which no longer takes non-TLS connections.
  assert.deepEqual(shown(PERCONA(body, '  tlsOnly: true\n'), /operator-hba-first/), []);
  // The line is the user's own business then: R9 says that it allows plaintext.
  assert.deepEqual(shown(PERCONA(body, '  tlsOnly: true\n'), /tls-only-user-rules|prefer-hostssl/), [
    '13:13-13:64 percona/tls-only-user-rules "hostnossl all _crunchyrepl 10.0.0.0/8 scram-sha-256"',
  ]);
});

test('Percona: PgBouncer\'s user is decided only when PgBouncer is on', () => {
  const body = DYNAMIC('          - hostssl all _crunchypgbouncer 10.0.0.0/8 md5\n');
  assert.deepEqual(shown(PERCONA(body), /operator-hba-first/), []);
  assert.deepEqual(shown(PERCONA(body, '  proxy: { pgBouncer: {} }\n'), /operator-hba-first/), [
    '13:13-13:57 percona/operator-hba-first "hostssl all _crunchypgbouncer 10.0.0.0/8 md5"',
  ]);
});

test('Percona: the operator\'s lines never yield findings of their own, and `line N` names the YAML place', () => {
  const text = PERCONA([
    '  authentication:',
    '    rules:',
    '      - { connection: hostssl, method: scram-sha-256 }',
    DYNAMIC("          - 'hostssl all app 10.0.0.0/8 scram-sha-256'\n"),
  ].join('\n'));
  const ps = validate(text).filter(p => /^(pg-hba|percona)\//.test(p.rule));
  assert.deepEqual(ps.map(p => describeProblem(text, p)), ['15:14-15:54 pg-hba/unreachable-line']);
  const p = ps[0]!;
  assert.match(p.message, /"spec\.authentication\.rules\[0\]" \("hostssl all all all scram-sha-256"\) comes first/);
  assert.match(p.message, /move it above "spec\.authentication\.rules\[0\]"/);
  assert.doesNotMatch(p.message, /\bline \d/);
  // The related place is the YAML of that rule, not the operator's lines.
  assert.equal(p.related?.length, 1);
  assert.equal(text.slice(p.related![0]!.span[0], p.related![0]!.span[1]).startsWith('hostssl'), true);
});

test('Percona: dynamicConfiguration pg_hba items in any scalar style at exact places; non-strings skipped as the operator does', () => {
  const text = PERCONA(DYNAMIC([
    '          - "hostssl all all 10.0.0.0/33 scram-sha-256"',
    '          - 42',
    '          - |-',
    '            hostssl all all all passwd',
    '',
  ].join('\n')));
  assert.deepEqual(shown(text, /^pg-hba\//), [
    '12:30-12:41 pg-hba/invalid-cidr-mask "10.0.0.0/33"',
    '15:33-15:39 pg-hba/invalid-method "passwd"',
  ]);
});

test('Percona: dynamicConfiguration parameters the operator overrides; other parameters pass', () => {
  const text = PERCONA(`  patroni:
    dynamicConfiguration:
      postgresql:
        parameters: { ssl: false, ssl_key_file: /x.key, ssl_ciphers: HIGH, pg_hba: [] }
`);
  assert.deepEqual(shown(text, /dynamic-config-ignored/), [
    '11:23-11:26 percona/dynamic-config-ignored "ssl"',
    '11:35-11:47 percona/dynamic-config-ignored "ssl_key_file"',
    '11:76-11:82 percona/dynamic-config-ignored "pg_hba"',
  ]);
  const [ssl] = validate(text).filter(p => p.rule === 'percona/dynamic-config-ignored');
  assert.match(ssl!.message, /always sets "ssl = on"/);
  assert.equal(ssl!.severity, 'warning');
});

const CPO = (spec: string, instances = 2) => `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: acid, namespace: db }
spec:
  teamId: acid
  numberOfInstances: ${instances}
  volume: { size: 1Gi }
${spec}`;

test('CPO: ssl off in any spelling PostgreSQL reads as off is an error; on or unknown values are not judged', () => {
  for (const v of ['"off"', '"0"', '"no"', 'false', '"OFF"']) {
    const ps = validate(CPO(`  postgresql: { version: "16", parameters: { ssl: ${v} } }\n`)).filter(p => p.rule === 'cpo/ssl-off');
    assert.equal(ps.length, 1, v);
    assert.equal(ps[0]!.severity, 'error');
    assert.match(ps[0]!.message, /sslmode=require/);
  }
  for (const v of ['"on"', '"maybe"', '""']) {
    assert.deepEqual(validate(CPO(`  postgresql: { version: "16", parameters: { ssl: ${v} } }\n`)).filter(p => p.rule === 'cpo/ssl-off'), [], v);
  }
});

test('CPO: the replication line is an error with replicas, a warning for one instance; reject lines and quoted names do not count', () => {
  const list = (lines: string[]) => `  postgresql: { version: "16" }\n  patroni:\n    pg_hba:\n${lines.map(l => `      - ${l}\n`).join('')}`;
  const incomplete = (text: string) => validate(text).filter(p => p.rule === 'cpo/pg-hba-incomplete').map(p => `${p.severity} ${/no "(\w+)"/.exec(p.message)?.[1]}`);
  assert.deepEqual(incomplete(CPO(list(['local all all peer', 'hostssl all all all scram-sha-256']))), ['error replication']);
  assert.deepEqual(incomplete(CPO(list(['local all all peer', 'hostssl all all all scram-sha-256']), 1)), ['warning replication']);
  assert.deepEqual(incomplete(CPO(list(['local all all reject', 'hostssl replication standby all reject', 'hostssl "replication" all all scram-sha-256']))),
    ['error local', 'error replication']);
  assert.deepEqual(incomplete(CPO(list(['local all all peer', 'host replication all 10.0.0.0/8 scram-sha-256']))), []);
  // An include may hold the missing lines (PostgreSQL 16+): no verdict. Items of another type: the schema speaks.
  assert.deepEqual(incomplete(CPO(list(['hostssl all all all scram-sha-256', 'include_dir conf.d']))), []);
  assert.deepEqual(incomplete(CPO(list(['hostssl all all all scram-sha-256', '42']))), []);
  assert.deepEqual(incomplete(CPO(list(['hostssl all all all scram-sha-256', '[a]']))), []);
});

test('bad input never throws: wrong types where lists and maps belong', () => {
  const cases = [
    PERCONA('  patroni: { dynamicConfiguration: { postgresql: { pg_hba: "local all all peer", parameters: [ssl] } } }\n'),
    PERCONA('  patroni: { dynamicConfiguration: { postgresql: null } }\n  authentication: { rules: [null, 3, {}] }\n'),
    PERCONA('  patroni: { dynamicConfiguration: [1] }\n  proxy: { pgBouncer: null }\n'),
    CPO('  postgresql: { version: "16", parameters: null }\n  patroni: { pg_hba: { a: 1 } }\n'),
    CPO('  postgresql: [1]\n  patroni: { pg_hba: [null, "", "   "] }\n'),
  ];
  for (const c of cases) assert.doesNotThrow(() => validate(c), c);
});

test('Percona: a structured rule with method `password` is written as scram-sha-256 (v2.9.0+), so no clear-text finding', () => {
  const text = PERCONA('  authentication:\n    rules:\n      - { connection: hostssl, method: password, users: [app] }\n      - { connection: hostssl, method: md5, users: [app2] }\n');
  assert.deepEqual(shown(text, /^pg-hba\//), ['11:40-11:43 pg-hba/md5-method "md5"']);
});
