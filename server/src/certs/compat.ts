/**
 * Which key algorithm × certificate role × TLS version × peer setting cannot work, and what makes it work. The
 * generator (CLI and palette) warns from it, and the postgresql.conf / pgpool.conf rules flag a server whose curve
 * setting refuses the client certificates they can see.
 *
 * The one combination known to fail: an ECDSA CLIENT certificate whose curve is not the server's single
 * `ssl_ecdh_curve`, over TLS 1.2. PostgreSQL 15 (be-secure-openssl.c, initialize_ecdh) and Pgpool-II 4.3-4.7
 * (src/utils/pool_ssl.c, initialize_ecdh) pass that one curve to SSL_CTX_set_tmp_ecdh, which in OpenSSL 3 makes it the
 * server's whole group list; in TLS 1.2 OpenSSL then checks the curve of the client's ECDSA key against that list when
 * it reads the CertificateVerify and fails the handshake with "wrong curve" (the client sees "sslv3 alert illegal
 * parameter"). TLS 1.3 does not tie the certificate's curve to the groups. Measured with OpenSSL 3.0 (`openssl
 * s_server -groups prime256v1 -Verify 1` against `s_client -tls1_2` with a P-384 client key) and with PostgreSQL 15
 * and Pgpool-II 4.3.5 (test/interop/certAuthE2E.test.ts). Server certificates of any curve, RSA and Ed25519 keys are
 * not affected; PgBouncer's default `client_tls_ecdhcurve = auto` keeps OpenSSL's default groups.
 *
 * The second: a server certificate SIGNED with Ed25519 (issued by an Ed25519 CA) and a SCRAM login to PostgreSQL from
 * libpq (psql, psycopg2, …). PostgreSQL offers SCRAM-SHA-256-PLUS over TLS and libpq takes it (channel_binding =
 * prefer, its default); the tls-server-end-point binding (RFC 5929) hashes the server certificate with the hash of its
 * signature algorithm, which pure EdDSA does not have, so libpq gives up before authenticating with "could not find
 * digest for NID UNDEF" (fe-secure-openssl.c pgtls_get_peer_certificate_hash; the backend has the same code). The
 * key of the server certificate does not matter: an Ed25519 server key certified by an ECDSA CA works. Measured with
 * PostgreSQL 15 (test/interop/certMatrix.test.ts); users report it on PostgreSQL 16 to 18 too
 * (github.com/alphaonedev/ai-memory-mcp issues 2658 and 3770). Pgpool-II and PgBouncer offer no channel binding;
 * node-postgres and pgjdbc 42.5 do not bind by default.
 */
import { KEY_ALGORITHMS, type KeyAlgorithm } from './algorithms';

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';
export type CompatPeer = 'PostgreSQL' | 'Pgpool-II' | 'PgBouncer';
/** The role the certificate plays in the handshake: `client` for client and replication certificates. */
export type CertRole = 'server' | 'client';

export const COMPAT_PEERS: readonly CompatPeer[] = ['PostgreSQL', 'Pgpool-II', 'PgBouncer'];

/** The curve setting of each peer that accepts clients, its default, and the peer's way to require TLS 1.3. */
export interface PeerCurveSetting {
  setting: string;
  default: string;
  /** The server setting that refuses TLS 1.2 (`undefined`: the product has none). */
  tls13Only?: string;
}

export const PEER_CURVE_SETTINGS: Readonly<Record<CompatPeer, PeerCurveSetting>> = {
  PostgreSQL: { setting: 'ssl_ecdh_curve', default: 'prime256v1', tls13Only: "ssl_min_protocol_version = 'TLSv1.3'" },
  // pgpool-params.tsv: no ssl_min_protocol_version / ssl_max_protocol_version in 4.3-4.7
  'Pgpool-II': { setting: 'ssl_ecdh_curve', default: 'prime256v1' },
  // `auto` keeps OpenSSL's default groups (libusual tls_config); a single curve name would limit them like the others
  PgBouncer: { setting: 'client_tls_ecdhcurve', default: 'auto', tls13Only: 'client_tls_protocols = tlsv1.3' },
};

/** OpenSSL's short name of the curve an algorithm's key is on (`undefined`: not an EC key). */
export function curveOfAlgorithm(algorithm: KeyAlgorithm): string | undefined {
  return algorithm === 'ecdsa-p256' ? 'prime256v1' : algorithm === 'ecdsa-p384' ? 'secp384r1' : undefined;
}

const CURVE_ALIASES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256r1: 'prime256v1' };

/** OpenSSL's short name for a curve given by that name or its NIST name (`P-384` → `secp384r1`). */
export function opensslCurveName(curve: string): string {
  return CURVE_ALIASES[curve] ?? curve;
}

/** Whether a curve setting's value names one EC curve (which then becomes the server's only group). */
export function isSingleCurve(value: string): boolean {
  const v = value.trim();
  return /^(?:prime|secp|sect|brainpoolP|c2[pt]nb)\d/.test(v) && !/[:,\s]/.test(v);
}

/**
 * Whether a TLS 1.2 handshake fails for a client certificate whose key is on `clientCurve` (OpenSSL or NIST name;
 * `undefined` for RSA and EdDSA keys) against a server whose curve setting is `serverCurve`.
 */
export function tls12ClientCurveRefused(clientCurve: string | undefined, serverCurve: string): boolean {
  if (clientCurve === undefined || !isSingleCurve(serverCurve)) return false;
  return opensslCurveName(clientCurve) !== serverCurve.trim();
}

/** One combination that cannot work. */
export interface Incompatibility {
  algorithm: KeyAlgorithm;
  role: CertRole;
  tls: TlsVersion;
  peer: CompatPeer;
  /** The peer's setting and the value that breaks it (`isDefault`: what the peer uses when the setting is absent). */
  setting: string;
  value: string;
  isDefault: boolean;
  /** The login method that fails: a certificate login (`cert`) or a SCRAM password login (`scram`). */
  auth: 'cert' | 'scram';
  /** The clients that fail: every client, or only those built on libpq (psql, psycopg2, …). */
  clients: 'all' | 'libpq';
  /** What happens, as a sentence fragment. */
  reason: string;
  /** The settings or choices that make it work, most direct first. */
  fixes: string[];
}

/**
 * The combinations that cannot work for a certificate of `algorithm` in `role` against each peer, with the peer's
 * curve setting as given in `settings` (absent: its default).
 */
export function incompatibilities(algorithm: KeyAlgorithm, role: CertRole, settings: Partial<Record<CompatPeer, string>> = {}): Incompatibility[] {
  if (role !== 'client') return [];
  const curve = curveOfAlgorithm(algorithm);
  const out: Incompatibility[] = [];
  for (const peer of COMPAT_PEERS) {
    const s = PEER_CURVE_SETTINGS[peer];
    const value = settings[peer] ?? s.default;
    if (!tls12ClientCurveRefused(curve, value)) continue;
    const fixes = [
      ...(s.tls13Only ? [`${s.tls13Only} on ${peer}`] : []),
      `${s.setting} = '${curve}' on ${peer} (then client certificates on any other curve fail over TLS 1.2 instead)`,
      'ssl_min_protocol_version=TLSv1.3 in the client\'s connection string (libpq 13 and later)',
      `a client certificate on ${value} (${value === 'prime256v1' ? '--algorithm ecdsa-p256' : `the server's curve`}) or with an RSA or Ed25519 key`,
    ];
    out.push({
      algorithm, role, tls: 'TLSv1.2', peer, setting: s.setting, value, isDefault: settings[peer] === undefined, auth: 'cert', clients: 'all',
      reason: `${peer} with ${s.setting} = '${value}'${settings[peer] === undefined ? ' (its default)' : ''} refuses a ${curve} client certificate over TLS 1.2 (OpenSSL: "wrong curve"; the client sees "sslv3 alert illegal parameter"); TLS 1.3 works`,
      fixes,
    });
  }
  return out;
}

/** The OIDs of the pure EdDSA signature algorithms (Ed25519, Ed448): no hash, so no tls-server-end-point binding. */
export const EDDSA_SIGNATURE_OIDS: readonly string[] = ['1.3.101.112', '1.3.101.113'];

/**
 * What fails when a server certificate is signed by a CA of `signer`: libpq's SCRAM login to PostgreSQL over either
 * TLS version (see the file comment), or nothing.
 */
export function channelBindingIncompatibilities(signer: KeyAlgorithm): Incompatibility[] {
  if (signer !== 'ed25519') return [];
  return (['TLSv1.2', 'TLSv1.3'] as const).map(tls => ({
    algorithm: signer, role: 'server', tls, peer: 'PostgreSQL', setting: 'channel_binding', value: 'prefer', isDefault: true,
    auth: 'scram', clients: 'libpq',
    reason: 'a server certificate signed by an Ed25519 CA makes SCRAM password logins to PostgreSQL from libpq clients '
      + '(psql, psycopg2, …) fail before authentication with "could not find digest for NID UNDEF": libpq takes SCRAM '
      + 'channel binding (channel_binding = prefer, its default), which needs a hash of the certificate\'s signature '
      + 'algorithm, and Ed25519 has none; certificate logins, Pgpool-II and PgBouncer are not affected',
    fixes: [
      'a CA of another algorithm (pgtls cert ca --algorithm ecdsa-p256, then pgtls cert server --algorithm ed25519 '
        + '--ca-cert ca.crt --ca-key ca.key: the server key may stay Ed25519)',
      'channel_binding=disable in the libpq clients\' connection strings (this gives up the protection channel binding offers)',
      'certificate authentication (cert) instead of scram-sha-256 for these clients',
    ],
  }));
}

/** Whether a certificate's signature algorithm (its OID, or OpenSSL's name ED25519 / ED448) is pure EdDSA. */
export function isEddsaSignature(signatureAlgorithm: string): boolean {
  return EDDSA_SIGNATURE_OIDS.includes(signatureAlgorithm) || /^ed(25519|448)$/i.test(signatureAlgorithm);
}

/**
 * The one wording of the channel-binding problem for a server certificate already signed with EdDSA (the configuration
 * rules and `pgtls probe` say it alike): what fails, for whom, and the fixes, most direct first.
 */
export function channelBindingProblem(): { reason: string; fixes: string[] } {
  const i = channelBindingIncompatibilities('ed25519')[0]!;
  return {
    reason: 'SCRAM password logins to PostgreSQL from libpq clients (psql, psycopg2, …; channel_binding = prefer is '
      + 'libpq\'s default) fail before authentication with "could not find digest for NID UNDEF": PostgreSQL offers '
      + 'SCRAM-SHA-256-PLUS over TLS, and its tls-server-end-point binding needs the hash of the certificate\'s signature '
      + 'algorithm, which EdDSA does not have; certificate logins, clients that do not bind (node-postgres, pgjdbc), '
      + 'Pgpool-II and PgBouncer are not affected',
    fixes: [
      're-issue the server certificate from a CA of another algorithm (e.g. pgtls cert ca --algorithm ecdsa-p256, then '
        + 'pgtls cert server --ca-cert ca.crt --ca-key ca.key: the server key may stay Ed25519)',
      `set ${i.fixes[1]!}`,
      `use ${i.fixes[2]!}`,
    ],
  };
}

/** Every combination that cannot work with the peers' default settings (a `cert set` of each algorithm). */
export const DEFAULT_INCOMPATIBILITIES: readonly Incompatibility[] = KEY_ALGORITHMS.flatMap(a => [
  ...(['server', 'client'] as const).flatMap(r => incompatibilities(a, r)),
  ...channelBindingIncompatibilities(a),
]);

/**
 * The generator's warnings for a set whose certificates of `roles` use `algorithm`; `eddsaSigned`: whether the
 * server certificate carries an EdDSA signature (its CA's algorithm; by default the set's own, as in `cert set`).
 * One line per peer and problem, or none.
 */
export function compatWarnings(algorithm: KeyAlgorithm, roles: readonly CertRole[], eddsaSigned = algorithm === 'ed25519'): string[] {
  const seen = new Set<CertRole>(roles);
  const curves = [...seen].flatMap(role => incompatibilities(algorithm, role)).map(i =>
    `${i.algorithm} ${i.role} certificate: ${i.reason}. To make it work, set ${i.fixes.slice(0, -1).join('; or ')}; or use ${i.fixes[i.fixes.length - 1]}.`);
  // one warning for both TLS versions
  const binding = seen.has('server') && eddsaSigned ? channelBindingIncompatibilities('ed25519').slice(0, 1) : [];
  return [...curves, ...binding.map(i => `server certificate: ${i.reason}. To make it work, use ${i.fixes.join('; or ')}.`)];
}

/** The handshake roles of the certificates a command wrote, from their descriptions ("client certificate" …). */
export function rolesOfFiles(roles: readonly (string | undefined)[]): CertRole[] {
  const out = new Set<CertRole>();
  for (const r of roles) {
    if (r === 'client certificate' || r === 'replication certificate') out.add('client');
    else if (r === 'server certificate') out.add('server');
  }
  return [...out];
}
