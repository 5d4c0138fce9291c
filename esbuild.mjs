// Bundles the extension client, the language server and the CLI. Types are checked by `tsc --noEmit`.
// The CLI has two bundles: dist/cli.js runs every command; dist/cli-cert.js (cli/certMain.ts) runs `cert` and
// `inspect` only and leaves the check machinery out, so that they start fast (bin/pgtls.js picks one by the command
// name). Its metafile, dist/cli-cert.meta.json, lists what it holds (test/unit/cliBundles.test.ts reads it).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
};

// The cert bundle takes the ES module builds of the packages that ship both (@peculiar/*, asn1js, tsyringe ...):
// esbuild hoists ES modules into one scope and leaves out what nothing uses, where a CommonJS build is kept whole
// and its exports copied one by one at start-up (about 40 ms less CPU per `pgtls cert set`, measured as processes).
const CERT_BUNDLE = { mainFields: ['module', 'main'] };

const [, , , certCli] = await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  esbuild.build({ ...common, ...CERT_BUNDLE, entryPoints: ['server/src/cli/certMain.ts'], outfile: 'dist/cli-cert.js', metafile: true }),
]);
fs.writeFileSync('dist/cli-cert.meta.json', JSON.stringify(certCli.metafile));
