/**
 * `pgtls cert sign`: signs a certificate signing request made elsewhere (openssl req, a cluster's tooling) with a CA
 * of the user's, as a server or a client certificate, through the certificate façade (certs/sign.ts). It writes one
 * certificate file (atomically, 0644, never over an existing file without --force) and touches no key: the CSR's key
 * never reaches pgtls, and the CA key is only read.
 */
import * as path from 'node:path';
import { CertError, csrKeyLabel, type CsrRole, type SignedCsr } from '../certService';
import { writeCertFiles } from '../node/writeFiles';
import { UsageError, intFlag, many, required, type ParsedArgs } from './args';
import { caFlags, loadCa, precheck, readInput, type CertCtx } from './certFiles';
import { formatFlag, validityFlags } from './certFlags';

export const CERT_SIGN_HELP = `  pgtls cert sign --csr FILE --ca-cert FILE --ca-key FILE (--server [--client-auth] | --client) --out FILE
                  [--san NAME_OR_IP]... [--days N | --not-before WHEN --not-after WHEN] [--allow-invalid-dates]
                  [--force] [--format text|json]
      Signs a PKCS#10 CSR (PEM or DER) as a server or client certificate and writes the certificate (followed by
      the CA's intermediates) to FILE. The CSR's signature is verified and its key and hash must be as strong as
      the ones pgtls generates (RSA 2048+, ECDSA P-256/P-384/P-521, Ed25519; no SHA-1 or MD5). Taken from the CSR:
      its CN (and first O) and its requested DNS/IP names; --san adds more. For --client the CN is the database
      user the certificate logs in as with cert authentication. Imposed by pgtls: CA:FALSE, the key usages of the
      role (as "cert server"/"cert client" write them) and the validity; other requested extensions are left out
      and listed. No key is read or written besides the CA key, which is only read.
`;

export async function certSign(p: ParsedArgs, ctx: CertCtx): Promise<number> {
  const csrPath = required(p, 'csr', 'cert sign', '(the certificate signing request, PEM or DER)');
  const out = required(p, 'out', 'cert sign', '(the certificate file to write)');
  const format = formatFlag(p);
  const server = p.bools.has('server'), client = p.bools.has('client');
  if (server === client) throw new UsageError('cert sign needs exactly one of --server and --client (the certificate\'s role)');
  if (client && p.bools.has('client-auth')) throw new UsageError('--client-auth goes with --server (a server certificate also usable as a client)');
  const role: CsrRole = server ? 'server' : 'client';
  const caPaths = caFlags(p, undefined);
  if (!caPaths) throw new UsageError('cert sign needs --ca-cert FILE --ca-key FILE (the CA that signs)');
  const days = intFlag(p, 'days', 1, 36500);
  const dir = path.dirname(out), name = path.basename(out);
  if (/\.(key|pk8)$/i.test(name)) throw new UsageError(`--out ${out} looks like a key file name; cert sign writes a certificate (e.g. ${name.replace(/\.[^.]+$/, '.crt')})`);
  precheck(dir, [name], p.bools.has('force'));

  const csrBytes = new Uint8Array(readInput(csrPath, 'the CSR'));
  const ca = await loadCa(caPaths, ctx, p.bools.has('allow-invalid-dates'));
  let signed: SignedCsr;
  try {
    signed = await ctx.certs.signCsr(ca, csrBytes, {
      role, ...(days !== undefined ? { days } : {}), ...validityFlags(p), sans: many(p, 'san'), clientAuth: p.bools.has('client-auth'),
    });
  } catch (e) {
    if (e instanceof CertError) throw new CertError(`${csrPath}: ${e.message}`);
    throw e;
  }
  // One certificate, no key: no .gitignore, and the folder-mode warning (about keys) does not apply.
  const result = await writeCertFiles(dir, [{ name, contents: signed.chainPem, secret: false }], { force: p.bools.has('force'), gitignore: false });
  const written = result.files[0]!;
  const d = await ctx.certs.describe(signed.certDer);
  if (format === 'json') {
    ctx.io.out(JSON.stringify({
      path: written.path, mode: written.mode.toString(8).padStart(4, '0'), replaced: written.replaced, role, csr: signed.csr,
      subject: d.subject, issuer: d.issuer, commonName: d.commonName, sans: { dns: d.subjectAltNames.dns, ip: d.subjectAltNames.ip },
      notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(), validity: d.validity, serialNumber: d.serialNumber,
      fingerprintSha256: d.fingerprintSha256, keyUsage: d.keyUsage?.usages ?? [], extendedKeyUsage: d.extendedKeyUsage?.usages ?? [],
      notes: signed.notes,
    }, null, 2) + '\n');
    return 0;
  }
  const sans = [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)];
  const L = [
    `Wrote ${written.path} (${written.mode.toString(8).padStart(4, '0')}${written.replaced ? ', replaced' : ''}): ${role} certificate for the key of ${csrPath} (${csrKeyLabel(signed.csr.key)})`,
    `  subject   ${d.subject}`,
    ...(sans.length ? [`  SANs      ${sans.join(', ')}`] : []),
    `  usages    ${[...(d.keyUsage?.usages ?? []), ...(d.extendedKeyUsage?.usages ?? [])].join(', ')}`,
    `  valid     ${d.notBefore.toISOString()} to ${d.notAfter.toISOString()}${d.validity === 'valid' ? '' : ` (${d.validity === 'expired' ? 'EXPIRED' : 'NOT YET VALID'}, as asked)`}`,
    `  issuer    ${d.issuer}`,
    `  SHA-256   ${d.fingerprintSha256}`,
    ...signed.notes.map(n => `  note: ${n}`),
  ];
  ctx.io.out(L.join('\n') + '\n');
  return 0;
}
