/**
 * pgpool.conf's TLS files (`ssl_cert`, `ssl_key`, `ssl_ca_cert`, `ssl_crl_file`) as `SSL_ServerSide_init` loads them,
 * checked by the shared server-TLS-file checks (tlsFiles/) with Pgpool-II's profile: every file it cannot use is only
 * a WARNING in its log, after which SSL is off for every client; its key permission rule is PostgreSQL's, but only a
 * WARNING; `ssl_ca_cert` also verifies the backends. Paths are resolved like `pool_ssl_make_absolute_path`: absolute
 * as written, else against pgpool.conf's folder.
 */
import { type FileFacts, type Failure, type FileRole, type ServerTlsProfile, checkServerTlsFiles } from '../../../../tlsFiles';
import { TLS } from '../../rules';
import { OFF, type TlsContext, keyRef, spanOf } from './context';

/** Pgpool-II's log text for a file it could not find, per role. */
const LOAD_MESSAGE: Record<FileRole, string> = {
  cert: 'could not load server certificate file',
  key: 'could not access private key file',
  ca: 'could not load root certificate file',
  crl: 'could not load SSL certificate revocation list file',
};

/** Pgpool-II's log text per failure (pool_ssl.c, seen with Pgpool-II 4.3.5). */
const LOG: Partial<Record<Failure, string>> = {
  'cert-invalid': 'could not load server certificate file',
  'key-invalid': 'could not load private key file',
  'key-encrypted': 'private key file … cannot be reloaded because it requires a passphrase',
  'key-mismatch': 'could not load private key file … key values mismatch',
  'key-type-mismatch': 'check of private key failed: no certificate assigned',
  'ca-invalid': 'could not load root certificate file',
  'crl-invalid': 'could not load SSL certificate revocation list file',
};

/** Pgpool-II's profile for the shared checks; `passphrase` says whether `ssl_passphrase_command` is set. */
function pgpoolProfile(passphrase: boolean): ServerTlsProfile {
  return {
    product: 'Pgpool-II',
    direction: 'accept',
    rules: {
      missing: TLS['ssl-file-missing'], certInvalid: TLS['ssl-cert-invalid'], keyInvalid: TLS['ssl-key-invalid'],
      keyEncrypted: TLS['ssl-key-encrypted'], keyPermissions: TLS['ssl-key-permissions'],
    },
    unusable: (_role, log) => (log === undefined ? OFF : `${OFF} ("${log}")`),
    log: (role, failure) => (failure === 'missing' ? LOAD_MESSAGE[role] : LOG[failure] ?? LOAD_MESSAGE[role]),
    relativeHint: ' (a relative path starts at pgpool.conf\'s folder)',
    encrypted: () => (passphrase ? undefined : {
      why: ' and `ssl_passphrase_command` is not set',
      fix: 'set `ssl_passphrase_command` or store the key decrypted with mode 0600',
    }),
    keyPermissions: 'postgres',
    permissionEffect: 'Pgpool-II logs a WARNING at start ("private key file … has group or world access") but still loads the key',
    renew: role => (role === 'cert' ? 'restart Pgpool-II (ssl_cert is read only at start)' : 'restart Pgpool-II'),
    caAlsoVerifiesBackends: true,
  };
}

const ROLES: Record<FileRole, string> = { cert: 'ssl_cert', key: 'ssl_key', ca: 'ssl_ca_cert', crl: 'ssl_crl_file' };

export function checkTlsFiles(t: TlsContext): FileFacts {
  const cmd = t.get('ssl_passphrase_command');
  const files: Parameters<typeof checkServerTlsFiles>[0]['files'] = {};
  for (const [role, key] of Object.entries(ROLES) as [FileRole, string][]) {
    const s = t.get(key);
    if (s) files[role] = { key, value: s.a.value, span: spanOf(s), ref: keyRef(s) };
  }
  return checkServerTlsFiles({
    ctx: t.ctx, configPath: t.doc.path, baseDir: t.confDir, profile: pgpoolProfile(!!cmd && cmd.a.value !== ''), files,
    report: (rule, at, message, extra) => t.ctx.report(rule, at.span, message, extra),
  });
}
