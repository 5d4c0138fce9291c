/**
 * The linter conventions over LSP (lsp/codeActions.ts): on a diagnostic, besides its own fixes, the quick fixes that
 * write a suppression comment (for the line, for the file) and, for a client that runs it, the command that turns the
 * rule off in the workspace settings; "Fix all auto-fixable problems" as a `source.fixAll.pgtls` action for the
 * Source Action menu and `editor.codeActionsOnSave`. Every edit is applied and the file pulled again.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DISABLE_RULE_COMMAND, FIX_ALL_KIND } from '../../server/src/protocol';
import { startHarness, type Harness } from './harness';

interface Range { start: { line: number; character: number }; end: { line: number; character: number } }
interface Diag { range: Range; code: string; message: string }
interface TextEdit { range: Range; newText: string }
interface Action {
  title: string; kind?: string; isPreferred?: boolean; diagnostics?: Diag[];
  edit?: { changes: Record<string, TextEdit[]> };
  command?: { title: string; command: string; arguments?: unknown[] };
}

const CLIENT_COMMANDS = { clientCommands: [DISABLE_RULE_COMMAND] };

/** An open document in a scratch folder, edited by applying code actions, and pulled after each edit. */
class Doc {
  version = 1;
  constructor(readonly h: Harness, readonly uri: string, readonly languageId: string, public text: string) {}

  static async open(h: Harness, name: string, languageId: string, text: string): Promise<Doc> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-lint-'));
    const d = new Doc(h, pathToFileURL(path.join(dir, name)).href, languageId, text);
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId, version: 1, text } });
    return d;
  }

  async diagnostics(): Promise<Diag[]> {
    const r = await this.h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: this.uri } }) as { items: Diag[] };
    return r.items;
  }

  async actions(range: Range, context: Record<string, unknown> = {}): Promise<Action[]> {
    return this.h.client.sendRequest('textDocument/codeAction', { textDocument: { uri: this.uri }, range, context: { diagnostics: [], ...context } }) as Promise<Action[]>;
  }

  /** Applies an action's edit of this document, as an editor does, and tells the server. */
  async apply(a: Action): Promise<void> {
    const edits = a.edit?.changes[this.uri];
    assert.ok(edits?.length, `${a.title} has no edit of the document`);
    this.text = TextDocument.applyEdits(TextDocument.create(this.uri, this.languageId, this.version, this.text), edits);
    await this.h.client.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: ++this.version }, contentChanges: [{ text: this.text }] });
  }
}

const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } };
const HBA = 'hostssl db1 all 10.1.0.0/16 md5\nhostssl db2 all 10.2.0.0/16 md5\n';

test('a diagnostic gets its own fix, then "Disable … for this line" and "… for the whole file"; each comment silences it', async () => {
  const h = await startHarness();
  try {
    const doc = await Doc.open(h, 'pool_hba.conf', 'pool-hba', HBA);
    const md5 = (await doc.diagnostics()).filter(d => d.code === 'pool-hba/md5-method');
    assert.equal(md5.length, 2);
    const actions = await doc.actions(md5[1]!.range, { diagnostics: [md5[1]] });
    // The rule's own fix first (md5 → scram-sha-256), then the comments; a client that did not announce
    // pgtls.disableRule gets no settings action.
    assert.equal(actions.length, 3, JSON.stringify(actions.map(a => a.title)));
    assert.match(actions[0]!.title, /md5.*scram-sha-256/);
    assert.deepEqual(actions.slice(1).map(a => a.title), ['Disable pool-hba/md5-method for this line', 'Disable pool-hba/md5-method for the whole file']);
    for (const a of actions) {
      assert.equal(a.kind, 'quickfix');
      assert.deepEqual(a.diagnostics?.map(d => d.code), ['pool-hba/md5-method']);
    }
    assert.deepEqual(actions[1]!.edit!.changes[doc.uri], [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '# pgtls-disable-next-line pool-hba/md5-method\n' }]);
    await doc.apply(actions[1]!);
    assert.deepEqual((await doc.diagnostics()).map(d => `${d.range.start.line}:${d.code}`), ['0:pool-hba/md5-method'], 'only the other line is left');

    // The whole-file comment on the remaining one silences both lines; the line comment is then unused.
    const [first] = (await doc.diagnostics());
    const fileAction = (await doc.actions(first!.range, { diagnostics: [first] })).find(a => a.title.endsWith('for the whole file'))!;
    await doc.apply(fileAction);
    assert.equal(doc.text, `# pgtls-disable pool-hba/md5-method\nhostssl db1 all 10.1.0.0/16 md5\n# pgtls-disable-next-line pool-hba/md5-method\nhostssl db2 all 10.2.0.0/16 md5\n`);
    const after = await doc.diagnostics();
    assert.deepEqual(after.map(d => `${d.range.start.line}:${d.code}`), [], 'the next-line comment still counts: it silences line 4');
  } finally { h.close(); }
});

test('a client that runs pgtls.disableRule also gets "Turn off … in the workspace settings"; the setting it writes silences the rule', async () => {
  const h = await startHarness({ initializationOptions: CLIENT_COMMANDS });
  try {
    const doc = await Doc.open(h, 'pool_hba.conf', 'pool-hba', HBA);
    const [d] = (await doc.diagnostics()).filter(x => x.code === 'pool-hba/md5-method');
    // Two problems of the rule in the range: one set of silencing actions, not two.
    const actions = await doc.actions(WHOLE);
    const settings = actions.filter(a => a.command?.command === DISABLE_RULE_COMMAND);
    assert.equal(settings.length, 1, JSON.stringify(actions.map(a => a.title)));
    assert.equal(settings[0]!.title, 'Turn off pool-hba/md5-method in the workspace settings');
    assert.equal(settings[0]!.edit, undefined);
    assert.deepEqual(settings[0]!.command!.arguments, [{ rule: 'pool-hba/md5-method', uri: doc.uri }]);
    assert.equal(actions.filter(a => a.title === 'Disable pool-hba/md5-method for this line').length, 1);
    assert.ok(d);
    // What the client's command does: "pgtls.rules": { "pool-hba/md5-method": "off" }, then the configuration change.
    h.settings.rules = { 'pool-hba/md5-method': 'off' };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual((await doc.diagnostics()).filter(x => x.code === 'pool-hba/md5-method'), []);
  } finally { h.close(); }
});

test('pool_passwd has no comments: only the settings action; the comments\' own findings get no silencing actions', async () => {
  const h = await startHarness({ initializationOptions: CLIENT_COMMANDS });
  try {
    const passwd = await Doc.open(h, 'pool_passwd', 'pool-passwd', `alice:md5${'0'.repeat(32)}\n`);
    const [d] = await passwd.diagnostics();
    assert.ok(d, 'pool_passwd has a finding');
    const titles = (await passwd.actions(d.range, { diagnostics: [d] })).map(a => a.title);
    assert.ok(titles.includes(`Turn off ${d.code} in the workspace settings`), titles.join('\n'));
    assert.ok(!titles.some(t => t.startsWith('Disable ')), titles.join('\n'));

    const hba = await Doc.open(h, 'pool_hba.conf', 'pool-hba', '# pgtls-disable-next-line pool-hba/md5-methd\nhostssl db1 all 10.1.0.0/16 scram-sha-256\n');
    const [unknown] = await hba.diagnostics();
    assert.equal(unknown!.code, 'pgtls/suppression-unknown-rule');
    const actions = await hba.actions(unknown!.range, { diagnostics: [unknown], only: ['quickfix'] });
    assert.deepEqual(actions.map(a => a.title), ['Change to pool-hba/md5-method', 'Turn off pgtls/suppression-unknown-rule in the workspace settings']);
    assert.equal(actions[0]!.isPreferred, true);
  } finally { h.close(); }
});

const PGPOOL = [
  '\uFEFFportt = 9999',
  "log_destination = ''",
  'backend_clustering_mode = streaming_replicaton',
  'num_init_children = 32MB',
  'log_destination = Stderr,syslog',
  'sr_check_period = 10 s',
  'listen_addresses = localhost',
].join('\n') + '\n';

test('source.fixAll.pgtls: asked for by kind it fixes every auto-fixable problem; pulled again, none is left', async () => {
  const h = await startHarness();
  try {
    const doc = await Doc.open(h, 'pgpool.conf', 'pgpool-conf', PGPOOL);
    const before = await doc.diagnostics();
    assert.ok(before.length >= 7, JSON.stringify(before.map(d => d.code)));
    const viaSave = await doc.actions(WHOLE, { only: [FIX_ALL_KIND] });
    assert.deepEqual(viaSave.map(a => [a.title, a.kind]), [['Fix all auto-fixable problems', FIX_ALL_KIND]]);
    // The Source Action menu (`source`) and `source.fixAll` find it too; a quick-fix request does not.
    assert.equal((await doc.actions(WHOLE, { only: ['source'] })).filter(a => a.kind === FIX_ALL_KIND).length, 1);
    assert.equal((await doc.actions(WHOLE, { only: ['source.fixAll'] })).length, 1);
    assert.equal((await doc.actions(WHOLE, { only: ['quickfix'] })).filter(a => a.kind === FIX_ALL_KIND).length, 0);
    // The light bulb's automatic requests do not pay for it; an explicit request without a filter gets it.
    assert.equal((await doc.actions(WHOLE, { triggerKind: 2 })).filter(a => a.kind === FIX_ALL_KIND).length, 0);
    assert.equal((await doc.actions(WHOLE, { triggerKind: 1 })).filter(a => a.kind === FIX_ALL_KIND).length, 1);

    await doc.apply(viaSave[0]!);
    assert.equal(doc.text, [
      'port = 9999',
      "log_destination = 'stderr'",
      'backend_clustering_mode = streaming_replication',
      'num_init_children = 32',
      "log_destination = 'stderr,syslog'",
      "sr_check_period = '10 s'",
      'listen_addresses = localhost',
    ].join('\n') + '\n');
    const after = await doc.diagnostics();
    const fixable = ['byte-order-mark', 'unknown-parameter', 'invalid-log-destination', 'invalid-enum', 'invalid-unit', 'value-needs-quoting', 'syntax-error'];
    assert.deepEqual(after.filter(d => fixable.some(f => d.code === `pgpool-conf/${f}`)).map(d => d.code), []);
    assert.deepEqual(await doc.actions(WHOLE, { only: [FIX_ALL_KIND] }), [], 'nothing left to fix: no action');
  } finally { h.close(); }
});

test('fix-all leaves fixes that change who may connect to the quick fixes', async () => {
  const h = await startHarness();
  try {
    const doc = await Doc.open(h, 'pg_hba.conf', 'pg-hba', 'local all all trust\nhost all all 0.0.0.0/0 password\n');
    assert.ok((await doc.diagnostics()).some(d => d.code === 'pg-hba/local-trust'));
    assert.deepEqual(await doc.actions(WHOLE, { only: [FIX_ALL_KIND] }), []);
  } finally { h.close(); }
});
