// Bundles the extension client, the language server and the CLI. Types are checked by `tsc --noEmit`.
// The CLI has three bundles: dist/cli.js runs every command; dist/cli-cert.js (cli/certMain.ts) runs `cert` and
// `inspect` only and leaves the check machinery out, so that they start fast; dist/cli-cert-set.js (cli/certSetMain.ts)
// runs `cert set` alone, without the YAML library and @peculiar/x509 (bin/pgtls.js picks one by the command words).
// Their metafiles, dist/cli-cert*.meta.json, list what they hold (test/unit/cliBundles.test.ts reads them).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

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

// The ASN.1 packages re-export every structure from one index, and modules of structures the command never uses
// still run their class definitions and default values at start-up (@peculiar/asn1-rsa's OAEP and PSS parameters
// cost about 5 ms). Their modules only define classes and constants, so `cert set`'s bundle declares them free of
// side effects and esbuild leaves out the unused ones. (test/unit/cliBundles.test.ts runs the bundle.)
const pureAsn1 = {
  name: 'pure-asn1',
  setup(build) {
    const pure = async args => {
      if (args.pluginData?.pureAsn1) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { pureAsn1: true } });
      return r.errors.length ? undefined : { path: r.path, sideEffects: false };
    };
    // @peculiar/x509 (with tsyringe, Reflect metadata and the CMS/PKCS#9/PFX structures) is left out: see certs/x509libAbsent.ts
    build.onResolve({ filter: /\/x509lib$/ }, args => ({ path: fileURLToPath(new URL('./server/src/certs/x509libAbsent.ts', import.meta.url)) }));
    build.onResolve({ filter: /^(@peculiar\/asn1-|asn1js$|pvtsutils$|pvutils$)/ }, pure);
    build.onResolve({ filter: /^\.\.?\// }, args => (/node_modules\/@peculiar\/asn1-/.test(args.importer) ? pure(args) : undefined));
  },
};

const [, , , certCli, setCli] = await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  esbuild.build({ ...common, ...CERT_BUNDLE, entryPoints: ['server/src/cli/certMain.ts'], outfile: 'dist/cli-cert.js', metafile: true }),
  esbuild.build({ ...common, ...CERT_BUNDLE, plugins: [pureAsn1], entryPoints: ['server/src/cli/certSetMain.ts'], outfile: 'dist/cli-cert-set.js', metafile: true }),
]);
fs.writeFileSync('dist/cli-cert.meta.json', JSON.stringify(certCli.metafile));
fs.writeFileSync('dist/cli-cert-set.meta.json', JSON.stringify(setCli.metafile));
