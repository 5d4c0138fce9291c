/**
 * The files of `pgtls cert …`: reading the inputs (a CA, a resource), refusing to overwrite, writing through
 * node/writeFiles.ts, and the summary of what was written (text or JSON; never key material).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CertError, CertFileError, algorithmSpec, isEddsaSignature, compatWarnings, rolesOfFiles, type CertGenerator, type CertificateAuthority, type CertificateDescription,
  type IssuedCertificate, type KeyAlgorithm,
} from '../certGenerate';
import type { CertService } from '../certService';
import { FileReadError, MAX_CERT_BYTES, readRegularFile } from '../node/readFiles';
import { ExistingFilesError, WriteFilesError, writeCertFiles, type FileToWrite, type WriteResult } from '../node/writeFiles';
import { CommandFailure, UsageError, one, usageFailed, type CliIo, type ParsedArgs } from './args';

/** What a cert command works with: where it writes, and the certificate façade (one clock reading per command). */
export interface CertCtx {
  io: CliIo;
  certs: CertService;
}

/** What generating and describing need: the context `pgtls cert set`'s own bundle has (certSetMain.ts). */
export interface GenCtx {
  io: CliIo;
  certs: CertGenerator;
}

/** A cert command's failure as its message and exit code (2 usage, 1 failure); never an object dump that could hold key bytes. */
export function reportError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || e instanceof CertError) return usageFailed(io, e.message, 'pgtls cert --help');
  if (e instanceof ExistingFilesError) {
    io.err(`pgtls: ${e.message} (use --force to replace ${e.existing.length === 1 ? 'it' : 'them'})\n`);
    return 2;
  }
  if (e instanceof CommandFailure || e instanceof CertFileError || e instanceof WriteFilesError || e instanceof FileReadError) {
    io.err(`pgtls: ${e.message}\n`);
    return 1;
  }
  // Unexpected: report the message and where, but never an object dump that could hold key bytes.
  io.err(`pgtls: internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}\n`);
  return 1;
}

/** A file to write, with the certificate it holds (for the summary) and what it is. */
export type Planned = FileToWrite & { cert?: Pick<IssuedCertificate, 'certPem' | 'certDer' | 'notes'>; role?: string };

/**
 * A file's bytes, through the one reader (node/readFiles.ts: a regular file of at most `maxBytes`, default the 1 MiB
 * of certificate and key files): a missing file is a usage error (exit 2), an unusable one (a FIFO, a device, too
 * large, unreadable) a failure (exit 1).
 */
export function readInput(file: string, what: string, maxBytes = MAX_CERT_BYTES): Buffer {
  try {
    return readRegularFile(file, { maxBytes });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.reason === 'missing') throw new UsageError(`${what} ${file} does not exist`);
    throw new CommandFailure(`cannot read ${what}: ${e.message}`);
  }
}

/** `readInput` as UTF-8 text. */
export function readText(file: string, what: string, maxBytes = MAX_CERT_BYTES): string {
  return readInput(file, what, maxBytes).toString('utf8');
}

export interface CaPaths { cert: string; key: string; certText: string; keyText: string }

/** --ca-cert/--ca-key, or DIR/ca.crt + DIR/ca.key when `defaultDir` is given and they exist. Reads both files. */
export function caFlags(p: ParsedArgs, defaultDir: string | undefined): CaPaths | undefined {
  let cert = one(p, 'ca-cert');
  let key = one(p, 'ca-key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--ca-cert and --ca-key go together');
  if (cert === undefined && defaultDir !== undefined) {
    cert = path.join(defaultDir, 'ca.crt');
    key = path.join(defaultDir, 'ca.key');
    if (!fs.existsSync(cert) || !fs.existsSync(key)) {
      throw new UsageError(`no CA given and ${cert} / ${key} do not both exist: pass --ca-cert FILE --ca-key FILE, or run "pgtls cert ca --out ${defaultDir}" first`);
    }
  }
  if (cert === undefined || key === undefined) return undefined;
  return { cert, key, certText: readText(cert, 'CA certificate'), keyText: readText(key, 'CA key') };
}

/** `allowInvalidDates`: the command's --allow-invalid-dates, which also lets an expired or not yet valid CA issue. */
export async function loadCa(paths: CaPaths, ctx: CertCtx, allowInvalidDates = false): Promise<CertificateAuthority> {
  try {
    return await ctx.certs.loadCa(paths.certText, paths.keyText, { allowInvalidDates });
  } catch (e) {
    if (e instanceof CertError) throw new CommandFailure(`cannot issue from ${paths.cert} with ${paths.key}: ${e.message}`);
    throw e;
  }
}

export function caFiles(ca: CertificateAuthority): Planned[] {
  return [
    { name: 'ca.crt', contents: ca.chainPem, secret: false, cert: ca, role: ca.chain.length ? 'intermediate CA certificate (+ chain)' : 'CA certificate' },
    { name: 'ca.key', contents: ca.keyPem, secret: true, role: 'CA private key' },
  ];
}

export function leafFiles(c: IssuedCertificate, base: string, role: string, pk8: boolean): Planned[] {
  return [
    { name: `${base}.crt`, contents: c.chainPem, secret: false, cert: c, role },
    { name: `${base}.key`, contents: c.keyPem, secret: true, role: 'private key' },
    ...(pk8 ? [{ name: `${base}.pk8`, contents: c.pk8Der, secret: true, role: 'private key, PKCS#8 DER (JDBC sslkey)' }] : []),
  ];
}

/** Fails before any key is generated when a target exists and --force was not given. */
export function precheck(dir: string, names: string[], force: boolean): void {
  if (force) return;
  const existing = names.map(n => path.resolve(dir, n)).filter(f => {
    try {
      fs.lstatSync(f);
      return true;
    } catch {
      return false;
    }
  });
  if (existing.length) throw new ExistingFilesError(existing);
}

export async function writeAndReport(out: string, files: Planned[], p: ParsedArgs, ctx: GenCtx, format: 'text' | 'json', algorithm: KeyAlgorithm): Promise<number> {
  const result = await writeCertFiles(out, files, { force: p.bools.has('force'), gitignore: !p.bools.has('no-gitignore') });
  for (const w of result.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
  for (const f of files) for (const n of f.cert?.notes ?? []) ctx.io.err(`pgtls: note: ${f.name}: ${n}\n`);
  const described = new Map<string, CertificateDescription>();
  for (const f of files) if (f.cert) described.set(f.name, await ctx.certs.describe(f.cert.certDer ?? f.cert.certPem));
  ctx.io.out(format === 'json' ? jsonSummary(result, files, described, algorithm) : textSummary(result, files, described, algorithm));
  // certificates that a peer with default settings refuses in some handshakes (certs/compat.ts): said, never silent
  // the server certificate's signature is its CA's (an Ed25519 CA breaks libpq's SCRAM channel binding)
  const server = files.find(f => f.role === 'server certificate');
  const serverSig = server ? described.get(server.name)?.signatureAlgorithm.oid : undefined;
  const eddsaSigned = serverSig === undefined ? algorithm === 'ed25519' : isEddsaSignature(serverSig);
  for (const w of compatWarnings(algorithm, rolesOfFiles(files.map(f => f.role)), eddsaSigned)) ctx.io.err(`pgtls: warning: ${w}\n`);
  return 0;
}

export const octal = (m: number) => m.toString(8).padStart(4, '0');
const day = (d: Date) => d.toISOString().slice(0, 10);
const spanDays = (d: CertificateDescription) => Math.round((d.notAfter.getTime() - d.notBefore.getTime()) / 86_400_000);

function textSummary(r: WriteResult, files: Planned[], desc: Map<string, CertificateDescription>, algorithm: KeyAlgorithm): string {
  const L: string[] = [`Wrote ${r.files.length} file${r.files.length === 1 ? '' : 's'} to ${r.dir}${r.createdDir ? ' (new folder, mode 0700)' : ''}:`];
  const width = Math.max(...r.files.map(f => f.name.length), 10);
  for (const w of r.files) {
    const f = files.find(x => x.name === w.name)!;
    const d = desc.get(w.name);
    let line = `  ${w.name.padEnd(width)}  ${octal(w.mode)}  ${f.role ?? ''}${w.replaced ? ' (replaced)' : ''}`;
    if (d) {
      line += `: ${d.subject}`;
      const sans = [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)];
      if (sans.length) line += `\n  ${''.padEnd(width)}        SANs: ${sans.join(', ')}`;
      line += `\n  ${''.padEnd(width)}        valid ${day(d.notBefore)} to ${day(d.notAfter)} (${spanDays(d)} days), ${describeKeyOf(d)}, SHA-256 ${d.fingerprintSha256}`;
    }
    L.push(line);
  }
  if (r.gitignore === 'created') L.push(`  ${'.gitignore'.padEnd(width)}  0644  created: keeps *.key and *.pk8 out of git`);
  else if (r.gitignore === 'appended') L.push(`  ${'.gitignore'.padEnd(width)}        added *.key / *.pk8 lines to your .gitignore`);
  else if (r.gitignore === 'refused') L.push(`  ${'.gitignore'.padEnd(width)}        not written to (see the warning): add *.key and *.pk8 to your .gitignore yourself`);
  L.push(`Algorithm ${algorithmSpec(algorithm).label}. The private keys are unencrypted (mode 0600) and meant for development and testing.`);
  return L.join('\n') + '\n';
}

function describeKeyOf(d: CertificateDescription): string {
  const k = d.publicKey;
  return k.type === 'EC' ? `EC ${k.curve}` : `${k.type}${k.type.startsWith('RSA') && k.bits ? ` ${k.bits}` : ''}`;
}

function jsonSummary(r: WriteResult, files: Planned[], desc: Map<string, CertificateDescription>, algorithm: KeyAlgorithm): string {
  return JSON.stringify({
    dir: r.dir,
    createdDir: r.createdDir,
    algorithm,
    files: r.files.map(w => {
      const d = desc.get(w.name);
      return {
        name: w.name, path: w.path, mode: octal(w.mode), kind: w.secret ? 'private-key' : 'certificate', role: files.find(f => f.name === w.name)?.role,
        replaced: w.replaced,
        ...(d ? {
          subject: d.subject, issuer: d.issuer, commonName: d.commonName, sans: { dns: d.subjectAltNames.dns, ip: d.subjectAltNames.ip },
          notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(), days: spanDays(d), serialNumber: d.serialNumber,
          fingerprintSha256: d.fingerprintSha256, keyUsage: d.keyUsage?.usages ?? [], extendedKeyUsage: d.extendedKeyUsage?.usages ?? [],
        } : {}),
      };
    }),
    gitignore: r.gitignore,
    warnings: r.warnings,
  }, null, 2) + '\n';
}
