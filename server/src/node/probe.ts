/**
 * `pgtls probe`, the network half: talks to a running PostgreSQL, Pgpool-II or PgBouncer the way libpq does and
 * hands what it saw to the pure verdict (certs/probe.ts). Per probe at most two TCP connections to the host given:
 *
 *  1. the main one: PostgreSQL's SSLRequest (8 bytes, code 80877103; the answer 'S' or 'N') and a TLS handshake over
 *     the same socket with node:tls (OpenSSL, libpq's library), or with `direct` PostgreSQL 17's direct TLS (TLS first,
 *     ALPN "postgresql"); OpenSSL verifies the chain against the CA file (as libpq with sslrootcert; never against
 *     the system store), and with a client certificate and a user a StartupMessage follows (protocol 3.0) whose
 *     first answer tells whether certificate authentication worked;
 *  2. a TLS 1.2 handshake without a client certificate whose server flight is read as it passes (before
 *     ChangeCipherSpec TLS 1.2 handshake messages are plaintext): a CertificateRequest means the server asks for a
 *     client certificate, a refused handshake that it requires one, and its Certificate message tells how many
 *     certificates the server itself sends (Node's peer chain may add the CA from the trust store).
 *
 * Shapes: PostgreSQL's protocol (protocol-flow.html "SSL Session Encryption", "Message Formats"), libpq's
 * fe-connect.c / fe-secure-openssl.c, RFC 5246 §7.4 (handshake message types 11 Certificate, 13 CertificateRequest).
 * Key files are read only to hand them to OpenSSL; nothing of them is ever printed or returned.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import { describeCertificates, type CertificateDescription } from '../certs/inspect';
import { judgeProbe, type CaSource, type CertAuthFacts, type ClientCertFacts, type ProbeFacts, type ProbeMode, type ProbeReport } from '../certs/probe';
import { isIpAddress } from '../x509';
import { FileReadError, MAX_CERT_BYTES, readRegularFile } from './readFiles';

export { PROBE_EXPIRY_WARNING_DAYS, probeJson, probeTarget, renderProbeText, type ProbeReport } from '../certs/probe';

export interface ProbeOptions {
  host: string;
  port: number;
  mode?: ProbeMode;
  /** A CA file; absent: ./ca.crt, ./root.crt (in `cwd`), then ~/.postgresql/root.crt (libpq's default), if any. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  user?: string;
  database?: string;
  timeoutMs?: number;
  cwd?: string;
  home?: string;
  now?: Date;
}

/** A file option that cannot be used (missing, unreadable): a usage error for the CLI. */
export class ProbeInputError extends Error {
  override readonly name = 'ProbeInputError';
}

const SSL_REQUEST_CODE = 80877103;
const PROTOCOL_3 = 196608;

/** A certificate or key file the user named: a regular file of at most 1 MiB (readFiles.ts), never a blocking read. */
function readInput(file: string, what: string): Buffer {
  try {
    return readRegularFile(file, { maxBytes: MAX_CERT_BYTES });
  } catch (e) {
    if (e instanceof FileReadError) throw new ProbeInputError(`cannot read the ${what}: ${e.message}`);
    throw new ProbeInputError(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** The CA to verify with, and where it came from: the flag, the current folder, libpq's default. */
export function findCa(opts: Pick<ProbeOptions, 'caFile' | 'cwd' | 'home'>): { file: string; source: CaSource } | undefined {
  if (opts.caFile) return { file: opts.caFile, source: 'flag' };
  const cwd = opts.cwd ?? process.cwd();
  for (const name of ['ca.crt', 'root.crt']) {
    const f = path.join(cwd, name);
    if (fs.existsSync(f)) return { file: f, source: 'current-folder' };
  }
  const libpq = path.join(opts.home ?? os.homedir(), '.postgresql', 'root.crt');
  return fs.existsSync(libpq) ? { file: libpq, source: 'libpq-default' } : undefined;
}

/** Opens TCP and, in SSLRequest mode, asks for TLS; resolves with the socket and the answer, or why it failed. */
function connectPlain(host: string, port: number, mode: ProbeMode, timeoutMs: number):
Promise<{ sock: net.Socket; answer?: string; extra: number } | { unreachable: string } | { answer: string; extra: number }> {
  return new Promise(resolve => {
    const sock = net.createConnection({ host, port });
    let done = false;
    let connected = false;
    const finish = (v: Parameters<typeof resolve>[0], keep = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.removeAllListeners('data');
      if (!keep) sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(!connected ? { unreachable: `no connection within ${timeoutMs} ms` } : { answer: `no answer within ${timeoutMs} ms`, extra: 0 }), timeoutMs);
    sock.on('error', e => finish(!connected ? { unreachable: (e as NodeJS.ErrnoException).code ?? e.message } : { answer: `connection error ${(e as NodeJS.ErrnoException).code ?? e.message}`, extra: 0 }));
    sock.on('close', () => finish({ answer: 'connection closed without an answer', extra: 0 }));
    sock.on('connect', () => {
      connected = true;
      if (mode === 'direct') return finish({ sock, extra: 0 }, true);
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(SSL_REQUEST_CODE, 4);
      sock.write(req);
    });
    sock.on('data', (d: Buffer) => {
      const c = String.fromCharCode(d[0]!);
      if (c === 'S') {
        sock.pause();
        sock.removeAllListeners('error');
        sock.removeAllListeners('close');
        return finish({ sock, answer: 'S', extra: d.length - 1 }, true);
      }
      finish({ answer: c === 'N' ? 'N' : c === 'E' ? 'an ErrorResponse' : `byte 0x${d[0]!.toString(16).padStart(2, '0')}`, extra: 0 });
    });
  });
}

/** The DER certificates of the peer chain as Node reports it (leaf first; the loop at a self-signed root ended). */
function peerChain(t: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let c = t.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (c && c.raw && !seen.has(c.fingerprint256) && out.length < 16) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  return out;
}

interface TlsResult {
  t?: tls.TLSSocket;
  error?: string;
}

/** A TLS handshake on `socket` (or a new connection in direct mode), resolved at secureConnect or failure. */
function handshake(o: tls.ConnectionOptions, timeoutMs: number): Promise<TlsResult> {
  return new Promise(resolve => {
    let done = false;
    const t = tls.connect(o);
    const finish = (r: TlsResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!r.t) t.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: `no handshake within ${timeoutMs} ms` }), timeoutMs);
    t.once('secureConnect', () => finish({ t }));
    t.on('error', e => finish({ error: e.message }));
    t.once('close', () => finish({ error: 'the server closed the connection during the handshake' }));
  });
}

/** Sends a StartupMessage and reads the first answer that tells how the login goes. */
function startup(t: tls.TLSSocket, user: string, database: string, timeoutMs: number): Promise<Omit<CertAuthFacts, 'user' | 'database'>> {
  return new Promise(resolve => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (r: Omit<CertAuthFacts, 'user' | 'database'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { t.end(Buffer.from([0x58, 0, 0, 0, 4])); } catch { /* already closed */ }
      t.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ outcome: 'other', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    t.on('error', e => finish({ outcome: 'closed', message: e.message }));
    t.on('close', () => finish({ outcome: 'closed', message: 'the server closed the connection' }));
    t.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5) {
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (len < 4 || len > 1 << 20) return finish({ outcome: 'other', message: `malformed message ${type}` });
        if (buf.length < 1 + len) return;
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === 'R') {
          const code = body.readInt32BE(0);
          if (code === 0) return finish({ outcome: 'ok' });
          if (code === 10) return finish({ outcome: 'sasl', message: `SASL ${body.subarray(4).toString('latin1').split('\0').filter(Boolean).join(', ')}` });
          return finish({ outcome: code === 3 || code === 5 ? 'password' : 'other', message: code === 3 ? 'cleartext password' : code === 5 ? 'MD5 password' : `authentication request ${code}` });
        }
        if (type === 'E') {
          const fields = new Map<string, string>();
          for (const part of body.toString('utf8').split('\0')) if (part) fields.set(part[0]!, part.slice(1));
          return finish({ outcome: 'error', message: fields.get('M') ?? 'no message', ...(fields.get('C') ? { code: fields.get('C')! } : {}) });
        }
        // 'v' NegotiateProtocolVersion and notices come before the answer: read on.
      }
    });
    const params = Buffer.from(`user\0${user}\0database\0${database}\0application_name\0pgtls-probe\0\0`, 'utf8');
    const msg = Buffer.alloc(8 + params.length);
    msg.writeInt32BE(msg.length, 0);
    msg.writeInt32BE(PROTOCOL_3, 4);
    params.copy(msg, 8);
    t.write(msg);
  });
}

/**
 * A Duplex over `sock` that reads the TLS records the server sends until its ChangeCipherSpec and notes the handshake
 * message types seen (and the number of certificates in its Certificate message).
 */
function tappedSocket(sock: net.Socket, seen: { types: Set<number>; certificates?: number }): Duplex {
  let records = Buffer.alloc(0);
  let handshake = Buffer.alloc(0);
  let plain = true;
  const scan = () => {
    while (plain && records.length >= 5) {
      const len = records.readUInt16BE(3);
      if (records.length < 5 + len) return;
      const type = records[0]!;
      if (type === 20) plain = false;
      else if (type === 22) handshake = Buffer.concat([handshake, records.subarray(5, 5 + len)]);
      records = records.subarray(5 + len);
    }
    while (handshake.length >= 4) {
      const len = handshake.readUIntBE(1, 3);
      if (handshake.length < 4 + len) break;
      const msgType = handshake[0]!;
      seen.types.add(msgType);
      if (msgType === 11) seen.certificates = countCertificates(handshake.subarray(4, 4 + len));
      handshake = handshake.subarray(4 + len);
    }
  };
  const d = new Duplex({
    read() { sock.resume(); },
    write(chunk: Buffer, _enc, cb) { sock.write(chunk, cb); },
    final(cb) { sock.end(); cb(); },
    destroy(err, cb) { sock.destroy(); cb(err); },
  });
  sock.on('data', (c: Buffer) => {
    if (plain) {
      records = Buffer.concat([records, c]);
      scan();
    }
    if (!d.push(c)) sock.pause();
  });
  sock.on('end', () => d.push(null));
  sock.on('error', e => d.destroy(e));
  sock.on('close', () => d.destroy());
  return d;
}

/** The number of certificates of a TLS 1.2 Certificate message body (a 3-byte list length, then 3-byte-length entries). */
function countCertificates(body: Buffer): number {
  let n = 0;
  for (let i = 3; i + 3 <= body.length; n++) i += 3 + body.readUIntBE(i, 3);
  return n;
}

/** Connection 2: a TLS 1.2 handshake without a client certificate, read as it passes. */
async function clientCertProbe(o: Required<Pick<ProbeOptions, 'host' | 'port' | 'timeoutMs'>> & { mode: ProbeMode; servername?: string }): Promise<ClientCertFacts> {
  const plain = await connectPlain(o.host, o.port, o.mode, o.timeoutMs);
  if (!('sock' in plain)) return { note: 'the second connection got no TLS' };
  const seen: { types: Set<number>; certificates?: number } = { types: new Set() };
  const socket = tappedSocket(plain.sock, seen);
  const r = await handshake({
    socket, rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
    ...(o.servername ? { servername: o.servername } : {}), ...(o.mode === 'direct' ? { ALPNProtocols: ['postgresql'] } : {}),
  }, o.timeoutMs);
  const requested = seen.types.has(13);
  const sawServer = seen.types.has(2);
  const facts: ClientCertFacts = { ...(seen.certificates !== undefined ? { presented: seen.certificates } : {}) };
  if (r.t) {
    // TLS 1.2: the server verified the (absent) client certificate before its Finished, so this handshake stands.
    r.t.destroy();
    return { ...facts, requested, refused: false };
  }
  if (!sawServer) return { ...facts, note: `no TLS 1.2 handshake (${r.error ?? 'refused'}); the server may offer TLS 1.3 only` };
  return { ...facts, requested, refused: requested };
}

/** Probes `host:port` and judges what it saw. Throws ProbeInputError for unreadable --ca/--cert/--key files only. */
export async function probeServer(opts: ProbeOptions): Promise<ProbeReport> {
  const now = opts.now ?? new Date();
  const mode = opts.mode ?? 'sslrequest';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ca = findCa(opts);
  const caPem = ca ? readInput(ca.file, 'CA file') : undefined;
  const cert = opts.certFile ? readInput(opts.certFile, 'client certificate') : undefined;
  const key = opts.keyFile ? readInput(opts.keyFile, 'client key') : undefined;
  if ((cert === undefined) !== (key === undefined)) throw new ProbeInputError('--cert and --key go together');
  const facts: ProbeFacts = { host: opts.host, port: opts.port, mode, chain: [] };
  // libpq sends SNI for host names, never for addresses (sslsni=1).
  const servername = isIpAddress(opts.host) ? undefined : opts.host;
  const plain = await connectPlain(opts.host, opts.port, mode, timeoutMs);
  if ('unreachable' in plain) return judgeProbe({ ...facts, unreachable: plain.unreachable }, now);
  if (mode === 'sslrequest') facts.answer = plain.answer;
  if (plain.extra) facts.extraBytes = plain.extra;
  if (!('sock' in plain)) return judgeProbe(facts, now);

  const withCert = cert !== undefined && key !== undefined;
  const r = await handshake({
    // OpenSSL's chain verdict only: the host name is judged by libpq's rules (certs/probe.ts), not by Node's.
    socket: plain.sock, rejectUnauthorized: false, checkServerIdentity: () => undefined,
    ...(caPem ? { ca: caPem } : {}), ...(withCert ? { cert, key } : {}),
    ...(servername ? { servername } : {}), ...(mode === 'direct' ? { ALPNProtocols: ['postgresql'] } : {}),
  }, timeoutMs);
  if (!r.t) {
    facts.handshake = { ok: false, error: r.error ?? 'failed' };
    if (withCert && opts.user) facts.certAuth = { user: opts.user, database: opts.database ?? opts.user, outcome: 'other', handshakeError: r.error ?? 'failed' };
    return judgeProbe(facts, now);
  }
  const t = r.t;
  facts.handshake = { ok: true, protocol: t.getProtocol() ?? '?', cipher: t.getCipher()?.name ?? '?', ...(mode === 'direct' ? { alpn: t.alpnProtocol ?? false } : {}) };
  if (ca) facts.ca = { ...ca, authorized: t.authorized, ...(t.authorizationError ? { error: String(t.authorizationError) } : {}) };
  const ders = peerChain(t);
  if (withCert && opts.user) {
    const database = opts.database ?? opts.user;
    facts.certAuth = { user: opts.user, database, ...(await startup(t, opts.user, database, timeoutMs)) };
  } else t.destroy();

  facts.clientCert = await clientCertProbe({ host: opts.host, port: opts.port, timeoutMs, mode, ...(servername ? { servername } : {}) });
  const presented = facts.clientCert.presented;
  const crypto = webcrypto as unknown as Crypto;
  const chain: CertificateDescription[] = [];
  for (const der of presented ? ders.slice(0, presented) : ders) {
    try {
      chain.push(...await describeCertificates(new Uint8Array(der), now, crypto));
    } catch {
      break; // a certificate inspect cannot read ends the list; OpenSSL's verdict above still stands
    }
  }
  facts.chain = chain;
  if (caPem && !presented) {
    const inCa = await describeCertificates(caPem.toString('latin1'), now, crypto).catch(() => [] as CertificateDescription[]);
    const prints = new Set(inCa.map(c => c.fingerprintSha256));
    const dup = chain.filter(c => prints.has(c.fingerprintSha256)).map(c => c.fingerprintSha256);
    if (dup.length) facts.inCaFile = dup;
  }
  return judgeProbe(facts, now);
}
