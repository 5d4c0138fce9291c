/**
 * postgresql.conf, pg_ident.conf, pgbouncer.ini, userlist.txt and pgbouncer_hba.conf over LSP, opened by file name
 * (the editor's language id is `plaintext`: the server maps the names through core/languages.ts): the published
 * diagnostics (rule id in `code`, exact range), hover on a name, completion where a name is typed, and the quick fix
 * applied to the document until the mistake is gone. The auth_file never shows a password or hash, in a diagnostic,
 * a hover or a code action title.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

interface Position { line: number; character: number }
interface Range { start: Position; end: Position }
interface Diag { range: Range; code: string; severity: number; message: string }
interface TextEdit { range: Range; newText: string }
interface Action { title: string; kind: string; isPreferred?: boolean; edit?: { changes: Record<string, TextEdit[]> } }
interface Hover { contents: { kind: string; value: string }; range: Range }
interface Item { label: string; insertText?: string; textEdit?: TextEdit }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-new-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;
const range = (l1: number, c1: number, l2: number, c2: number): Range => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const brief = (ds: Diag[]): string[] => ds.map(d => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code}`);

/** The documents' texts as the fake editor holds them, to apply edits to. */
const texts = new Map<string, { text: string; version: number }>();

async function open(h: Harness, name: string, text: string): Promise<string> {
  const uri = uriOf(name);
  fs.mkdirSync(path.dirname(path.join(tmp, name)), { recursive: true });
  texts.set(uri, { text, version: 1 });
  // `plaintext`: the file name alone must select the language.
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text } });
  return uri;
}

/**
 * The diagnostics the server published for `uri` once they satisfy `until` (a push after an edit may overtake an
 * older one in flight; the server drops pushes of stale versions). Bounded: gives up after a few seconds of polling.
 */
async function published(h: Harness, uri: string, until: (ds: Diag[]) => boolean = () => true): Promise<Diag[]> {
  for (let i = 0; i < 500; i++) {
    const ds = h.pushed.get(uri) as Diag[] | undefined;
    if (ds && until(ds)) return ds;
    await new Promise(r => setTimeout(r, 10));
  }
  return (h.pushed.get(uri) as Diag[] | undefined) ?? [];
}

/** Applies a code action's edits to the editor's text (edits of one document do not overlap) and sends the change. */
async function apply(h: Harness, uri: string, action: Action): Promise<string> {
  const doc = texts.get(uri)!;
  const lines = doc.text.split('\n');
  const offset = (p: Position): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...(action.edit?.changes[uri] ?? [])].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  assert.ok(edits.length > 0, `"${action.title}" edits the document`);
  let text = doc.text;
  for (const e of edits) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  doc.text = text;
  doc.version++;
  h.pushed.delete(uri);
  await h.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
  return text;
}

const hover = (h: Harness, uri: string, line: number, character: number) =>
  h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<Hover | null>;
const complete = async (h: Harness, uri: string, line: number, character: number): Promise<string[]> =>
  ((await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as Item[]).map(i => i.label);
const actions = (h: Harness, uri: string, d: Diag) =>
  h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } }) as Promise<Action[]>;

test('postgresql.conf: a misspelt parameter, its did-you-mean fix, hover and completion', async () => {
  const h = await startHarness({ pull: false, settings: { checkFiles: false } });
  try {
    const uri = await open(h, 'pg/postgresql.conf', "listen_addresses = '*'\nshared_bufers = '128MB'\nssl_min_protocol_version = 'TLSv1.2'\n");
    const ds = await published(h, uri, d => d.length > 0);
    assert.deepEqual(brief(ds), ['1:0-1:13 postgresql-conf/unknown-parameter']);
    assert.equal(ds[0]!.severity, 1, 'an error: PostgreSQL does not start');
    assert.match(ds[0]!.message, /did you mean "shared_buffers"/);
    const fix = (await actions(h, uri, ds[0]!)).find(a => a.title === 'Change to shared_buffers');
    assert.ok(fix, 'the did-you-mean quick fix');
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.edit!.changes[uri], [{ range: range(1, 0, 1, 13), newText: 'shared_buffers' }]);
    assert.match(await apply(h, uri, fix), /^shared_buffers = '128MB'$/m);
    assert.deepEqual(await published(h, uri, d => d.length === 0), [], 'the fixed file is clean');

    const onName = await hover(h, uri, 2, 5);
    assert.ok(onName, 'a hover on ssl_min_protocol_version');
    assert.match(onName.contents.value, /ssl_min_protocol_version/);
    assert.match(onName.contents.value, /TLSv1\.3/, 'its values');
    assert.deepEqual(onName.range, range(2, 0, 2, 24));

    const c = await open(h, 'pg2/postgresql.conf', "ssl = on\nssl_\nssl_min_protocol_version = 'TLSv1.\n# ssl_\n");
    const names = await complete(h, c, 1, 4);
    assert.ok(names.includes('ssl_cert_file') && names.includes('ssl_ca_file') && names.includes('ssl_min_protocol_version'), names.slice(0, 30).join(','));
    assert.ok(!names.includes('on'), 'no values at a name position');
    const values = await complete(h, c, 2, 34);
    assert.ok(values.includes('TLSv1.2') && values.includes('TLSv1.3'), values.join(','));
    assert.ok(!values.includes('ssl_cert_file'), 'no names at a value position');
    // Each item replaces what is typed (`ssl_`, `TLSv1.` after the quote), not only the text after a `.` or `_`.
    const items = async (line: number, character: number) => (await h.client.sendRequest('textDocument/completion', { textDocument: { uri: c }, position: { line, character } })) as Item[];
    assert.deepEqual((await items(1, 4)).find(i => i.label === 'ssl_cert_file')?.textEdit, { range: range(1, 0, 1, 4), newText: 'ssl_cert_file' });
    assert.deepEqual((await items(2, 34)).find(i => i.label === 'TLSv1.2')?.textEdit, { range: range(2, 28, 2, 34), newText: 'TLSv1.2' });
    assert.deepEqual(await complete(h, c, 3, 6), [], 'nothing inside a comment');
  } finally { h.close(); }
});

test('pg_ident.conf: \\1 without a capturing group, hover on the map and the expression, map names from pg_hba.conf', async () => {
  const h = await startHarness({ pull: false, settings: { postgresVersion: 16 } });
  try {
    fs.mkdirSync(path.join(tmp, 'ident'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'ident/pg_hba.conf'), 'hostssl all all 10.0.0.0/8 cert map=certmap\n');
    const uri = await open(h, 'ident/pg_ident.conf', 'certmap /^alice$ \\1\ncertmap /^(.*)@example\\.com$ \\1\n\n');
    const ds = await published(h, uri, d => d.length > 0);
    assert.deepEqual(brief(ds), ['0:17-0:19 pg-ident/backreference-without-group']);
    assert.match(ds[0]!.message, /put the part to copy in parentheses/);
    // pg_ident.conf has no quick fix: the action list holds none that edits the file (besides the suppression comments).
    assert.deepEqual((await actions(h, uri, ds[0]!)).filter(a => a.edit && !/^Disable \S+ for (this line|the whole file)$/.test(a.title)).map(a => a.title), []);

    const onMap = await hover(h, uri, 1, 3);
    assert.ok(onMap);
    assert.match(onMap.contents.value, /\*\*certmap\*\*/);
    assert.match(onMap.contents.value, /`cert`: .*CN/, 'the system user of a cert line is the certificate CN');
    assert.deepEqual(onMap.range, range(1, 0, 1, 7));
    const onRegex = await hover(h, uri, 1, 12);
    assert.ok(onRegex);
    assert.match(onRegex.contents.value, /regular expression; 1 capturing group/);

    const first = await complete(h, uri, 2, 0);
    assert.ok(first.includes('certmap'), 'the map pg_hba.conf names');
    assert.ok(first.includes('include_if_exists'), 'PostgreSQL 16 directives');
  } finally { h.close(); }
});

test('pgbouncer.ini: a misspelt setting, its fix, hover and completion under [pgbouncer] only', async () => {
  const h = await startHarness({ pull: false, settings: { checkFiles: false } });
  try {
    const uri = await open(h, 'bouncer/pgbouncer.ini', '[pgbouncer]\nlisten_port = 6432\nclient_tls_sslmod = require\n');
    const ds = await published(h, uri, d => d.length > 0);
    assert.deepEqual(brief(ds), ['2:0-2:17 pgbouncer-ini/unknown-setting']);
    const fix = (await actions(h, uri, ds[0]!)).find(a => a.title === 'Change to client_tls_sslmode');
    assert.ok(fix, 'the did-you-mean quick fix');
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.edit!.changes[uri], [{ range: range(2, 0, 2, 17), newText: 'client_tls_sslmode' }]);
    await apply(h, uri, fix);
    // Now a setting PgBouncer knows, and read as one: `require` needs the server certificate and key.
    assert.deepEqual(brief(await published(h, uri, d => !d.some(x => x.code === 'pgbouncer-ini/unknown-setting'))), ['2:0-2:18 pgbouncer-ini/client-tls-files-required']);

    const onName = await hover(h, uri, 2, 4);
    assert.ok(onName);
    assert.match(onName.contents.value, /\*\*client_tls_sslmode\*\*/);
    assert.match(onName.contents.value, /verify-full/);
    assert.deepEqual(onName.range, range(2, 0, 2, 18));
    const onSection = await hover(h, uri, 0, 3);
    assert.match(onSection?.contents.value ?? '', /\[pgbouncer\]/);

    const c = await open(h, 'bouncer2/pgbouncer.ini', '[pgbouncer]\nclient_tls_\nclient_tls_sslmode = \n[databases]\n\n');
    const names = await complete(h, c, 1, 11);
    // client_tls_sslmode is set on the next line, so it is not offered again (issue 12: no re-offer of set parameters)
    assert.ok(!names.includes('client_tls_sslmode') && names.includes('client_tls_ca_file'), names.slice(0, 30).join(','));
    const values = await complete(h, c, 2, 21);
    assert.ok(values.includes('verify-full') && values.includes('disable'), values.join(','));
    const underDatabases = await complete(h, c, 4, 0);
    assert.ok(!underDatabases.includes('client_tls_sslmode'), 'no [pgbouncer] settings under [databases]');
  } finally { h.close(); }
});

const MD5 = 'md5E8A48653851E28C69D0506508FB27FC5';
const PLAIN = 's3cretpass';

test('userlist.txt: diagnostics, hover and code actions never show the password or hash; the fixes apply', async () => {
  const h = await startHarness({ pull: false });
  try {
    const uri = await open(h, 'auth/userlist.txt', `"alice" "${MD5}"\n"carol" "${PLAIN}"\n# old entries\n"bob" "x"\n"dave" "\n`);
    const ds = await published(h, uri, d => d.length > 0);
    assert.deepEqual(brief(ds), [
      '0:8-0:45 pgbouncer-userlist/md5-format',
      '1:8-1:20 pgbouncer-userlist/clear-text-password',
      '2:0-2:13 pgbouncer-userlist/broken-file',
    ]);
    const secrets = [MD5, MD5.slice(3, 15), MD5.slice(3, 15).toLowerCase(), PLAIN];
    const noSecret = (what: string, s: string): void => { for (const x of secrets) assert.ok(!s.includes(x), `${what} shows a secret: ${s}`); };
    for (const d of ds) noSecret(`the ${d.code} message`, d.message);
    for (const [line, character] of [[0, 2], [0, 20], [1, 2], [1, 12], [3, 2]] as const) {
      const hv = await hover(h, uri, line, character);
      if (line < 2) assert.ok(hv, `a hover at ${line}:${character}`);
      if (hv) noSecret(`the hover at ${line}:${character}`, hv.contents.value);
    }
    assert.match((await hover(h, uri, 1, 2))!.contents.value, /\*\*`?carol`?\*\*/, 'the hover names the user');
    assert.match((await hover(h, uri, 1, 12))!.contents.value, /10 bytes in clear text/, 'the length, not the password');

    const lower = (await actions(h, uri, ds[0]!)).find(a => a.title === 'Write the digits in lower case');
    const comment = (await actions(h, uri, ds[2]!)).find(a => a.title === 'Make it a ";" comment');
    assert.ok(lower && comment);
    for (const d of ds) for (const a of await actions(h, uri, d)) noSecret('a code action title', a.title);
    assert.deepEqual(comment.edit!.changes[uri], [{ range: range(2, 0, 2, 1), newText: ';' }]);
    await apply(h, uri, comment);
    await apply(h, uri, lower);
    const after = await published(h, uri, d => !d.some(x => x.code === 'pgbouncer-userlist/broken-file' || x.code === 'pgbouncer-userlist/md5-format'));
    assert.ok(after.every(d => d.code !== 'pgbouncer-userlist/broken-file' && d.code !== 'pgbouncer-userlist/md5-format'), brief(after).join(', '));
    for (const d of after) noSecret(`the ${d.code} message after the fixes`, d.message);

    assert.deepEqual((await complete(h, uri, 4, 8)).sort(), ['SCRAM-SHA-256$', 'md5'], 'the password formats after the opening quote');
  } finally { h.close(); }
});

test('pgbouncer_hba.conf: an address with host bits, its fix, and hover on the method', async () => {
  const h = await startHarness({ pull: false });
  try {
    const uri = await open(h, 'bhba/pgbouncer_hba.conf', 'hostssl all all 10.0.0.0/8 cert\nhost all all 10.0.0.1/8 scram-sha-256\n');
    const ds = await published(h, uri, d => d.length > 0);
    assert.deepEqual(brief(ds), ['1:13-1:23 pgbouncer-hba/address-never-matches']);
    const fix = (await actions(h, uri, ds[0]!)).find(a => a.title === 'Write the network address "10.0.0.0/8"');
    assert.ok(fix);
    await apply(h, uri, fix);
    assert.deepEqual(await published(h, uri, d => d.length === 0), []);
    const onMethod = await hover(h, uri, 0, 29);
    assert.ok(onMethod, 'a hover on `cert`');
    assert.match(onMethod.contents.value, /cert/);
  } finally { h.close(); }
});
