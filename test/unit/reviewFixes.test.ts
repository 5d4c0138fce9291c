/**
 * Regression tests for the findings of the review of the pgpool.conf and HBA languages: ranges on CRLF lines, the
 * advice for split values of typed parameters, unit advice, version notes in hover, completion of deprecated names,
 * redirect-list patterns with blanks, and PostgreSQL 16 regular expressions that only ARE syntax accepts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, describeProblem, testService } from '../helpers';
import { DEFAULT_SETTINGS, type Fix, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import { regexProblem } from '../../server/src/languages/hba/check/version';

const service = testService();
const PATH = '/etc/pgpool2/pgpool.conf';

const problems = (text: string, settings: Partial<Settings> = {}): Problem[] =>
  check(service, PATH, text, { checkFiles: false, ...settings }).filter(p => !p.rule.startsWith('pgpool-conf/ssl-'));
const show = (text: string, ps: Problem[]): string[] => ps.map(p => describeProblem(text, p)).sort();

function applyFix(text: string, fix: Fix): string {
  for (const e of [...fix.edits].sort((a, b) => b.span[0] - a.span[0])) text = text.slice(0, e.span[0]) + e.newText + text.slice(e.span[1]);
  return text;
}
const preferred = (p: Problem): Fix => p.fixes!.find(f => f.preferred) ?? p.fixes![0]!;

test('a missing value is marked right after `=`, not after the CR of a CRLF line or after a comment', () => {
  const text = 'log_connections =\r\nlog_hostname = # to do\r\nport\r\n';
  const ps = problems(text);
  assert.deepEqual(show(text, ps), [
    '1:18-1:18 pgpool-conf/missing-value',
    '2:15-2:15 pgpool-conf/missing-value',
    '3:5-3:5 pgpool-conf/missing-value',
  ]);
  // Before the fix the first one sat at offset 18 (between `\r` and `\n`): column 19 of a 17-character line.
  assert.equal(ps.find(p => p.span[0] < 19)!.span[0], 17);
  const fixed = applyFix(text, ps.find(p => p.span[0] === 17)!.fixes![0]!);
  assert.equal(fixed.split('\r\n')[0], 'log_connections = on');
  const commented = applyFix(text, ps.find(p => p.span[0] === 33)!.fixes![1]!);
  assert.equal(commented.split('\r\n')[1], 'log_hostname = off # to do');
  // ssl = (no value) is ON: the TLS findings cover `ssl =` only, never the CR.
  const ssl = check(service, PATH, 'ssl =\r\n', { checkFiles: false }).filter(p => p.rule === 'pgpool-conf/ssl-cert-required');
  assert.deepEqual(ssl.map(p => p.span), [[0, 5]]);
  // A value-less string setting on the last line without a newline is an empty value, as in Pgpool-II.
  assert.deepEqual(problems("health_check_user ="), []);
  assert.deepEqual(problems("health_check_user =\n").map(p => p.rule), ['pgpool-conf/missing-value']);
});

test('a split number or boolean: remove the stray characters instead of quoting them, and report the mistake once', () => {
  for (const [text, fixedText] of [
    ['port = 9999;\n', 'port = 9999\n'],
    ['num_init_children = 32,\n', 'num_init_children = 32\n'],
    ['log_connections = on;\n', 'log_connections = on\n'],
    ['backend_weight0 = 0.5,\n', 'backend_weight0 = 0.5\n'],
    ["log_min_messages = warning;\n", 'log_min_messages = warning\n'],
  ] as const) {
    const ps = problems(text);
    assert.deepEqual(ps.map(p => p.rule), ['pgpool-conf/syntax-error'], text);
    assert.match(ps[0]!.message, /remove "[;,]" after "/, text);
    const fixed = applyFix(text, preferred(ps[0]!));
    assert.equal(fixed, fixedText);
    assert.deepEqual(problems(fixed), [], fixed);
  }
  // The first token is still checked as the value.
  const low = problems('port = 80;\n');
  assert.deepEqual(low.map(p => p.rule).sort(), ['pgpool-conf/out-of-range', 'pgpool-conf/syntax-error']);
  assert.deepEqual(low.find(p => p.rule === 'pgpool-conf/out-of-range')!.span, [7, 9]);
  // Neither the whole text nor the first token is a number: no quick fix, and the value check explains.
  const bad = problems('max_pool = abc;\n');
  assert.deepEqual(bad.map(p => p.rule).sort(), ['pgpool-conf/invalid-number', 'pgpool-conf/syntax-error']);
  assert.equal(bad.find(p => p.rule === 'pgpool-conf/syntax-error')!.fixes, undefined);
  // Where quoting gives a valid value, quoting stays the advice (strings, an exponent, a unit after a blank).
  for (const [text, quoted] of [
    ['unix_socket_directories = /var/run/postgresql\n', "unix_socket_directories = '/var/run/postgresql'\n"],
    ['backend_weight0 = 1e3\n', "backend_weight0 = '1e3'\n"],
    ['backend_hostname0 = 10.0.0.1\n', "backend_hostname0 = '10.0.0.1'\n"],
  ] as const) {
    const ps = problems(text);
    assert.equal(applyFix(text, preferred(ps[0]!)), quoted);
    assert.deepEqual(problems(quoted), []);
  }
});

test('a unit after a blank: `5min` (no quotes needed) or the quoted form; a decimal number needs the quotes', () => {
  const text = 'child_life_time = 5 min\n';
  const [p] = problems(text);
  assert.equal(p!.rule, 'pgpool-conf/value-needs-quoting');
  assert.match(p!.message, /write "5min" or "'5 min'"/);
  for (const f of p!.fixes!) assert.deepEqual(problems(applyFix(text, f)), [], f.title);
  assert.deepEqual(p!.fixes!.map(f => applyFix(text, f)), ["child_life_time = '5 min'\n", 'child_life_time = 5min\n']);
  const dec = problems('client_idle_limit = 1.5 min\n')[0]!;
  assert.deepEqual(dec.fixes!.map(f => applyFix('client_idle_limit = 1.5 min\n', f)), ["client_idle_limit = '1.5 min'\n"]);
  // A misspelt unit after a blank is corrected, not removed (removing `mb` would silently mean kilobytes).
  for (const [text, fixedText] of [
    ['log_rotation_size = 10 mb\n', 'log_rotation_size = 10MB\n'],
    ['child_life_time = 5 MIN\n', 'child_life_time = 5min\n'],
    ['child_life_time = 5 mins\n', 'child_life_time = 5min\n'],
    ['health_check_period0 = 10 s\n', "health_check_period0 = '10 s'\n"],
    // no unit at all: the port, and the bare health_check_period (the default of every node)
    ['port = 5432 ms\n', 'port = 5432\n'],
    ['health_check_period = 10 s\n', 'health_check_period = 10\n'],
  ] as const) {
    const ps = problems(text);
    assert.deepEqual(ps.map(p => p.rule), ['pgpool-conf/value-needs-quoting'], text);
    const fixed = applyFix(text, preferred(ps[0]!));
    assert.equal(fixed, fixedText);
    assert.deepEqual(problems(fixed), [], fixed);
  }
  assert.match(problems('port = 5432 ms\n')[0]!.message, /remove "ms" after "5432" \("port" takes no unit\)/);
  // invalid-unit no longer claims that the unit must go inside quotes
  const unit = problems('authentication_timeout = 1kB\n')[0]!;
  assert.equal(unit.rule, 'pgpool-conf/invalid-unit');
  assert.doesNotMatch(unit.message, /inside the quotes/);
  assert.match(unit.message, /right after the number \(e\.g\. "30s"\)/);
  assert.match(problems("memqcache_total_size = '64 mb'\n")[0]!.message, /"64MB"/);
});

function hoverAt(marked: string, settings: Partial<Settings> = {}): string {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgpool-conf' };
  return service.hover(doc, service.parse(doc), offset, { ...DEFAULT_SETTINGS, ...settings })?.markdown ?? '';
}

test('hover: version differences in words, and units without the "inside quotes" claim', () => {
  assert.match(hoverAt('log_rotation_a|ge = 1d\n'), /Per version, a change needs: 4\.3–4\.5: restart; 4\.6–4\.7: reload/);
  assert.doesNotMatch(hoverAt('log_rotation_a|ge = 1d\n'), /context=init/);
  assert.match(hoverAt('failover_on_backend_shut|down = on\n'), /Per version, default: 4\.3: `on`; 4\.4–4\.7: `off`/);
  assert.match(hoverAt('delay_threshold_by_t|ime = 5\n'), /Per version, unit: 4\.4: s; 4\.5–4\.7: ms/);
  assert.match(hoverAt('listen_addr|esses = x\n'), /Per version, type: 4\.3: string; 4\.4–4\.7: list/);
  assert.match(hoverAt('backend_clustering_m|ode = raw\n'), /Per version, values: 4\.3–4\.6: .*`slony`.*; 4\.7: `streaming_replication`, `native_replication`, `logical_replication`, `raw`, `snapshot_isolation`/);
  assert.doesNotMatch(hoverAt('po|rt = 9999\n'), /Per version/);
  const unit = hoverAt('child_life_t|ime = 300\n');
  assert.match(unit, /Unit: s; `us`, `ms`, `s`, `min`, `h` and `d` may follow the number \(`5min`, or `'5 min'` in quotes\)/);
  assert.match(hoverAt('memqcache_total_s|ize = 1\n'), /\(`64MB`, or `'64 MB'` in quotes\)/);
});

test('completion does not offer the deprecated names that deprecated-alias reports', () => {
  const labels = (v: string): string[] => {
    const doc: SourceDocument = { path: PATH, text: '\n', languageId: 'pgpool-conf' };
    return service.complete(doc, service.parse(doc), 0, { ...DEFAULT_SETTINGS, pgpoolVersion: v }).map(i => i.label);
  };
  assert.ok(labels('4.3').includes('delegate_IP'), 'in 4.3 delegate_IP is the only name');
  assert.ok(!labels('4.3').includes('delegate_ip'));
  for (const v of ['4.4', '4.6', '4.7']) {
    assert.ok(!labels(v).includes('delegate_IP'), v);
    assert.ok(labels(v).includes('delegate_ip'), v);
  }
  for (const v of ['4.3', '4.7']) {
    assert.ok(!labels(v).includes('fail_over_on_backend_error'), v);
    assert.ok(labels(v).includes('failover_on_backend_error'), v);
  }
});

test('redirect lists: a blank around a pattern is kept by Pgpool-II, so the pattern never matches', () => {
  const text = "app_name_redirect_preference_list = 'psql:primary, pgbench:standby,myapp :1'\n";
  const ps = problems(text);
  assert.deepEqual(show(text, ps), [
    '1:51-1:59 pgpool-conf/invalid-redirect-list',
    '1:68-1:74 pgpool-conf/invalid-redirect-list',
  ]);
  assert.ok(ps.every(p => p.severity === 'warning'));
  assert.match(ps[0]!.message, /the pattern " pgbench" starts with a blank.*never matches "pgbench"/);
  assert.match(ps[1]!.message, /the pattern "myapp " ends with a blank/);
  let fixed = text;
  for (const p of [...ps].reverse()) fixed = applyFix(fixed, p.fixes![0]!);
  assert.equal(fixed, "app_name_redirect_preference_list = 'psql:primary,pgbench:standby,myapp:1'\n");
  assert.deepEqual(problems(fixed), []);
  assert.deepEqual(problems("database_redirect_preference_list = 'my db:primary'\n"), [], 'a blank inside a pattern is fine');
});

test('PostgreSQL 16 regular expressions: ARE-only syntax is not an error, and quoting does not make a name literal', () => {
  for (const re of ['(?i)^admin$', '***:(?i)^db', '***=a.b(', '(?q)a(b', '^a(?#note)b$', '(?x) ^ a b $', '^[[:alpha:]_]+$', '\\mfoo\\M']) {
    assert.equal(regexProblem(re), undefined, re);
  }
  for (const re of ['(app', '[a-', '*x', '(?i)(a']) assert.ok(regexProblem(re), re);
  // JavaScript's engine accepts these, PostgreSQL's ARE compiler refuses them (core/pgRegex.ts, checked against PG 15's ~).
  for (const re of ['^admin\\z', '(?<name>a)', 'a\\p{L}']) assert.match(regexProblem(re) ?? '', /PostgreSQL says: invalid regular expression/, re);
  const text = 'local all all peer\nhost all "/(?i)^admin$" 10.0.0.0/8 scram-sha-256\nhost all "/(app" 10.0.0.0/8 scram-sha-256\n';
  const ps = check(service, '/etc/postgresql/pg_hba.conf', text, { checkFiles: false, postgresVersion: 16 }).filter(p => p.rule === 'pg-hba/invalid-regex');
  assert.deepEqual(show(text, ps), ['3:10-3:17 pg-hba/invalid-regex']);
  assert.match(ps[0]!.message, /quoted or not/);
  assert.doesNotMatch(ps[0]!.message, /quote a name/);
});
