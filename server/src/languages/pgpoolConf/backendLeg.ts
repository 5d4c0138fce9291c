/**
 * The leg from Pgpool-II to its PostgreSQL backends, as a pgpool.conf (with its includes) configures it: whether
 * pgpool asks the backends for TLS (`ssl`, which serves both legs), with which CA it verifies them, and where the
 * backends are (`backend_hostnameN`: a path starting with `/` is a Unix-socket folder, anything else a TCP host).
 * Read by the pgpool.conf backend checks and, through index.ts, by the pg_hba.conf rules about connections that come
 * from pgpool. Facts: reference/pgpool.md §3.4 (pool_ssl.c `init_ssl_ctx`, pool_connection_pool.c `create_cp`).
 */
import { lastSetting, settingBool, type Setting } from './effective';

/** One backend named by `backend_hostnameN`. */
export interface BackendHost {
  index: number;
  /** The value as pgpool reads it. */
  host: string;
  setting: Setting;
}

export interface BackendLeg {
  /** `ssl`: pgpool sends an SSLRequest on every TCP backend connection (and carries on in plain text on 'N'). */
  ssl: { value: boolean; at?: Setting };
  /** A non-empty `ssl_ca_cert`: the backends' certificate chains are verified against it. */
  caCert?: Setting;
  /** A non-empty `ssl_ca_cert_dir`: verification as well (hashed CA folder). */
  caCertDir?: Setting;
  /** Backends reached over TCP (the only ones TLS applies to). */
  tcp: BackendHost[];
  /** Backends reached through a Unix-socket folder. */
  sockets: BackendHost[];
}

const nonEmpty = (s: Setting | undefined): Setting | undefined => (s && s.a.value.trim() !== '' ? s : undefined);

/** The backend leg of a pgpool.conf's effective settings (see `effectiveSettings`). */
export function backendLeg(all: readonly Setting[]): BackendLeg {
  const hosts = new Map<number, Setting>();
  for (const s of all) {
    if (s.a.name === 'backend_hostname' && s.a.index !== undefined && !s.a.recovered && !s.a.missingValue) hosts.set(s.a.index, s);
  }
  const tcp: BackendHost[] = [];
  const sockets: BackendHost[] = [];
  for (const [index, setting] of [...hosts].sort((x, y) => x[0] - y[0])) {
    const host = setting.a.value.trim();
    if (host === '') continue;
    (host.startsWith('/') ? sockets : tcp).push({ index, host, setting });
  }
  const leg: BackendLeg = { ssl: settingBool(all, 'ssl', false), tcp, sockets };
  const ca = nonEmpty(lastSetting(all, 'ssl_ca_cert'));
  const dir = nonEmpty(lastSetting(all, 'ssl_ca_cert_dir'));
  if (ca) leg.caCert = ca;
  if (dir) leg.caCertDir = dir;
  return leg;
}

/** Whether a backend host name or address is this machine's loopback (pgpool then connects from 127.0.0.1 or ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
