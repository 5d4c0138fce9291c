/**
 * The node-postgres client of the interop matrix (certMatrix.test.ts), in-process: one `pg` Client per job with
 * verify-full semantics (ca + rejectUnauthorized + the server name checked by node's checkServerIdentity), the TLS
 * version pinned by tls minVersion/maxVersion, and the negotiated version read from the client's own TLS socket.
 */
import * as fs from 'node:fs';
import type * as tls from 'node:tls';
import { Client } from 'pg';

export interface ClientJob {
  id: string;
  host: string;
  /** The name the certificate must carry (libpq's `host` for verify-full). */
  serverName: string;
  port: number;
  user: string;
  password?: string;
  tls: 'TLSv1.2' | 'TLSv1.3';
  ca: string;
  cert?: string;
  key?: string;
}

/** What a client reports for one job (one JSON line of the Python and Java clients has the same shape). */
export interface ClientOutcome {
  id: string;
  ok: boolean;
  /** The TLS version the client itself reports for the connection. */
  protocol?: string;
  user?: string;
  /** pg_stat_ssl.version of the backend the session reached ('' when that backend leg is not TLS). */
  serverVersion?: string;
  clientDn?: string;
  error?: string;
}

const QUERY = "SELECT current_user AS u, coalesce(s.version, '') AS v, coalesce(s.client_dn, '') AS dn FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()";

export async function nodePgConnect(job: ClientJob): Promise<ClientOutcome> {
  const client = new Client({
    host: job.host, port: job.port, user: job.user, database: 'postgres', connectionTimeoutMillis: 10_000,
    ...(job.password !== undefined ? { password: job.password } : {}),
    ssl: {
      rejectUnauthorized: true, servername: job.serverName, minVersion: job.tls, maxVersion: job.tls,
      ca: fs.readFileSync(job.ca, 'utf8'),
      ...(job.cert && job.key ? { cert: fs.readFileSync(job.cert, 'utf8'), key: fs.readFileSync(job.key, 'utf8') } : {}),
    },
  });
  client.on('error', () => { /* a late socket error after a refusal: the outcome is already known */ });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    return { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  try {
    const stream = (client as unknown as { connection: { stream: tls.TLSSocket } }).connection.stream;
    const protocol = typeof stream.getProtocol === 'function' ? stream.getProtocol() ?? '' : '';
    const row = (await client.query<{ u: string; v: string; dn: string }>(QUERY)).rows[0];
    return { id: job.id, ok: true, protocol, user: row?.u, serverVersion: row?.v, clientDn: row?.dn };
  } catch (e) {
    return { id: job.id, ok: false, error: `after connecting: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
