/**
 * `pgtls probe HOST[:PORT]`: asks a running PostgreSQL, Pgpool-II or PgBouncer for TLS as libpq does and reports what
 * it presents (node/probe.ts does the talking, certs/probe.ts the judging). Loads neither the check machinery nor the
 * certificate generator.
 *
 *   pgtls probe HOST[:PORT] [--direct] [--ca FILE] [--cert FILE --key FILE --user NAME [--database D]]
 *               [--timeout SECONDS] [--format text|json]
 *
 * Exit codes: 0 nothing wrong; 1 problems found (TLS refused, handshake failed, the chain does not verify, the name
 * does not match, the certificate expired or is not yet valid, certificate authentication refused or not used);
 * 2 bad usage, an unreadable file, or the server could not be reached.
 */
import { ProbeInputError, probeJson, probeServer, probeTarget, renderProbeText } from '../node/probe';
import { UsageError, choiceFlag, intFlag, one, parseArgs, type CliIo } from './args';

export const PROBE_HELP = `  pgtls probe HOST[:PORT] [--direct] [--ca FILE] [--cert FILE --key FILE --user NAME [--database D]]
              [--timeout SECONDS] [--format text|json]
                                    ask a running server for TLS as libpq does (SSLRequest; --direct: PostgreSQL 17's
                                    direct TLS) and report protocol, cipher, the chain, verification against the CA
                                    (--ca, else ./ca.crt, ./root.crt or ~/.postgresql/root.crt), libpq's verify-full
                                    name check, expiry, whether a client certificate is requested or required, and
                                    with --cert/--key/--user whether certificate authentication works.
                                    Exit: 0 fine, 1 problems found, 2 bad usage or unreachable.
`;

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address; the port defaults to 5432. */
export function parseTarget(s: string): { host: string; port: number } {
  const t = probeTarget(s);
  if (!t) throw new UsageError(`probe needs HOST[:PORT] with a port from 1 to 65535, not "${s}"`);
  return t;
}

export async function runProbe(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage:\n${PROBE_HELP}`);
    return 0;
  }
  const p = parseArgs(args, {
    flags: { direct: 'bool', ca: 'string', cert: 'string', key: 'string', user: 'string', database: 'string', timeout: 'string', format: 'string' },
    positional: true, command: 'probe',
  });
  if (p.positional.length !== 1) throw new UsageError('probe needs one HOST[:PORT]');
  const target = parseTarget(p.positional[0]!);
  const format = choiceFlag(p, 'format', ['text', 'json'] as const) ?? 'text';
  const timeout = intFlag(p, 'timeout', 1, 600) ?? 10;
  const cert = one(p, 'cert'), key = one(p, 'key'), user = one(p, 'user'), database = one(p, 'database');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together');
  if (user !== undefined && cert === undefined) throw new UsageError('--user is for certificate authentication: give --cert and --key too');
  if (database !== undefined && user === undefined) throw new UsageError('--database needs --user');
  let report;
  try {
    report = await probeServer({
      ...target, mode: p.bools.has('direct') ? 'direct' : 'sslrequest', timeoutMs: timeout * 1000,
      ...(one(p, 'ca') !== undefined ? { caFile: one(p, 'ca')! } : {}),
      ...(cert !== undefined ? { certFile: cert, keyFile: key! } : {}),
      ...(user !== undefined ? { user } : {}), ...(database !== undefined ? { database } : {}),
    });
  } catch (e) {
    if (e instanceof ProbeInputError) throw new UsageError(e.message);
    throw e;
  }
  if (format === 'json') io.out(JSON.stringify(probeJson(report), null, 2) + '\n');
  else io.out(renderProbeText(report));
  if (report.exitCode === 2) io.err(`pgtls: ${report.findings[0]?.message ?? 'unreachable'}\n`);
  return report.exitCode;
}
