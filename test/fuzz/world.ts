/**
 * The fuzz suite's small world: real certificates and keys made once per run (a CA set on P-256, one on Ed25519, one
 * whose leaves have expired), and a temporary folder that holds them beside a pgpool.conf, a postgresql.conf and a
 * pgbouncer.ini, so that documents placed there exercise the TLS file checks and the cross-file rules on real files.
 * Documents placed under a folder that does not exist read nothing from the disk. The keys are made anew on each
 * run (never committed); the clock of the environment is fixed for the run, so validation is a function of the text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSet } from '../../server/src/certs/generate';
import { fastCrypto } from '../../server/src/node/fastCrypto';

export interface World {
  /** The temporary folder (absolute). */
  dir: string;
  /** A folder that does not exist. */
  absent: string;
  /** The clock of every environment of the run. */
  now: Date;
  certs: string[];
  keys: string[];
  cleanup(): void;
}

/** A PEM block with its base64 body damaged at one place. */
export function damagedPem(pem: string, at: number): string {
  const lines = pem.split('\n');
  const body = lines.findIndex((l, i) => i > 0 && !l.startsWith('-----'));
  if (body < 0) return pem;
  const l = lines[body]!;
  const i = at % Math.max(1, l.length);
  lines[body] = l.slice(0, i) + (l[i] === 'A' ? 'B' : 'A') + l.slice(i + 1);
  return lines.join('\n');
}

export async function makeWorld(): Promise<World> {
  const now = new Date();
  const crypto = fastCrypto();
  const day = 86_400_000;
  const [a, ed, old] = await Promise.all([
    generateSet({ now, crypto, serverName: 'db.example', sans: ['127.0.0.1', 'c1', 'c1-repl'], clientUser: 'postgres' }),
    generateSet({ now, crypto, serverName: 'pgpool', clientUser: 'alice', algorithm: 'ed25519' }),
    generateSet({ now: new Date(now.getTime() - 500 * day), crypto, serverName: 'old.example', clientUser: 'bob' }),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-fuzz-'));
  const files: Record<string, string> = {
    'ca.crt': a['ca.crt'], 'ca.key': a['ca.key'], 'server.crt': a['server.crt'], 'server.key': a['server.key'], 'client.crt': a['client.crt'], 'client.key': a['client.key'],
    'ed.crt': ed['server.crt'], 'ed.key': ed['server.key'], 'old.crt': old['server.crt'], 'old.key': old['server.key'],
    'bad.crt': damagedPem(a['server.crt'], 17), 'empty.crt': '',
    'extra.conf': "ssl = on\nport = 5433\nssl_cert_file = 'server.crt'\n",
    'userlist.txt': '"alice" "md5e8a48653851e28c69d0506508fb27fc5"\n"pgbouncer" "secret"\n',
    'pool_passwd': 'alice:TEXTsecret\nbob:md5e8a48653851e28c69d0506508fb27fc5\n',
    'pgpool.conf': "ssl = on\nssl_cert = 'server.crt'\nssl_key = 'server.key'\nssl_ca_cert = 'ca.crt'\nenable_pool_hba = on\npool_passwd = 'pool_passwd'\n",
    'postgresql.conf': "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = 'ca.crt'\npassword_encryption = md5\n",
    'pgbouncer.ini': '[databases]\n* = host=127.0.0.1\n[pgbouncer]\nauth_type = hba\nauth_file = userlist.txt\nauth_hba_file = pgbouncer_hba.conf\nclient_tls_sslmode = require\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt\n',
    'pg_ident.conf': 'certs /^(.*)$ \\1\n',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
  return {
    dir, absent: path.join(dir, 'absent-folder'), now,
    certs: [a['ca.crt'], a['server.crt'], a['client.crt'], ed['server.crt'], old['server.crt'], ed['ca.crt']],
    keys: [a['server.key'], a['ca.key'], ed['server.key'], old['server.key']],
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
