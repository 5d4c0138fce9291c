/**
 * The split CLI: `pgtls cert …` and `pgtls inspect …` run from dist/cli-cert.js (cli/certMain.ts), a bundle without
 * the check machinery, and `pgtls cert set …` from dist/cli-cert-set.js (cli/certSetMain.ts), without the YAML
 * library and @peculiar/x509 either, chosen by bin/pgtls.js from the command words. Checked three ways: what esbuild
 * puts into the bundles (their metafile inputs), what a real `node bin/pgtls.js cert set …` / `inspect …` process
 * loads (a --require hook lists the modules at exit), and that `cert set` says and writes the same from either bundle.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from '../helpers';

/** Inputs that belong to `check` only: they must never be bundled for (or loaded by) `cert`/`inspect`. */
const MACHINERY = [
  /^server\/src\/languages\//, /^server\/src\/service/, /^server\/src\/cli\/(check|main)\.ts$/, /^schemas\//,
  /node_modules\/ajv(-[a-z]+)?\//, /node_modules\/@bufbuild\//, /node_modules\/vscode-languageserver/,
];

function machineryIn(inputs: string[]): string[] {
  return inputs.map(i => i.replace(/\\/g, '/')).filter(i => MACHINERY.some(re => re.test(i)));
}

test('the cert bundle (cli/certMain.ts) holds none of the check machinery', async () => {
  // The same entry and options as esbuild.mjs, built in memory, so that the test does not depend on a stale dist/.
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, 'server/src/cli/certMain.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT, outfile: path.join(ROOT, 'dist/cli-cert.js'), mainFields: ['module', 'main'],
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some(i => i.endsWith('server/src/cli/cert.ts')), 'cert.ts is in the bundle');
  assert.ok(inputs.some(i => i.endsWith('server/src/cli/inspect.ts')), 'inspect.ts is in the bundle');
  assert.deepEqual(machineryIn(inputs), [], 'the cert bundle must not reach the check machinery: import it lazily or not at all');
});

test('the metafile esbuild.mjs wrote for dist/cli-cert.js lists no check machinery', () => {
  const metaFile = path.join(ROOT, 'dist/cli-cert.meta.json');
  assert.ok(fs.existsSync(metaFile), 'dist/cli-cert.meta.json is missing: run npm run build');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { inputs: Record<string, unknown> };
  assert.deepEqual(machineryIn(Object.keys(meta.inputs)), []);
});

/** Runs bin/pgtls.js with a hook that writes the loaded files at exit; the compile cache goes to a temp folder. */
function pgtls(args: string[], cacheHome: string) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bundles-'));
  const hook = path.join(tmp, 'hook.js');
  const list = path.join(tmp, 'loaded.json');
  fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env['PGTLS_COMPILE_CACHE'];
  const r = spawnSync(process.execPath, ['--require', hook, path.join(ROOT, 'bin/pgtls.js'), ...args], { encoding: 'utf8', env });
  const loaded = (JSON.parse(fs.readFileSync(list, 'utf8')) as string[]).map(f => path.relative(ROOT, f).replace(/\\/g, '/'));
  fs.rmSync(tmp, { recursive: true, force: true });
  return { code: r.status, out: r.stdout, err: r.stderr, loaded };
}

test('node bin/pgtls.js cert set and inspect run from dist/cli-cert.js and never load dist/cli.js', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bundles-run-'));
  const cacheHome = path.join(base, 'cache');
  const out = path.join(base, 'certs');
  try {
    const set = pgtls(['cert', 'set', '--out', out, '--algorithm', 'ed25519', '--server-name', 'db.example.internal', '--client-user', 'app'], cacheHome);
    assert.equal(set.code, 0, set.err);
    assert.ok(set.loaded.includes('dist/cli-cert-set.js'), `loaded: ${set.loaded.join(', ')}`);
    assert.ok(!set.loaded.includes('dist/cli.js') && !set.loaded.includes('dist/cli-cert.js'), 'cert set loaded a larger bundle');
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key']) assert.ok(fs.existsSync(path.join(out, f)), f);
    assert.equal(fs.statSync(path.join(out, 'server.key')).mode & 0o777, 0o600);

    // The second process finds the compile cache the first one wrote (Node < 22: V8's code cache, ours).
    const inspect = pgtls(['inspect', path.join(out, 'server.crt'), '--format', 'json'], cacheHome);
    assert.equal(inspect.code, 0, inspect.err);
    assert.ok(!inspect.loaded.includes('dist/cli.js'), 'inspect loaded the full bundle');
    assert.match(inspect.out, /db\.example\.internal/);
    assert.doesNotMatch(inspect.out + set.out, /PRIVATE KEY/);
    if (Number(process.versions.node.split('.')[0]) < 22) {
      const dir = path.join(cacheHome, 'pgtls');
      assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
      const caches = fs.readdirSync(dir).filter(f => f.endsWith('.v8'));
      assert.ok(caches.some(f => f.startsWith('cli-cert-set-')) && caches.some(f => /^cli-cert-v/.test(f)), `cache files: ${caches.join(', ')}`);
      for (const f of caches) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
    }

    // Every other command still goes to dist/cli.js.
    const version = pgtls(['--version'], cacheHome);
    assert.equal(version.code, 0, version.err);
    assert.ok(version.loaded.includes('dist/cli.js') && !version.loaded.includes('dist/cli-cert.js'));
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('a compile cache folder that others may write into is not used, and the command still works', () => {
  if (Number(process.versions.node.split('.')[0]) >= 22) return; // Node's own compile cache is used there
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bundles-open-'));
  try {
    fs.mkdirSync(path.join(base, 'pgtls'), { mode: 0o777 });
    fs.chmodSync(path.join(base, 'pgtls'), 0o777);
    const r = pgtls(['cert', '--help'], base);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /pgtls cert set/);
    assert.deepEqual(fs.readdirSync(path.join(base, 'pgtls')), []);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('the cert set bundle (dist/cli-cert-set.js) holds neither the YAML library nor @peculiar/x509 nor the rest of the cert commands', () => {
  const metaFile = path.join(ROOT, 'dist/cli-cert-set.meta.json');
  assert.ok(fs.existsSync(metaFile), 'dist/cli-cert-set.meta.json is missing: run npm run build');
  const inputs = Object.keys((JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { inputs: Record<string, unknown> }).inputs).map(i => i.replace(/\\/g, '/'));
  assert.deepEqual(machineryIn(inputs), []);
  const heavy = [/node_modules\/yaml\//, /node_modules\/@peculiar\/x509\//, /node_modules\/tsyringe\//, /node_modules\/reflect-metadata\//,
    /^server\/src\/certService\.ts$/, /^server\/src\/cli\/(cert|inspect|certPresets|certRenew|certSecrets|certSign)\.ts$/, /^server\/src\/certs\/(lifecycle|sign|manifests|containers)\.ts$/];
  assert.deepEqual(inputs.filter(i => heavy.some(re => re.test(i))), []);
  assert.ok(inputs.includes('server/src/cli/certSet.ts') && inputs.includes('server/src/certs/x509libAbsent.ts'), inputs.join(', '));
});

/** Runs `cert set ARGS` from one bundle (its main(), as bin/pgtls.js calls it) with the compile cache off. */
function fromBundle(bundle: 'cli-cert.js' | 'cli-cert-set.js', args: string[], cwd: string) {
  const runner = path.join(cwd, `run-${bundle}`);
  fs.writeFileSync(runner, `require(${JSON.stringify(path.join(ROOT, 'dist', bundle))}).main();\n`);
  const r = spawnSync(process.execPath, [runner, 'cert', 'set', ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PGTLS_COMPILE_CACHE: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What differs between two runs by design: the folder, fingerprints, serials and the times of the clock readings (dates in the summaries stay). */
function normalise(s: string, dir: string): string {
  return s.split(dir).join('<out>')
    .replace(/([0-9A-F]{2}:){31}[0-9A-F]{2}/g, '<sha256>')
    .replace(/"(fingerprintSha256|serialNumber)": "[^"]*"/g, '"$1": "<x>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, '<time> UTC');
}

test('cert set says and writes the same from its own bundle as from the full cert bundle', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-set-bundle-'));
  const cases: string[][] = [
    ...['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'ed25519'].map(a => ['--algorithm', a, '--server-name', 'db.example.internal', '--san', '10.0.0.5', '--client-user', 'app', '--format', 'json']),
    ['--server-name', 'db', '--client-user', 'app', '--replication', '--pk8', '--days', '30', '--ca-days', '100', '--ca-name', 'Team CA', '--hash', 'sha384'],
    ['--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg', '--format', 'json'],
    ['--operator', 'cpo', '--name', 'acid-main', '--layout', 'two'],
    ['--algorithm', 'rsa-2048', '--key-format', 'pkcs1', '--server-name', 'db', '--client-user', 'app'],
    ['--server-name', 'db', '--client-user', 'app', '--not-before', '-2d', '--not-after', '+10d'],
    ['--server-name', 'db', '--client-user', 'app', '--not-after', '-1d', '--not-before', '-3d'],
    ['--server-name', 'db'],
    ['--algorithm', 'ed25519', '--key-format', 'pkcs1', '--server-name', 'db', '--client-user', 'app'],
    ['--algorithm', 'rsa-1024', '--server-name', 'db', '--client-user', 'app'],
    ['--server-name', 'db', '--client-user', 'app', '--bogus'],
  ];
  try {
    cases.forEach((args, i) => {
      const runs = (['cli-cert.js', 'cli-cert-set.js'] as const).map(bundle => {
        const cwd = path.join(base, `${i}-${bundle}`);
        fs.mkdirSync(cwd);
        const first = fromBundle(bundle, ['--out', 'certs', ...args], cwd);
        const again = fromBundle(bundle, ['--out', 'certs', ...args], cwd); // the files exist now: refused without --force
        const files = fs.existsSync(path.join(cwd, 'certs')) ? fs.readdirSync(path.join(cwd, 'certs')).sort().map(f => `${f} ${(fs.statSync(path.join(cwd, 'certs', f)).mode & 0o777).toString(8)}`) : [];
        return { first: { ...first, out: normalise(first.out, cwd), err: normalise(first.err, cwd) }, again: { ...again, err: normalise(again.err, cwd) }, files };
      });
      assert.deepEqual(runs[1], runs[0], `cert set ${args.join(' ')}`);
      if (i === 0) assert.equal(runs[0]!.first.code, 0, runs[0]!.first.err);
    });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
