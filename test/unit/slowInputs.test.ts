/**
 * Inputs that used to cost time out of proportion to their size (issue 13, "slow inputs freeze the server"), each
 * run in a child process with a memory bound (--max-old-space-size) and a timeout, so that a regression fails here
 * instead of freezing the suite. Nothing asserts on time: the bounds are generous, the assertions are on results.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseDocument, visit, type Alias, type Document } from 'yaml';
import { readPemBlocks } from '../../server/src/core/pem';
import { createCertGenerator } from '../../server/src/certGenerate';
import { fastCrypto } from '../../server/src/node/fastCrypto';
import { nodeTlsBackend } from '../../server/src/node/tlsBackend';
import { resolveAlias } from '../../server/src/languages/k8s/data';
import { ROOT, prng } from '../helpers';

/** Runs a child script of test/unit/children under tsx with a heap limit; its stdout is JSON. */
function child(script: string, args: string[], heapMb: number, timeoutMs: number): unknown {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', path.join(__dirname, 'children', script), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(r.signal, null, `${script} was killed (${r.signal}): over ${timeoutMs / 1000} s or out of memory\n${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout) as unknown;
}

test('a 1 MB stringData bundle of 1,900 certificates is validated three times as an editor validates keystrokes, within bounds', { timeout: 240_000 }, () => {
  const results = child('pemBundle.ts', ['1900'], 768, 200_000) as { chars: number; onExpired: string[]; elsewhere: string[]; parsedSoFar: number }[];
  assert.equal(results.length, 3);
  for (const r of results) {
    assert.ok(r.chars > 1_000_000, `${r.chars} characters`);
    // the expired CA is the bundle's last block: its finding is on its own BEGIN line (found without rescanning the bundle per block)
    assert.deepEqual(r.onExpired, ['cert/expired']);
    // and its 1,901 certificates are over the 1 MiB a Secret may hold: the API server would refuse it
    assert.deepEqual(r.elsewhere, ['secret/too-large']);
    // each distinct certificate text is parsed by OpenSSL once, however often the document is validated
    assert.equal(r.parsedSoFar, 1901);
  }
});

test('the TLS backend reads a certificate text once and keeps a bounded number of them', async () => {
  const gen = createCertGenerator({ now: () => new Date(), crypto: fastCrypto() });
  const pems = await Promise.all([0, 1, 2].map(async i => (await gen.createCa({ algorithm: 'ecdsa-p256', commonName: `CA ${i}`, days: 30 })).certPem));
  const tls = nodeTlsBackend({ maxCertificates: 2, maxBytes: 1 << 20 });
  const first = tls.readCertificates(pems[0]! + pems[1]!);
  const again = tls.readCertificates(`# comment moves the blocks\n${pems[0]!}${pems[1]!}`);
  assert.deepEqual(again.certificates.map(c => c.handle), first.certificates.map(c => c.handle), 'the same texts are not parsed again');
  assert.deepEqual(again.certificates.map(c => c.block.start), readPemBlocks(`# comment moves the blocks\n${pems[0]!}${pems[1]!}`).map(b => b.start), 'each read has its own blocks');
  assert.throws(() => { (again.certificates[0]!.subjectAltNames as string[]).push('DNS:x'); }, TypeError, 'what is shared is frozen');
  tls.readCertificates(pems[2]!); // a third text: the least recently used (CA 0) goes
  assert.equal(tls.readCertificates(pems[1]!).certificates[0]!.handle, first.certificates[1]!.handle, 'CA 1 was kept');
  const later = tls.readCertificates(pems[0]!).certificates[0]!;
  assert.notEqual(later.handle, first.certificates[0]!.handle, 'CA 0 was read again after it was dropped');
  assert.equal(later.subject, first.certificates[0]!.subject);
  assert.ok(tls.issuedBy(later.handle, first.certificates[0]!.handle), 'a dropped handle still works');
});

test('10,000 aliases of one anchor in a Secret are validated three times as an editor validates keystrokes, within bounds', { timeout: 240_000 }, () => {
  // Alias.resolve of the yaml library walks the whole document per alias: minutes for this document before
  const rules = child('aliases.ts', ['10000'], 512, 200_000) as string[][];
  assert.deepEqual(rules, [[], [], []]);
});

test('aliases resolve to the anchor the yaml library resolves them to, also with anchors defined again', () => {
  const random = prng(13);
  for (let round = 0; round < 200; round++) {
    const names = ['a', 'b', 'c'];
    const lines: string[] = ['root:'];
    let defined = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const name = names[Math.floor(random() * names.length)]!;
      const r = random();
      if (r < 0.4 || !defined.has(name)) { lines.push(`  k${i}: &${name} v${i}`); defined.add(name); }
      else if (r < 0.5) { lines.push(`  k${i}: &${name}`, `    inner${i}: *${name}`); }
      else if (r < 0.6) { lines.push(`  k${i}: [*${name}, &${name} w${i}, *${name}]`); }
      else lines.push(`  k${i}: *${name}`);
      if (random() < 0.05) defined = new Set();
    }
    const doc = parseDocument(lines.join('\n'), { uniqueKeys: false }) as Document;
    let aliases = 0;
    visit(doc, {
      Alias: (_k, alias: Alias) => {
        assert.equal(resolveAlias(doc, alias), alias.resolve(doc), `round ${round}: *${alias.source} at ${alias.range?.[0]}`);
        aliases++;
      },
    });
    assert.ok(aliases > 0 || round > 0, 'the generator makes aliases');
  }
});
