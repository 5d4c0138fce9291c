/**
 * core/deployPaths.ts: where a path a configuration names is, seen from here. Mapping order (explicit before
 * automatic, the longest prefix first), prefixes with and without a trailing slash, Windows spellings, the workspace
 * folders, what is unseen and how the messages name the mapping used.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  type Located, type PathMapping, deployPathOf, describeLocated, dirName, shortenPath, displayPath, explicitMappings, isInside, joinPath,
  locatePath, matchMapping, normalizePath, notCheckedMessage,
} from '../../server/src/core/deployPaths';
import type { FileStat } from '../../server/src/core/types';

/** A file system in a map: paths of files (text) and folders (`null`). */
function memFs(entries: Record<string, string | null>) {
  return {
    stat: (p: string): FileStat | undefined => (p in entries ? { isFile: entries[p] !== null, mode: 0o644, uid: 1000 } : undefined),
    readText: (p: string) => entries[p] ?? undefined,
  };
}

const mapping = (from: string, to: string, extra: Partial<PathMapping> = {}): PathMapping =>
  ({ from, to, origin: `test ${from}`, shown: to, keepsPermissions: true, shadows: true, ...extra });

const seen = (l: Located) => {
  assert.equal(l.status, 'seen', JSON.stringify(l));
  return l as Extract<Located, { status: 'seen' }>;
};

test('relative paths resolve against the configuration\'s folder as before, mapped or not, missing or not', () => {
  const env = memFs({ '/ws/conf/server.crt': 'x' });
  const o = { baseDir: '/ws/conf', mappings: [mapping('/', '/elsewhere')], roots: [], env };
  const l = seen(locatePath('server.crt', o));
  assert.equal(l.path, '/ws/conf/server.crt');
  assert.equal(l.via, undefined, 'a relative path never goes through a mapping');
  const missing = seen(locatePath('sub/../missing.crt', o));
  assert.equal(missing.path, '/ws/conf/sub/../missing.crt', 'handed to the file system as written (sub/.. fails there if sub is missing)');
  assert.equal(missing.stat, undefined);
  assert.equal(locatePath('server.crt', { ...o, baseDir: undefined }).status, 'unresolved');
  assert.equal(locatePath('server.crt', { ...o, baseDir: 'untitled:1' }).status, 'unresolved');
});

test('an absolute path: inside a workspace folder or on this machine it is checked; otherwise it is unseen', () => {
  const env = memFs({ '/etc/ssl/certs/ca.crt': 'x' });
  const o = { baseDir: '/ws', mappings: [], roots: ['/ws'], env };
  assert.equal(seen(locatePath('/ws/certs/missing.crt', o)).stat, undefined, 'missing inside the workspace: checked (an error)');
  assert.ok(seen(locatePath('/etc/ssl/certs/ca.crt', o)).stat?.isFile, 'exists on this machine');
  const u = locatePath('/etc/pgpool2/server.crt', o);
  assert.deepEqual(u, { status: 'unseen', reason: 'outside', written: '/etc/pgpool2/server.crt', path: '/etc/pgpool2/server.crt' });
  assert.equal(locatePath('/ws2/x', o).status, 'unseen', '/ws2 is not inside /ws');
});

test('mapping order: the longest matching prefix wins; on equal prefixes the first (explicit before automatic)', () => {
  const explicit = mapping('/etc/pgpool2', '/ws/conf', { origin: 'the path mapping /etc/pgpool2' });
  const autoSame = mapping('/etc/pgpool2', '/ws/other', { origin: 'docker-compose.yml' });
  const autoLonger = mapping('/etc/pgpool2/certs', '/ws/certs', { origin: 'docker-compose.yml' });
  assert.equal(matchMapping('/etc/pgpool2/pgpool.conf', [explicit, autoSame])?.mapping, explicit);
  assert.equal(matchMapping('/etc/pgpool2/pgpool.conf', [autoSame, explicit])?.mapping, autoSame, 'order breaks the tie');
  assert.equal(matchMapping('/etc/pgpool2/certs/a.crt', [explicit, autoLonger])?.mapping, autoLonger, 'a deeper mount hides the shallower one');
  assert.deepEqual(matchMapping('/etc/pgpool2/certs/a.crt', [explicit])?.rest, ['certs', 'a.crt']);
  assert.equal(matchMapping('/etc/pgpool2x/a.crt', [explicit]), undefined, 'a prefix matches whole segments only');
  assert.equal(matchMapping('/etc', [explicit]), undefined);
  assert.equal(matchMapping('relative/x', [explicit]), undefined);
  assert.equal(matchMapping('/anything/at/all', [mapping('/', '/ws/rootfs')])?.rest.join('/'), 'anything/at/all', 'the root maps everything');
});

test('prefixes with and without a trailing slash, and spellings with . and .. segments, are the same prefix', () => {
  const env = memFs({ '/ws': null, '/ws/certs': null, '/ws/certs/server.crt': 'pem' });
  for (const from of ['/etc/pgpool2/certs', '/etc/pgpool2/certs/', '/etc//pgpool2/./certs']) {
    for (const to of ['/ws/certs', '/ws/certs/']) {
      const l = seen(locatePath('/etc/pgpool2/certs/server.crt', { baseDir: '/ws', mappings: [mapping(normalizePath(from)!, to)], roots: ['/ws'], env }));
      assert.equal(l.path, '/ws/certs/server.crt', `${from} -> ${to}`);
      assert.equal(l.read(), 'pem');
    }
  }
  assert.equal(seen(locatePath('/etc/pgpool2/certs/../certs/server.crt', { baseDir: '/ws', mappings: [mapping('/etc/pgpool2/certs', '/ws/certs')], roots: [], env })).path, '/ws/certs/server.crt');
  const explicit = explicitMappings({ '/etc/pgpool2/certs/': './certs/' }, '/ws/conf/pgpool.conf', ['/ws']);
  assert.deepEqual(explicit.map(m => [m.from, m.to]), [['/etc/pgpool2/certs', '/ws/certs']]);
});

test('Windows spellings: drive letters and backslashes map, case-insensitively, and junk never throws', () => {
  const env = memFs({ 'C:\\ws\\certs': null, 'C:\\ws\\certs\\server.crt': 'pem' });
  const m = mapping('D:\\deploy\\certs', 'C:\\ws\\certs');
  const l = seen(locatePath('d:/Deploy/certs/server.crt', { baseDir: 'C:\\ws', mappings: [m], roots: ['C:\\ws'], env }));
  assert.equal(l.path, 'C:\\ws\\certs\\server.crt');
  assert.ok(isInside('c:/WS/certs/x', 'C:\\ws'));
  assert.equal(joinPath('C:\\ws', 'certs\\a.crt'), 'C:\\ws\\certs\\a.crt');
  assert.equal(dirName('C:\\ws\\certs'), 'C:\\ws');
  assert.equal(displayPath('C:\\ws\\certs\\a.crt', ['C:\\ws']), './certs/a.crt');
  assert.equal(normalizePath('\\\\server\\share\\x\\..\\y'), '\\\\server\\share\\y');
  // A POSIX mapping does not match a Windows path and the reverse; nothing throws on odd input.
  assert.equal(matchMapping('C:\\etc\\pgpool2\\a', [mapping('/etc/pgpool2', '/ws')]), undefined);
  for (const odd of ['', 'C:', 'C:relative', '\\\\', '//', '/', '\0', '/a\0b', '..', '\\x', 'C:\\..\\..']) {
    assert.doesNotThrow(() => locatePath(odd, { baseDir: 'C:\\ws', mappings: [m, mapping('/', '/ws')], roots: ['C:\\ws', '/ws'], env }), JSON.stringify(odd));
    assert.doesNotThrow(() => explicitMappings({ [odd]: odd, '/x': odd }, odd, [odd]));
  }
});

test('explicit mappings: TO relative to the workspace folder, ${workspaceFolder}, absolute; junk skipped', () => {
  const roots = ['/ws/a', '/ws/b'];
  const got = explicitMappings({
    '/etc/pgpool2/certs': './certs',
    '/etc/ssl/private': '${workspaceFolder}/keys',
    '/srv/pgpool': '/opt/local/pgpool',
    'relative/from': './x',
    '/empty': '',
  }, '/ws/b/conf/pgpool.conf', roots);
  assert.deepEqual(got.map(m => [m.from, m.to, m.origin]), [
    ['/etc/pgpool2/certs', '/ws/b/certs', 'the path mapping /etc/pgpool2/certs'],
    ['/etc/ssl/private', '/ws/b/keys', 'the path mapping /etc/ssl/private'],
    ['/srv/pgpool', '/opt/local/pgpool', 'the path mapping /srv/pgpool'],
  ], 'relative to the folder that holds the configuration');
  assert.equal(explicitMappings({ '/x': './y' }, '/elsewhere/pgpool.conf', roots)[0]!.to, '/ws/a/y', 'outside every folder: the first one');
  assert.equal(explicitMappings({ '/x': './y' }, '/elsewhere/pgpool.conf', [])[0]!.to, '/elsewhere/y', 'no folder: the configuration\'s');
  assert.deepEqual(explicitMappings(undefined, '/a', []), []);
  assert.deepEqual(explicitMappings({ '/x': 3 } as never, '/a', []), []);
});

test('a mapped path that does not exist locally is an error naming the mapping; a missing mapping target is unseen', () => {
  const env = memFs({ '/ws': null, '/ws/certs': null, '/ws/certs/server.crt': 'pem' });
  const m = mapping('/etc/pgpool2/certs', '/ws/certs', { origin: 'docker-compose.yml, service pgpool', shown: './certs' });
  const o = { baseDir: '/ws/conf', mappings: [m], roots: ['/ws'], env };
  const missing = seen(locatePath('/etc/pgpool2/certs/server.key', o));
  assert.equal(missing.stat, undefined);
  assert.equal(describeLocated(missing), '`/etc/pgpool2/certs/server.key` (mapped to ./certs/server.key by docker-compose.yml, service pgpool)');
  const gone = locatePath('/etc/pgpool2/certs/server.key', { ...o, mappings: [mapping('/etc/pgpool2/certs', '/ws/generated', { shown: './generated' })] });
  assert.equal(gone.status, 'unseen');
  assert.match(notCheckedMessage(gone as Extract<Located, { status: 'unseen' }>, '`ssl_key`: '), /^`ssl_key`: `\/etc\/pgpool2\/certs\/server\.key` \(mapped to \.\/generated\/server\.key by test .*\): \.\/generated is not here/);
  // A mapping that adds files without hiding the folder (a Dockerfile COPY): a file it does not copy may be in the image.
  const copied = locatePath('/etc/pgpool2/certs/server.key', { ...o, mappings: [{ ...m, shadows: false }] });
  assert.equal(copied.status, 'unseen');
  assert.equal((copied as { reason: string }).reason, 'not-added');
  assert.ok(seen(locatePath('/etc/pgpool2/certs/server.crt', { ...o, mappings: [{ ...m, shadows: false, keepsPermissions: false }] })).stat, 'a copied file that exists is checked');
  assert.equal(seen(locatePath('/etc/pgpool2/certs/server.crt', { ...o, mappings: [{ ...m, keepsPermissions: false }] })).permissionsKnown, false);
});

test('resource volumes: a key is a file with the resource\'s text, a missing key is missing, an unmodelled source is unseen', () => {
  const files = new Map([['tls.crt', { text: 'CERT' }], ['sub/ca.crt', { text: 'CA' }], ['bad', { text: undefined }]]);
  const tree: PathMapping = { from: '/tls', to: { files, complete: true }, origin: 'k8s.yaml, Deployment p', shown: 'Secret t', keepsPermissions: false, shadows: true };
  const o = { baseDir: '/ws', mappings: [tree], roots: ['/ws'], env: memFs({}) };
  const crt = seen(locatePath('/tls/tls.crt', o));
  assert.equal(crt.read(), 'CERT');
  assert.equal(crt.permissionsKnown, false);
  assert.equal(describeLocated(crt), '`/tls/tls.crt` (mapped to tls.crt of Secret t by k8s.yaml, Deployment p)');
  assert.equal(seen(locatePath('/tls/sub', o)).stat?.isFile, false, 'a folder of the volume');
  assert.equal(seen(locatePath('/tls', o)).stat?.isFile, false, 'the mount itself');
  assert.equal(seen(locatePath('/tls/nope.crt', o)).stat, undefined, 'the volume hides the folder: a missing key is missing');
  assert.equal(seen(locatePath('/tls/bad', o)).read(), undefined);
  const partial = locatePath('/tls/nope.crt', { ...o, mappings: [{ ...tree, to: { files, complete: false } }] });
  assert.equal(partial.status, 'unseen');
  const sub: PathMapping = { ...tree, from: '/etc/pgpool2/ca.crt', to: { files: new Map([['', { text: 'CA' }]]), complete: true } };
  assert.equal(seen(locatePath('/etc/pgpool2/ca.crt', { ...o, mappings: [sub] })).read(), 'CA', 'a subPath mount is the file itself');
});

test('deployPathOf: where a local file runs, when one mapping says so; never through a resource', () => {
  const ms = [mapping('/etc/pgpool2/pgpool.conf', '/ws/pgpool/pgpool.conf'), mapping('/etc/pgpool2/certs', '/ws/certs')];
  assert.equal(deployPathOf('/ws/pgpool/pgpool.conf', ms), '/etc/pgpool2/pgpool.conf');
  assert.equal(deployPathOf('/ws/certs/a/b.crt', ms), '/etc/pgpool2/certs/a/b.crt');
  assert.equal(deployPathOf('/ws/other.conf', ms), undefined);
  assert.equal(deployPathOf('/ws/pgpool/pgpool.conf', [...ms, mapping('/opt/pgpool', '/ws/pgpool')]), undefined, 'two places: not certain');
});

test('the note says what cannot be checked and how to map it (setting and flag)', () => {
  const u = locatePath('/etc/pgpool2/certs/server.crt', { baseDir: '/ws', mappings: [], roots: ['/ws'], env: memFs({}) });
  const msg = notCheckedMessage(u as Extract<Located, { status: 'unseen' }>, '`ssl_cert`: ');
  assert.match(msg, /^`ssl_cert`: `\/etc\/pgpool2\/certs\/server\.crt` is outside the workspace and does not exist on this machine, so pgtls cannot check it/);
  assert.match(msg, /`pgtls\.pathMappings` setting \(e\.g\. \{ "\/etc\/pgpool2\/certs": "\.\/certs" \}\)/);
  assert.match(msg, /`pgtls check --path-map \/etc\/pgpool2\/certs=\.\/certs`/);
});

test('a long path in a message keeps its file name: shortened from the start at separators (issue 12: messages cut off in the Problems panel)', () => {
  const long = '/tmp/lp/a/very/long/directory/structure/for/the/deployment/of/pgpool/conf/server.key';
  const short = shortenPath(long);
  assert.ok(short.length <= 60, short);
  assert.ok(short.startsWith('…/') && short.endsWith('/pgpool/conf/server.key'), short);
  assert.equal(shortenPath('/etc/pgpool2/server.key'), '/etc/pgpool2/server.key');
  assert.equal(shortenPath(`/x/${'n'.repeat(80)}.crt`), `…/${'n'.repeat(80)}.crt`);
  assert.equal(shortenPath('C:\\Users\\someone\\projects\\a-rather-long-project-name\\deploy\\certs\\server.crt'), '…\\a-rather-long-project-name\\deploy\\certs\\server.crt');
  const loc = { status: 'found', written: `${long.replace('/conf/', '/conf/../conf/')}`, path: long } as unknown as Located;
  assert.equal(describeLocated(loc), `\`${short}\``);
});
