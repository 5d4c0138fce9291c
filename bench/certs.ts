/**
 * Certificate generation benchmark: a full set (CA + server + client, keys and certificates) per algorithm, made
 * in-process by pgtls's generator, side by side with the equivalent `openssl` command-line steps run on the same
 * machine in the same run. Reports medians and the ratio. Not a test: nothing asserts on time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KEY_ALGORITHMS, generateSet, parseAlgorithm, type KeyAlgorithm } from '../server/src/certs/generate';
import { fastCrypto } from '../server/src/node/fastCrypto';

/** The crypto the CLI and the language server inject (node/env.ts, cli/cert.ts). */
const crypto = fastCrypto();

/** The openssl key options per algorithm, and the digest option (none for Ed25519). */
const OPENSSL: Record<KeyAlgorithm, { key: string[]; md: string[] }> = {
  'ecdsa-p256': { key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], md: ['-sha256'] },
  'ecdsa-p384': { key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], md: ['-sha384'] },
  'rsa-2048': { key: ['-newkey', 'rsa:2048'], md: ['-sha256'] },
  'rsa-3072': { key: ['-newkey', 'rsa:3072'], md: ['-sha256'] },
  'rsa-4096': { key: ['-newkey', 'rsa:4096'], md: ['-sha256'] },
  ed25519: { key: ['-newkey', 'ed25519'], md: [] },
};

/** The same set with the openssl CLI: one self-signed CA, then a CSR and a signing step per leaf (5 processes). */
function opensslSet(alg: KeyAlgorithm, dir: string): void {
  const { key, md } = OPENSSL[alg];
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  fs.writeFileSync(path.join(dir, 'server.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  run(['req', '-x509', ...key, ...md, '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=bench CA', '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [leaf, cn] of [['server', 'localhost'], ['client', 'postgres']] as const) {
    run(['req', '-new', ...key, '-nodes', '-keyout', `${leaf}.key`, '-out', `${leaf}.csr`, '-subj', `/CN=${cn}`]);
    run(['x509', '-req', '-in', `${leaf}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', ...md, '-days', '397',
      '-extfile', `${leaf}.ext`, '-out', `${leaf}.crt`]);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sets made before measuring, per algorithm. */
const WARMUP = 5;

/** Runs per algorithm: RSA key generation varies a lot from run to run, so it gets more runs for a stable median. */
const RUNS: Record<KeyAlgorithm, number> = { 'ecdsa-p256': 25, 'ecdsa-p384': 25, ed25519: 25, 'rsa-2048': 15, 'rsa-3072': 9, 'rsa-4096': 7 };
const TARGET: Record<KeyAlgorithm, number> = { 'ecdsa-p256': 0.1, 'ecdsa-p384': 0.1, ed25519: 0.1, 'rsa-2048': 1, 'rsa-3072': 1, 'rsa-4096': 1 };

/** Benchmarks the given algorithms (default: all) and returns the results section as Markdown. */
export async function benchCerts(algorithms: readonly KeyAlgorithm[] = KEY_ALGORITHMS): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bench-certs-'));
  const rows: string[] = [];
  try {
    for (const alg of algorithms) {
      const ours: number[] = [];
      const theirs: number[] = [];
      const set = () => generateSet({ algorithm: alg, serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'postgres', now: new Date(), crypto });
      // The first set of this algorithm in this process, reported on its own (code not yet optimised by the JIT), then
      // WARMUP more sets before measuring, as the conf benchmark does: a language server or a CI job makes many.
      const c0 = performance.now();
      await set();
      const cold = performance.now() - c0;
      for (let i = 0; i < WARMUP; i++) await set();
      // Interleave the two so that machine load affects both sides alike.
      for (let i = 0; i < RUNS[alg] + 1; i++) {
        const s = performance.now();
        await set();
        const t1 = performance.now() - s;
        const dir = fs.mkdtempSync(path.join(tmp, `${alg}-`));
        const s2 = performance.now();
        opensslSet(alg, dir);
        const t2 = performance.now() - s2;
        fs.rmSync(dir, { recursive: true, force: true });
        if (i > 0) { ours.push(t1); theirs.push(t2); } // the first round warms up openssl's page cache
      }
      const ratio = median(ours) / median(theirs);
      const verdict = ratio <= TARGET[alg] ? 'met' : 'missed';
      rows.push(`| ${alg} | ${RUNS[alg]} | ${median(ours).toFixed(1)} | ${median(theirs).toFixed(1)} | ${ratio.toFixed(3)}× | ≤ ${TARGET[alg]}× (${verdict}) | ${cold.toFixed(1)} |`);
      console.log(rows[rows.length - 1]);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  return `## Certificate generation: a full set (CA + server + client) per algorithm

pgtls generates in-process (ECDSA and Ed25519 on node:crypto through pgtls's WebCrypto adapter, RSA keys on
WebCrypto, certificates built and encoded with @peculiar/asn1-x509); the peer is the \`openssl\` command line
doing the same set in five processes (\`req -x509\` for the CA, then \`req -new\` and \`x509 -req\` for each leaf),
on the same machine in the same run, interleaved run by run. ${version}. Medians in milliseconds; private keys are written to a temp folder by
openssl and kept in memory by pgtls. pgtls is measured warm (after ${WARMUP} sets of the same algorithm, as a language
server or a CI job that makes several sets runs); the last column is the very first set of that algorithm in the
process, before the JIT has optimised anything, for comparison.

| algorithm | runs | pgtls median | openssl CLI median | ratio | target | pgtls first set |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

// `node --import tsx bench/certs.ts [algorithm...]` runs this benchmark alone (all algorithms when none is named).
if (require.main === module) {
  const named = process.argv.slice(2);
  benchCerts(named.length ? named.map(parseAlgorithm) : KEY_ALGORITHMS).then(
    md => console.log(`\n${md}`),
    (e: unknown) => { console.error(e); process.exitCode = 1; },
  );
}
