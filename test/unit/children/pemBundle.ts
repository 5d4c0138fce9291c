/**
 * Child process of slowInputs.test.ts: a Secret whose stringData ca.crt is a bundle of COUNT distinct CA
 * certificates (made by pgtls's generator) followed by one CA that expired in 2021, validated three times with an
 * edit elsewhere between them, as the language server validates on keystrokes. Prints the findings on the expired
 * block and how many certificate texts OpenSSL has parsed so far, as JSON. The parent bounds its time and memory.
 */
import { createCertGenerator } from '../../../server/src/certGenerate';
import { DEFAULT_SETTINGS } from '../../../server/src/core/types';
import { fastCrypto } from '../../../server/src/node/fastCrypto';
import { nodeTlsBackend } from '../../../server/src/node/tlsBackend';
import type { ParsedFile } from '../../../server/src/service';
import { testService } from '../../helpers';

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  const gen = createCertGenerator({ now: () => new Date(), crypto: fastCrypto() });
  const pems: string[] = [];
  for (let i = 0; i < count; i++) pems.push((await gen.createCa({ algorithm: 'ecdsa-p256', commonName: `bundle CA ${i}`, days: 365 })).certPem);
  const old = await gen.createCa({ algorithm: 'ecdsa-p256', commonName: 'retired CA', notBefore: '2020-01-01', notAfter: '2021-01-01', allowInvalidDates: true });
  const indent = (pem: string) => pem.trimEnd().split('\n').map(l => `    ${l}`).join('\n');
  const text = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\nstringData:\n  ca.crt: |\n${[...pems, old.certPem].map(indent).join('\n')}\n`;
  const stats = { parsed: 0 };
  const service = testService({ tls: nodeTlsBackend({ maxCertificates: 10_000, maxBytes: 16 << 20, stats }) });
  let previous: ParsedFile | undefined;
  const results: { chars: number; onExpired: string[]; elsewhere: string[]; parsedSoFar: number }[] = [];
  for (const name of ['bundle', 'bundle-renamed', 'bundle']) {
    const doc = { path: '/nonexistent/pgtls/secret.yaml', text: text(name), languageId: 'yaml' as const, version: results.length + 1 };
    const parsed = service.parse(doc, previous);
    previous = parsed;
    const problems = service.validate(doc, parsed, DEFAULT_SETTINGS);
    const lastBegin = doc.text.lastIndexOf('-----BEGIN CERTIFICATE-----');
    results.push({
      chars: doc.text.length,
      onExpired: problems.filter(p => p.span[0] === lastBegin).map(p => p.rule),
      elsewhere: problems.filter(p => p.span[0] !== lastBegin).map(p => p.rule),
      parsedSoFar: stats.parsed,
    });
  }
  process.stdout.write(JSON.stringify(results));
}

void main();
