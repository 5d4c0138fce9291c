/**
 * The editor's "PG TLS: Sign a CSR…", server side (protocol.ts `pgtls/certs/sign`): reads the CSR and the CA files,
 * signs through the certificate façade (certs/sign.ts, the same core as `pgtls cert sign`) and writes the one
 * certificate through node/writeFiles.ts. Answers with the subject, names, validity and notes, never key material.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertError, createCertService, type CertEnv } from '../certService';
import type { CertSignParams, CertSignResult } from '../protocol';
import { FileReadError, MAX_CERT_BYTES, readRegularFile } from './readFiles';
import { ExistingFilesError, writeCertFiles } from './writeFiles';

/** A CSR or CA file: a regular file of at most 1 MiB (readFiles.ts); a FIFO or a device is refused, never read. */
function read(file: string, what: string): Buffer {
  try {
    return readRegularFile(file, { maxBytes: MAX_CERT_BYTES });
  } catch (e) {
    if (e instanceof FileReadError) throw new CertError(e.reason === 'missing' ? `cannot read ${what} ${file}: ENOENT` : `cannot read ${what}: ${e.message}`);
    throw new CertError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

export async function runCertSign(p: CertSignParams, env: CertEnv): Promise<CertSignResult> {
  if (p.role !== 'server' && p.role !== 'client') throw new CertError('the role must be server or client');
  if (!p.out || /\.(key|pk8)$/i.test(p.out)) throw new CertError('the output must be a certificate file name (e.g. server.crt)');
  const out = path.resolve(p.out);
  if (!p.force && fs.existsSync(out)) return { status: 'exists', existing: [out] };
  const now = env.now();
  const certs = createCertService({ now: () => now, crypto: env.crypto });
  const csr = new Uint8Array(read(p.csr, 'the CSR'));
  const ca = await certs.loadCa(read(p.caCert, 'the CA certificate').toString('utf8'), read(p.caKey, 'the CA key').toString('utf8'));
  const signed = await certs.signCsr(ca, csr, {
    role: p.role, ...(p.sans ? { sans: p.sans } : {}), ...(p.days !== undefined ? { days: p.days } : {}),
    ...(p.notBefore ? { notBefore: p.notBefore } : {}), ...(p.notAfter ? { notAfter: p.notAfter } : {}), allowInvalidDates: p.allowInvalidDates === true,
  });
  try {
    await writeCertFiles(path.dirname(out), [{ name: path.basename(out), contents: signed.chainPem, secret: false }], { force: !!p.force, gitignore: false });
  } catch (e) {
    if (e instanceof ExistingFilesError) return { status: 'exists', existing: e.existing };
    throw e;
  }
  const d = await certs.describe(signed.certDer);
  const sans = [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)];
  const message = `Signed ${path.basename(p.csr)} as a ${p.role} certificate: ${out} (${d.subject}${sans.length ? `; ${sans.join(', ')}` : ''}), valid to ${d.notAfter.toISOString().slice(0, 10)}.`
    + (signed.notes.length ? ` ${signed.notes.map(n => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`).join(' ')}` : '');
  return { status: 'written', path: out, subject: d.subject, sans, notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(), notes: signed.notes, message };
}
