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

const [, , , certCli] = await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli/certMain.ts'], outfile: 'dist/cli-cert.js', metafile: true }),
]);
fs.writeFileSync('dist/cli-cert.meta.json', JSON.stringify(certCli.metafile));
