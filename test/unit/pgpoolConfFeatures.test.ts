/**
 * pgpool.conf through the real service: hover, completion, quick fixes, version switching and the cross-checks that
 * read other files (through an in-memory environment).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMAS, check, testService } from '../helpers';
import { DEFAULT_SETTINGS, type FileStat, type Fix, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import type { Service } from '../../server/src/service';

const service = testService();
const PATH = '/etc/pgpool2/pgpool.conf';

/** Our problems only (the TLS rules have their own tests). */
const problems = (text: string, settings: Partial<Settings> = {}, svc: Service = service): Problem[] =>
  check(svc, PATH, text, { checkFiles: false, ...settings }).filter(p => !p.rule.startsWith('pgpool-conf/ssl-'));
const rules = (text: string, settings: Partial<Settings> = {}, svc?: Service): string[] => problems(text, settings, svc).map(p => p.rule.replace('pgpool-conf/', ''));

/** The text with the cursor marker `|` removed, and the cursor offset. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'no cursor marker');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

function hoverAt(marked: string, settings: Partial<Settings> = {}, svc: Service = service) {
  const { text, offset } = cursor(marked);
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgpool-conf' };
  return svc.hover(doc, svc.parse(doc), offset, { ...DEFAULT_SETTINGS, ...settings });
}

function completeAt(marked: string, settings: Partial<Settings> = {}) {
  const { text, offset } = cursor(marked);
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgpool-conf' };
  return { text, offset, items: service.complete(doc, service.parse(doc), offset, { ...DEFAULT_SETTINGS, ...settings }) };
}

function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span[0] - a.span[0]);
  for (const e of edits) text = text.slice(0, e.span[0]) + e.newText + text.slice(e.span[1]);
  return text;
}

test('hover on a key: type, default, range, how a change takes effect, versions, our description', () => {
  const h = hoverAt('po|rt = 9999\n')!;
  assert.deepEqual(h.span, [0, 4]);
  assert.match(h.markdown, /\*\*port\*\*/);
  assert.match(h.markdown, /integer/);
  assert.match(h.markdown, /default `9999`/);
  assert.match(h.markdown, /1024 … 65535/);
  assert.match(h.markdown, /restart/);
  assert.match(h.markdown, /4\.3–4\.7/);
  assert.match(h.markdown, /TCP port/, 'our description from pgpool-param-docs.json');
});

test('hover on an indexed key and on the no-index default family', () => {
  const h = hoverAt('backend_hostname1| = \'db1\'\n')!;
  assert.deepEqual(h.span, [0, 17]);
  assert.match(h.markdown, /backend_hostname1 \(node 1\)/);
  assert.match(h.markdown, /`backend_hostname0` … `backend_hostname127`/);
  assert.match(hoverAt('health_check_per|iod = 10\n')!.markdown, /bare `health_check_period` sets the default/);
  assert.match(hoverAt('chi|ld_life_time = 300\n')!.markdown, /Unit: s/);
});

test('hover is version-aware', () => {
  assert.match(hoverAt('health_check_us|er = x\n', { pgpoolVersion: '4.5' })!.markdown, /default `'nobody'`/);
  assert.match(hoverAt('health_check_us|er = x\n', { pgpoolVersion: '4.6' })!.markdown, /default `''`/);
  assert.match(hoverAt('sock|et_dir = x\n', { pgpoolVersion: '4.6' })!.markdown, /not in 4\.6/);
  assert.match(hoverAt('log_rotation_a|ge = 5\n', { pgpoolVersion: '4.5' })!.markdown, /restart/);
  assert.match(hoverAt('log_rotation_a|ge = 5\n', { pgpoolVersion: '4.6' })!.markdown, /`pgpool reload`/);
});

test('hover on a value says what Pgpool-II makes of it', () => {
  const off = hoverAt('ssl = o|f\n')!;
  assert.deepEqual(off.span, [6, 8]);
  assert.match(off.markdown, /\*\*OFF\*\*/);
  assert.match(hoverAt('ssl = ma|ybe\n')!.markdown, /silently reads it as \*\*ON\*\*/);
  assert.match(hoverAt('backend_clustering_mode = R|AW\n')!.markdown, /the value `raw`/);
  assert.match(hoverAt("child_life_time = '5 m|in'\n")!.markdown, /300 s/);
  assert.match(hoverAt('unix_socket_permissions = 07|70\n')!.markdown, /504 = 0770/);
  // A path value: where it resolves and what it holds (tlsFiles/paths.ts; test/unit/tlsPathHover.test.ts).
  assert.match(hoverAt("ssl_cert = 'ser|ver.crt'\n")!.markdown, /\*\*ssl_cert\*\* · the certificate \(chain\) Pgpool-II serves to clients[\s\S]*does not exist/);
});

test('no hover on comments, unknown names or blank space', () => {
  assert.equal(hoverAt('# po|rt\n'), undefined);
  assert.equal(hoverAt('frob|nicate = 1\n'), undefined);
  assert.equal(hoverAt('port = 1\n|\n'), undefined);
});

test('hover falls back to a line built from the facts when our description is missing', () => {
  const noDocs = testService({
    loadJson: (name: string) => {
      if (name === 'pgpool-param-docs.json') throw new Error('absent');
      return JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8'));
    },
  });
  assert.match(hoverAt('po|rt = 1\n', {}, noDocs)!.markdown, /`port` is an integer parameter of the connection settings\./);
});

test('completion of names at the start of a statement, filtered by version', () => {
  const { items } = completeAt('|\n');
  const labels = items.map(i => i.label);
  assert.ok(labels.includes('port'));
  assert.ok(labels.includes('unix_socket_directories'));
  assert.ok(!labels.includes('socket_dir'));
  assert.ok(labels.includes('backend_hostnameN'));
  const old = completeAt('|\n', { pgpoolVersion: '4.3' }).items.map(i => i.label);
  assert.ok(old.includes('socket_dir'));
  assert.ok(!old.includes('unix_socket_directories'));
  const ssl = items.find(i => i.label === 'ssl')!;
  assert.equal(ssl.kind, 'property');
  assert.equal(ssl.insertText, 'ssl = ${1|off,on|}');
  assert.equal(ssl.snippet, true);
  assert.match(ssl.detail!, /boolean · default off · restart/);
  assert.match(ssl.documentation!, /\*\*ssl\*\*/);
  assert.equal(items.find(i => i.label === 'backend_hostnameN')!.insertText, "backend_hostname${1:0} = '${2:}'");
  assert.equal(items.find(i => i.label === 'backend_clustering_mode')!.insertText?.startsWith('backend_clustering_mode = ${1|streaming_replication,'), true);
});

test('completion replaces the word under the cursor, and only the name when a value follows', () => {
  let r = completeAt('ss|\n');
  assert.deepEqual(r.items[0]!.replace, [0, 2]);
  r = completeAt('po|rt = 5432\n');
  const port = r.items.find(i => i.label === 'port')!;
  assert.deepEqual(port.replace, [0, 4]);
  assert.equal(port.insertText, 'port');
  r = completeAt('port = 5432\nlog_con|\n');
  assert.deepEqual(r.items[0]!.replace, [12, 19]);
});

test('completion of values: booleans, enums, fixed string vocabularies', () => {
  let r = completeAt('ssl = |\n');
  assert.deepEqual(r.items.map(i => i.label), ['on', 'off']);
  assert.deepEqual(r.items[0]!.replace, [6, 6]);
  r = completeAt('backend_clustering_mode = ra|w\n');
  assert.ok(r.items.some(i => i.label === 'raw' && i.kind === 'enum'));
  assert.deepEqual(r.items[0]!.replace, [26, 29]);
  r = completeAt("backend_clustering_mode = 'ra|'\n");
  assert.deepEqual(r.items[0]!.replace, [27, 29], 'inside the quotes');
  assert.equal(r.items.find(i => i.label === 'raw')!.insertText, 'raw');
  r = completeAt('log_destination = |\n');
  assert.equal(r.items.find(i => i.label === 'stderr')!.insertText, "'stderr'");
  r = completeAt('ssl |\n');
  assert.equal(r.items[0]!.insertText, '= on');
  assert.deepEqual(completeAt('backend_clustering_mode = |', { pgpoolVersion: '4.7' }).items.some(i => i.label === 'slony'), false);
  // A path parameter gets the entries of pgpool.conf's folder (test/unit/completionFilesCurves.test.ts), no values.
  assert.ok(completeAt('ssl_cert = |\n').items.every(i => i.kind === 'file' || i.kind === 'folder'));
  assert.deepEqual(completeAt('# ss|\n').items, []);
});

test('quick fixes remove the problem they are for', () => {
  const cases: [string, string, Partial<Settings>?][] = [
    ['health_check_timout = 20\n', 'unknown-parameter'],
    ['Port = 9999\n', 'unknown-parameter'],
    ['child_life_time = 5 min\n', 'value-needs-quoting'],
    ['unix_socket_directories = /var/run/postgresql\n', 'syntax-error'],
    ['log_line_prefix = "%t: "\n', 'syntax-error'],
    ["recovery_user = 'postgres\n", 'value-needs-quoting'],
    ['port = 9999 # last line', 'syntax-error'],
    ['log_connections = enabled\n', 'invalid-bool'],
    ['log_connections =\n', 'missing-value'],
    ['log_connections\n', 'missing-value'],
    ['health_check_user =\n', 'missing-value'],
    ['backend_clustering_mode = streaming_replicaton\n', 'invalid-enum'],
    ["log_min_messages = 'warnings'\n", 'invalid-enum'],
    ['socket_dir = \'/tmp\'\n', 'unknown-parameter'],
    ['delegate_ip = \'10.0.0.1\'\n', 'unknown-parameter', { pgpoolVersion: '4.3' }],
    ['fail_over_on_backend_error = on\n', 'deprecated-alias'],
    ["child_life_time = '5 MIN'\n", 'invalid-unit'],
    ['port = 9999ms\n', 'invalid-unit'],
    ["health_check_period = '1min'\n", 'invalid-unit'],
    ['backend_port = 5432\n', 'array-index'],
    ["backend_flag0 = 'allow_to_failover | always_primary'\n", 'invalid-backend-flag'],
    ["log_destination = 'Stderr, syslog'\n", 'invalid-log-destination'],
    ['\ufeffport = 9999\n', 'byte-order-mark'],
    ["include_dir = 'x'\n", 'unknown-parameter'],
  ];
  for (const [text, rule, settings] of cases) {
    const before = problems(text, settings);
    const p = before.find(x => x.rule === `pgpool-conf/${rule}`);
    assert.ok(p, `${rule} expected for ${JSON.stringify(text)}`);
    assert.ok(p.fixes?.length, `${rule} has a fix for ${JSON.stringify(text)}`);
    const fixed = applyFix(text, p.fixes!.find(f => f.preferred) ?? p.fixes![0]!);
    const after = problems(fixed, settings).filter(x => x.rule === p.rule && x.span[0] === p.span[0]);
    assert.deepEqual(after, [], `${rule}: ${JSON.stringify(text)} → ${JSON.stringify(fixed)}`);
  }
});

test('version switching changes what is reported', () => {
  assert.deepEqual(rules("socket_dir = '/tmp'\n", { pgpoolVersion: '4.3' }), []);
  assert.deepEqual(rules("socket_dir = '/tmp'\n", { pgpoolVersion: '4.4' }), ['unknown-parameter']);
  assert.deepEqual(rules("unix_socket_directories = '/tmp'\n", { pgpoolVersion: '4.3' }), ['unknown-parameter']);
  assert.deepEqual(rules('log_backend_messages = terse\n', { pgpoolVersion: '4.5' }), ['unknown-parameter']);
  assert.deepEqual(rules('log_backend_messages = terse\n', { pgpoolVersion: '4.6' }), []);
  assert.deepEqual(rules('backend_clustering_mode = slony\n', { pgpoolVersion: '4.6' }), []);
  assert.deepEqual(rules('backend_clustering_mode = slony\n', { pgpoolVersion: '4.7' }), ['invalid-enum']);
  assert.deepEqual(rules("delay_threshold_by_time = '5 min'\n", { pgpoolVersion: '4.4' }), []);
  assert.deepEqual(rules("delegate_IP = '10.0.0.1'\n", { pgpoolVersion: '4.3' }), []);
  assert.deepEqual(rules("delegate_IP = '10.0.0.1'\n", { pgpoolVersion: '4.4' }), ['deprecated-alias']);
  const dynamic = 'process_management_mode = dynamic\nmin_spare_children = 10\nmax_spare_children = 5\n';
  assert.deepEqual(rules(dynamic, { pgpoolVersion: '4.3' }), ['unknown-parameter', 'unknown-parameter', 'unknown-parameter']);
  assert.deepEqual(rules(dynamic, { pgpoolVersion: '4.4' }), ['spare-children']);
});

test('messages name the key in backticks and say what Pgpool-II does', () => {
  const text = 'port = 80\nlog_connections = enabled\nfrobnicate = 1\nbackend_port = 1\nchild_life_time = 5 min\n';
  for (const p of problems(text)) {
    assert.match(p.message, /"[a-z_]+[0-9]*"/, p.message);
    assert.match(p.message, /Pgpool-II/, p.message);
  }
});

test('duplicates: the earlier statement is marked unnecessary and points at the later one', () => {
  const text = 'port = 9999\nssl_ciphers = \'HIGH\'\nport = 9998\n';
  const dup = problems(text).filter(p => p.rule === 'pgpool-conf/duplicate');
  assert.equal(dup.length, 1);
  assert.deepEqual(dup[0]!.span, [0, 11]);
  assert.deepEqual(dup[0]!.tags, ['unnecessary']);
  assert.match(dup[0]!.message, /line 3/);
  assert.deepEqual(dup[0]!.related![0]!.span, [33, 37]);
  // aliases and equivalent node numbers are the same setting; the bare health_check name is not node 0
  assert.deepEqual(rules('failover_on_backend_error = on\nfail_over_on_backend_error = off\n'), ['duplicate', 'deprecated-alias']);
  assert.deepEqual(rules('backend_port00 = 5432\nbackend_port0 = 5433\n'), ['duplicate']);
  assert.deepEqual(rules('health_check_period = 1\nhealth_check_period0 = 2\n'), []);
});

test('per-node parameters: units only with a node number, and the off-by-one slot', () => {
  assert.deepEqual(rules("health_check_period0 = '1min'\n"), []);
  const bare = problems("health_check_period = '1min'\n");
  assert.deepEqual(bare.map(p => p.rule), ['pgpool-conf/invalid-unit']);
  assert.equal(bare[0]!.fixes![0]!.edits[0]!.newText, '60');
  const slot = (key: string, value: string): string[] => problems(`${key} = ${value}\n`).map(p => `${p.rule.replace('pgpool-conf/', '')}:${p.severity}`);
  assert.deepEqual(slot('backend_port128', '5432'), ['array-index:warning']);
  assert.deepEqual(slot('backend_weight128', '1'), ['array-index:warning']);
  assert.deepEqual(slot('backend_hostname128', "'db'"), ['array-index:error'], 'a string one past the end crashes Pgpool-II');
  assert.deepEqual(slot('heartbeat_hostname256', "'hb'"), ['array-index:error']);
  assert.deepEqual(slot('backend_port129', '5432'), ['array-index:error']);
});

test('cross-checks from config_post_processor', () => {
  assert.deepEqual(rules("recovery_2nd_stage_command = 'x'\nbackend_port3 = 5432\n"), ['recovery-needs-data-directory']);
  assert.deepEqual(rules("recovery_2nd_stage_command = 'x'\nbackend_port3 = 5432\nbackend_data_directory3 = '/data'\n"), []);
  assert.deepEqual(rules("recovery_2nd_stage_command = 'x'\nbackend_port3 = 0\n"), ['out-of-range'], 'Pgpool-II rejects an explicit 0');
  assert.deepEqual(rules("recovery_2nd_stage_command = ''\nbackend_port3 = 5432\n"), []);
  // replication_mode itself no longer selects the mode (obsolete-parameter), but still feeds this check.
  assert.deepEqual(rules('replication_mode = yes\n').sort(), ['obsolete-parameter', 'quorum-in-native-replication']);
  assert.deepEqual(rules('replication_mode = maybe\n').sort(), ['invalid-bool', 'obsolete-parameter', 'quorum-in-native-replication'], 'an invalid bool is ON');
  assert.deepEqual(rules('replication_mode = on\nfailover_when_quorum_exists = no\n'), ['obsolete-parameter']);
  assert.deepEqual(rules('backend_clustering_mode = native_replication\n'), [], 'the check looks at replication_mode only');
  assert.deepEqual(rules('process_management_mode = DYNAMIC\nmax_spare_children = 40\n'), ['spare-children']);
  assert.deepEqual(rules('process_management_mode = static\nmax_spare_children = 40\n'), []);
});

/** A service whose file system is the given map (path → content). */
function memoryService(files: Record<string, string>): Service {
  return testService({
    readText: (p: string) => files[p],
    stat: (p: string): FileStat | undefined => (p in files ? { isFile: true, mode: 0o600, uid: 0 } : p === '/etc/pgpool2/conf.d' ? { isFile: false, mode: 0o755, uid: 0 } : undefined),
  });
}

test('watchdog: the pgpool_node_id file beside pgpool.conf (only with checkFiles)', () => {
  const conf = "use_watchdog = on\nhostname0 = 'a'\nwd_port0 = 9000\npgpool_port0 = 9999\n";
  const run = (id: string | undefined, text = conf, checkFiles = true): string[] => {
    const svc = memoryService(id === undefined ? {} : { '/etc/pgpool2/pgpool_node_id': id });
    return rules(text, { checkFiles }, svc);
  };
  assert.deepEqual(run('0\n'), []);
  assert.deepEqual(run('0'), []);
  assert.deepEqual(run(undefined), ['watchdog-node-id']);
  assert.deepEqual(run(undefined, conf, false), []);
  assert.deepEqual(run(''), ['watchdog-node-id']);
  assert.deepEqual(run('\n'), ['watchdog-node-id']);
  assert.deepEqual(run('abc\n'), ['watchdog-node-id']);
  assert.deepEqual(run('0\r\n'), ['watchdog-node-id'], 'a CR is not a digit');
  assert.deepEqual(run('200\n'), ['watchdog-node-id']);
  assert.deepEqual(run('1\n'), ['watchdog-node-id'], 'wd_port1 is not set');
  assert.equal(problems(conf, { checkFiles: true }, memoryService({})).every(p => p.severity === 'warning'), true);
  assert.deepEqual(run(undefined, 'use_watchdog = off\n'), []);
});

test('include: the target must exist (with checkFiles); a self-include always fails', () => {
  const svc = memoryService({ '/etc/pgpool2/extra.conf': 'port = 9999\n', '/abs/other.conf': '', '/etc/pgpool2/bad.conf': 'port = 1\n' });
  assert.deepEqual(rules("include = 'extra.conf'\ninclude '/abs/other.conf'\n", { checkFiles: true }, svc), []);
  // A value Pgpool-II refuses in the included file stops it too: reported at the include (check/includedFiles.ts).
  assert.deepEqual(rules("include = 'bad.conf'\n", { checkFiles: true }, svc), ['out-of-range']);
  assert.deepEqual(rules("include = 'missing.conf'\n", { checkFiles: true }, svc), ['include-not-found']);
  assert.deepEqual(rules("include = 'conf.d'\n", { checkFiles: true }, svc), ['include-not-found']);
  assert.deepEqual(rules("include = 'missing.conf'\n", { checkFiles: false }, svc), []);
  assert.deepEqual(rules("include = './pgpool.conf'\n", { checkFiles: false }, svc), ['include-not-found']);
  assert.deepEqual(rules('include =\n', { checkFiles: false }, svc), ['include-not-found']);
});

test('every rule is registered with an id, a severity, a description and a source', () => {
  const ours = service.rules().filter(r => r.id.startsWith('pgpool-conf/') && !r.id.startsWith('pgpool-conf/ssl-'));
  assert.equal(ours.length, 27); // 22, plus pool-passwd-value, template-placeholders, clear-text-frontend-auth, clear-text-frontend-auth-ignored and image-completes (issue 8)
  for (const r of ours) {
    assert.match(r.id, /^pgpool-conf\/[a-z]+(-[a-z]+)*$/);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(r.severity));
    assert.ok(r.description.length > 20 && r.description.endsWith('.'), r.id);
    assert.match(r.source, /Pgpool-II/);
  }
});
