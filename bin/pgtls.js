#!/usr/bin/env node
'use strict';
// The `pgtls` command. `pgtls cert set …` loads dist/cli-cert-set.js (server/src/cli/certSetMain.ts: that command
// alone, without the YAML library and @peculiar/x509), except with --help or --resource; `pgtls cert …` and
// `pgtls inspect …` load dist/cli-cert.js, a bundle without the check machinery (server/src/cli/certMain.ts), so
// that they start fast; every other command loads dist/cli.js. The choice is made from the command words before
// anything is required; a command the smaller bundle does not take always has the larger one to go to.
//
// Compiling a bundle costs about as much as the work of a `cert set`, so the compiled code is cached: on Node 22+
// by Node's own compile cache; on older Node here, with V8's code cache in a folder of the user's own
// ($XDG_CACHE_HOME/pgtls or ~/.cache/pgtls, mode 0700, used only when owned by the user and closed to others),
// keyed by the Node version and the bundle file's identity. Any problem with the cache means a plain require.
// PGTLS_COMPILE_CACHE=0 turns it off.
const nodeModule = require('node:module');
const path = require('node:path');

const CERT_BUNDLE_COMMANDS = ['cert', 'inspect'];
const bundle = path.join(__dirname, '..', 'dist', bundleFor(process.argv.slice(2)));
load(bundle).main();

function bundleFor(args) {
  if (args[0] === 'cert' && args[1] === 'set' && !args.slice(2).some(a => a === '--help' || a === '-h' || a === '--resource' || a.startsWith('--resource='))) return 'cli-cert-set.js';
  return CERT_BUNDLE_COMMANDS.includes(args[0]) ? 'cli-cert.js' : 'cli.js';
}

function load(file) {
  if (process.env.PGTLS_COMPILE_CACHE === '0') return require(file);
  if (typeof nodeModule.enableCompileCache === 'function') {
    nodeModule.enableCompileCache();
    return require(file);
  }
  let script;
  let cacheFile;
  try {
    ({ script, cacheFile } = compileWithCache(file));
  } catch {
    return require(file);
  }
  const mod = new nodeModule(file, module);
  mod.filename = file;
  mod.paths = nodeModule._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  if (cacheFile && (script.cachedDataRejected !== false)) process.once('exit', () => saveCache(script, cacheFile));
  script.runInThisContext()(mod.exports, id => mod.require(id), mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

function compileWithCache(file) {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  let cacheFile;
  let cachedData;
  try {
    const dir = cacheDir(fs);
    // Keyed by the bundle file's identity (inode, size, modification time: a rebuild changes them) rather than a
    // hash of its 1 MiB text, which cost a few milliseconds on every run (V8 checks only the source length itself).
    const st = fs.statSync(file);
    const key = `${process.version}-${process.arch}-${st.ino}-${st.size}-${Math.round(st.mtimeMs)}`.replace(/[^\w.-]/g, '_');
    cacheFile = path.join(dir, `${path.basename(file, '.js')}-${key}.v8`);
    if (fs.existsSync(cacheFile)) cachedData = fs.readFileSync(cacheFile);
  } catch {
    cacheFile = undefined;
  }
  const script = new vm.Script(nodeModule.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  return { script, cacheFile };
}

/** The user's cache folder for pgtls, created 0700; refused when someone else owns it or may write into it. */
function cacheDir(fs) {
  const base = process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache');
  const dir = path.join(base, 'pgtls');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) {
    throw new Error('cache folder not private');
  }
  return dir;
}

function saveCache(script, cacheFile) {
  const fs = require('node:fs');
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
    // the caches of earlier builds of this bundle (or other Node versions) are never read again: remove them
    const dir = path.dirname(cacheFile);
    const own = path.basename(cacheFile);
    const stem = own.slice(0, own.indexOf('-v') + 2);
    for (const f of fs.readdirSync(dir)) {
      if (f !== own && f.startsWith(stem) && /^\d/.test(f.slice(stem.length)) && f.endsWith('.v8')) fs.rmSync(path.join(dir, f), { force: true });
    }
  } catch {
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}
