/**
 * Where the editor's certificate commands write by default (client/src/commands/certFolders.ts, no VS Code API): "Create
 * CA…" and the leaf commands share one default folder; a leaf command offers the workspace's CAs first and never makes a
 * second CA by default; and the notification after a command is short, relative to the workspace, without SANs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { caChoicesFor, configsNear, defaultTarget, detailLines, filesOf, folderChoices, notificationText } from '../../client/src/commands/certFolders';
import type { CertCreateSummary } from '../../server/src/protocol';

const root = path.join(path.sep, 'home', 'me', 'project');
const at = (...p: string[]) => path.join(root, ...p);

test('"Create CA…" and "Create Server Certificate…" default to the same folder, where the server certificate is issued by that CA', () => {
  const ca = folderChoices('ca', root, [], 'pgtls');
  assert.equal(ca[0]!.folder, at('certs', 'pgtls'));
  // After "Create CA…" with its default, the workspace has that CA: the server command's default is that folder, issued by it.
  const server = folderChoices('server', root, [ca[0]!.folder], 'pgtls');
  assert.equal(server[0]!.folder, ca[0]!.folder);
  assert.match(server[0]!.description, /^default: issued by the CA in this folder/);
  assert.equal(server.length, 1, 'no "new CA" entry when the default folder is the CA folder');
  assert.deepEqual(defaultTarget('server', root, [ca[0]!.folder], 'pgtls'), { folder: at('certs', 'pgtls') });
});

test('a leaf command in a workspace whose CA is elsewhere (certs/ca/): that CA first; a new CA only as an explicit, later choice', () => {
  const choices = folderChoices('client', root, [at('certs', 'ca')], 'pgtls');
  assert.deepEqual(choices.map(c => c.label), [`certs${path.sep}ca${path.sep}`, `certs${path.sep}pgtls${path.sep}`]);
  assert.match(choices[0]!.description, /^default/);
  assert.match(choices[1]!.description, /new, separate CA/);
  assert.deepEqual(defaultTarget('client', root, [at('certs', 'ca')], 'pgtls'), { folder: at('certs', 'ca') });
  // No CA at all: the default folder, where the server makes one.
  assert.match(folderChoices('server', root, [], 'pgtls')[0]!.description, /default: a new CA is made there/);
  assert.deepEqual(defaultTarget('replication', root, [], 'pgtls'), { folder: at('certs', 'pgtls') });
});

test('several CAs: the command argument must say which; the questions list them all (the default folder first)', () => {
  const cas = [at('z', 'ca'), at('certs', 'pgtls'), at('a', 'ca')];
  assert.deepEqual(folderChoices('server', root, cas, 'pgtls').map(c => c.folder), [at('certs', 'pgtls'), at('a', 'ca'), at('z', 'ca')]);
  assert.deepEqual(defaultTarget('server', root, cas, 'pgtls'), { folder: at('certs', 'pgtls') });
  assert.throws(() => defaultTarget('server', root, [at('a', 'ca'), at('z', 'ca')], 'pgtls'), /2 CAs \(a.ca., z.ca.\).*"folder"/);
});

test('a folder chosen by hand without a CA while the workspace has one: asked, issuing from the existing CA first', () => {
  assert.equal(caChoicesFor(root, at('out'), true, [at('certs', 'ca')]), 'own');
  assert.equal(caChoicesFor(root, at('out'), false, []), 'new');
  const ask = caChoicesFor(root, at('out'), false, [at('certs', 'ca')]);
  assert.ok(Array.isArray(ask));
  assert.deepEqual(ask.map(c => [c.folder, c.caFolder]), [[at('out'), at('certs', 'ca')], [at('out'), undefined]]);
  assert.match(ask[1]!.label, /^Make a new CA in out/);
});

const summary = (over: Partial<CertCreateSummary>): CertCreateSummary => ({
  dir: at('certs', 'pgtls'), createdDir: false, algorithm: 'ecdsa-p256', gitignore: 'unchanged', warnings: [], message: 'the long one',
  files: [
    { name: 'server.crt', path: at('certs', 'pgtls', 'server.crt'), mode: '0644', kind: 'certificate', role: 'server certificate', replaced: false,
      subject: 'CN=db', sans: ['DNS:db', ...Array.from({ length: 30 }, (_, i) => `DNS:db-${i}.example.com`)], notAfter: '2027-04-01T00:00:00.000Z' },
    { name: 'server.key', path: at('certs', 'pgtls', 'server.key'), mode: '0600', kind: 'private-key', role: 'server certificate private key', replaced: false },
  ],
  ...over,
});

test('the notification is one or two short sentences: what, where (relative), which CA; no SAN, no absolute path', () => {
  const text = notificationText(summary({ caDir: at('certs', 'ca') }), root);
  assert.equal(text, `Created server.crt in certs${path.sep}pgtls${path.sep} with its key. Issued by the CA in certs${path.sep}ca${path.sep}.`);
  assert.ok(!text.includes(root) && !text.includes('DNS:'));
  assert.match(notificationText(summary({ warnings: ['a', 'b'] }), root), /2 warnings: see the details\.$/);
  const set = notificationText(summary({
    resource: { operator: 'percona', kind: 'PerconaPGCluster', name: 'cluster1' },
    files: [...summary({}).files, { name: 'secrets.yaml', path: at('certs', 'pgtls', 'secrets.yaml'), mode: '0600', kind: 'manifest', role: 'm', replaced: false }],
  }), root, true);
  assert.match(set, /^Created the TLS set for the PerconaPGCluster cluster1 in certs.pgtls. \(server\.crt and secrets\.yaml\)\. cluster1 now references them \(unsaved edit\)\.$/);
  // Outside the workspace: the absolute folder is the only way to say where.
  assert.match(notificationText(summary({ dir: '/elsewhere/x' }), root), /in \/elsewhere\/x\//);
  // The details keep everything: every SAN, and the validity.
  const details = detailLines(summary({}), root).join('\n');
  assert.match(details, /DNS:db-29\.example\.com/);
  assert.match(details, /valid until 2027-04-01/);
});

test('the configuration next to the output folder: the nearest folder up to the workspace folder that has one', () => {
  const have = new Set([at('pgpool.conf'), at('postgresql.conf'), at('pg', 'data', 'postgresql.conf')]);
  const exists = (f: string) => have.has(f);
  assert.deepEqual(configsNear(at('certs', 'pgtls'), root, exists), [at('postgresql.conf'), at('pgpool.conf')], 'the workspace folder\'s');
  assert.deepEqual(configsNear(at('pg', 'data'), root, exists), [at('pg', 'data', 'postgresql.conf')], 'the same folder first');
  assert.deepEqual(configsNear(at('pg', 'data', 'certs'), root, exists), [at('pg', 'data', 'postgresql.conf')]);
  assert.deepEqual(configsNear(path.join(path.sep, 'elsewhere', 'certs'), root, exists), [], 'never above a folder outside the workspace');
  assert.deepEqual(configsNear(at('certs'), root, () => false), []);
});

test('the files a configuration is pointed at: the server certificate, its key and the CA that issued it; a CA alone', () => {
  const file = (name: string, role: string, kind: 'certificate' | 'private-key' = name.endsWith('.key') ? 'private-key' : 'certificate') =>
    ({ name, path: at('certs', 'pgtls', name), mode: kind === 'certificate' ? '0644' : '0600', kind, role, replaced: false });
  const base = { dir: at('certs', 'pgtls'), createdDir: false, algorithm: 'ecdsa-p256', gitignore: 'unchanged' as const, warnings: [], message: '' };
  const made: CertCreateSummary = { ...base, files: [file('ca.crt', 'CA certificate'), file('ca.key', 'CA private key'), file('server.crt', 'server certificate'), file('server.key', 'server certificate private key')] };
  assert.deepEqual(filesOf(made), { cert: at('certs', 'pgtls', 'server.crt'), key: at('certs', 'pgtls', 'server.key'), ca: at('certs', 'pgtls', 'ca.crt') });
  const issued: CertCreateSummary = { ...base, caDir: at('certs', 'ca'), files: [file('server.crt', 'server certificate'), file('server.key', 'server certificate private key')] };
  assert.equal(filesOf(issued)!.ca, at('certs', 'ca', 'ca.crt'), 'the existing CA that issued it');
  assert.deepEqual(filesOf({ ...base, files: [file('ca.crt', 'CA certificate'), file('ca.key', 'CA private key')] }), { ca: at('certs', 'pgtls', 'ca.crt') });
  assert.equal(filesOf({ ...base, files: [file('client.crt', 'client certificate'), file('client.key', 'client certificate private key')] }), undefined, 'a client certificate is no server setting');
});
