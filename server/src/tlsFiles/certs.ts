/**
 * The certificate policy (the X.509 room's `cert/*` rules) on the certificates of a server's TLS context, in their
 * roles: the `cert` chain the server presents (to its clients when it accepts, to the servers it connects to as a
 * client certificate when it connects; the leaf first), and the `ca` file it verifies the peers' certificates with
 * (Pgpool-II's also verifies its backends). The same problem gets the same rule and severity as in a Kubernetes Secret
 * (the decisions are the X.509 room's); the words say what the product (profile.ts) and its peers then do. Reading the
 * files and the product's own rules (missing, unloadable, encrypted key, permissions) are files.ts's.
 */
import type { Certificate, TlsBackend } from '../core/tlsBackend';
import {
  CERT, allowsPurpose, anchorOf, certLabel, chainPath, ekuName, isCA, keyOfPublicKeyInfo, looksLikeEndEntity, mattersInBundle,
  mistakenForSelfSigned, nameProblem, nameProblemText, notCaReason, validityAt, warningDays, weakKey, weakSignature,
} from '../x509';
import type { TlsFileSetting, TlsFilesContext } from './profile';

/**
 * A certificate file of the context, read: the setting, the resolved path, the path for messages (with the mapping
 * that located it) and its certificates in file order.
 */
export interface CertFile { s: TlsFileSetting; path: string; shown: string; certs: Certificate[] }

type TlsContext = TlsFilesContext;

/** Who verifies the presented chain, and what they refuse. `through`: said of a chain certificate. */
function verifiers(t: TlsContext, through: string, modes: boolean): string {
  return t.profile.direction === 'accept'
    ? `clients that verify the server${through}${modes ? ' (sslmode=verify-ca or verify-full)' : ''}`
    : `servers that verify client certificates${through}${modes ? ' (`cert` logins, `clientcert=verify-ca` or `verify-full`)' : ''}`;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

const STRONG_KEY = 'reissue it with an RSA key of at least 2048 bits or an EC P-256 key';

/** Whether `issuer` issued `cert` by the backend (OpenSSL's `X509_check_issued` and the signature); errors count as no. */
function issuedBy(tls: TlsBackend, cert: Certificate, issuer: Certificate): boolean {
  try {
    return tls.issuedBy(cert.handle, issuer.handle);
  } catch {
    return false;
  }
}

/** A self-signed certificate: OpenSSL never checks its own signature (neither when loading nor when verifying). */
const selfSigned = (tls: TlsBackend, c: Certificate): boolean => c.selfIssued && issuedBy(tls, c, c);

const usages = (eku: readonly string[]): string => eku.map(ekuName).join(', ');

/** When a certificate expires, in words. */
const inDays = (left: number): string => (left < 1 ? 'in less than a day' : `in ${left} day${left === 1 ? '' : 's'}`);

/**
 * The presented chain: the leaf and the certificates after it in the `cert` file. OpenSSL's
 * `SSL_CTX_use_certificate_chain_file` refuses a key or signature below security level 2 ("ee key too small" for the
 * leaf, "ca key too small" for the chain, "ca md too weak"), with the profile's effect (Pgpool-II serves no TLS,
 * PgBouncer does not start or cannot connect); the other problems do not stop the product, but the peers that verify
 * the chain refuse it (clients with sslmode=verify-ca or verify-full, or servers checking client certificates), and
 * Java clients refuse names they cannot parse.
 */
export function checkServedChain(t: TlsContext, f: CertFile): void {
  const tls = t.ctx.env.tls;
  const accept = t.profile.direction === 'accept';
  const path = chainPath(f.certs);
  f.certs.forEach((c, i) => {
    const leaf = i === 0;
    const who = leaf
      ? `The ${accept ? 'server' : 'client'} certificate ${certLabel(c)} in ${f.shown}`
      : `The chain certificate ${certLabel(c)} (certificate ${i + 1} of ${f.certs.length} in ${f.shown})`;
    const make = leaf ? (accept ? '`pgtls cert server`' : '`pgtls cert client`') : '`pgtls cert ca`';
    const weak = weakKey(keyOfPublicKeyInfo(c.publicKey), 'openssl');
    if (weak) {
      t.report(CERT['weak-key'], f.s, `${who} has ${weak.key}, below OpenSSL security level 2 (the default on Debian, Ubuntu and RHEL based images): OpenSSL refuses to load it ("${leaf ? 'ee' : 'ca'} key too small"), so ${t.profile.unusable('cert')}; ${STRONG_KEY} (${make}).`);
    }
    const sig = weakSignature(c.signatureAlgorithm, selfSigned(tls, c), 'openssl');
    if (sig) {
      t.report(CERT['weak-signature'], f.s, `${who} is signed with ${sig.name}, and OpenSSL 3 refuses ${sig.hash} signatures at its default security level: it does not load the certificate ("ca md too weak"), so ${t.profile.unusable('cert')}; have its CA reissue it with SHA-256 (\`openssl x509 -req -sha256 …\`), or make a new one with ${make}.`);
    }
    servedValidity(t, f, c, who, leaf, make, path.has(i));
    servedUsage(t, f, i, who, path.has(i));
  });
}

/**
 * Expired, not yet valid, expiring soon: a served certificate is still served, verifying clients refuse it. A chain
 * certificate off the path (`onPath` false: sent along, never verified) is at most info, like an extra of a CA bundle.
 */
function servedValidity(t: TlsContext, f: CertFile, c: Certificate, who: string, leaf: boolean, make: string, onPath: boolean): void {
  const warnDays = warningDays(t.ctx.settings.expiryWarningDays);
  const v = validityAt(c, t.ctx.env.now(), warnDays);
  const through = leaf ? '' : ' through it';
  const p = t.profile;
  const serves = p.direction === 'accept' ? 'serves' : 'presents';
  const refuse = p.direction === 'accept' ? 'refuse to connect' : 'refuse it';
  if (!onPath) {
    if (v && v.state !== 'valid') {
      const when = v.state === 'expired' ? `expired on ${day(c.notAfter)}` : `is not valid before ${day(c.notBefore)}`;
      t.report(v.state === 'expired' ? CERT.expired : CERT['not-yet-valid'], f.s, `${who} ${when}, but it issued none of the certificates before it, so ${p.direction === 'accept' ? 'clients' : 'servers'} never verify it; remove it from the file.`, { severity: 'info' });
    }
  } else if (v?.state === 'expired') {
    t.report(CERT.expired, f.s, `${who} expired on ${day(c.notAfter)}: ${p.product} still ${serves} it, but ${verifiers(t, through, true)} ${refuse}; renew it (${make}).`);
  } else if (v?.state === 'not-yet-valid') {
    t.report(CERT['not-yet-valid'], f.s, `${who} is not valid before ${day(c.notBefore)}: ${p.product} ${serves} it, but ${verifiers(t, through, false)} ${refuse} until then; check the issuing machine's clock or reissue it.`);
  } else if (v?.expiring) {
    t.report(CERT.expiring, f.s, `${who} expires on ${day(c.notAfter)} (${inDays(v.daysLeft)}; pgtls.expiryWarningDays is ${warnDays}); then ${verifiers(t, through, false)} ${refuse}. Renew it before then (${make}) and ${p.renew('cert')}.`);
  }
}

/**
 * Names (Java parses every certificate sent), and for the certificates a verifying client walks (`onPath`), OpenSSL's
 * self-signed test, extended key usage and CA flags of certificate `i` of the served chain.
 */
function servedUsage(t: TlsContext, f: CertFile, i: number, who: string, onPath: boolean): void {
  const tls = t.ctx.env.tls;
  const c = f.certs[i]!;
  const leaf = i === 0;
  const accept = t.profile.direction === 'accept';
  // The servers a connecting product presents its certificate to are PostgreSQL (OpenSSL): Java never parses it.
  const names = accept ? nameProblem(c) : undefined;
  if (names) {
    const { what, java, also, fix } = nameProblemText(names, c.selfIssued);
    t.report(CERT['empty-name'], f.s, `${who} has ${what}: ${t.profile.product} and libpq (OpenSSL) accept it${also}, but Java's certificate parser refuses it ("${java}"), so pgjdbc and other Java clients fail the TLS handshake whatever their sslmode ("Failed to parse server certificates"); ${fix}.`);
  }
  if (!onPath) return;
  if (mistakenForSelfSigned(c, () => tls.signedBy(c.handle, c.handle))) {
    const error = leaf ? '"self-signed certificate"' : '"self-signed certificate in certificate chain", or "certificate signature failure" when they try the root of the same name';
    t.report(CERT['same-name-as-issuer'], f.s, `${who} has the same name as its issuer ("${c.issuer}") but was signed by another key: OpenSSL takes it for self-signed, so ${verifiers(t, '', true)} refuse it (${error}); give the ${leaf ? 'CA' : 'intermediate CA'} a name of its own (e.g. CN=<name> ${leaf ? 'Root' : 'Intermediate'} CA) and issue ${leaf ? `the ${accept ? 'server' : 'client'} certificate` : 'it'} again (an authorityKeyIdentifier naming the issuer's key, \`authorityKeyIdentifier=keyid\`, also lets OpenSSL tell them apart).`);
  }
  const eku = c.extendedKeyUsage;
  const purpose = accept ? 'serverAuth' : 'clientAuth';
  if (eku && !allowsPurpose(eku, purpose)) {
    t.report(CERT['extended-key-usage'], f.s, `${who} has an extended key usage without ${purpose} (${usages(eku)}): ${verifiers(t, '', true)} require ${purpose} of the ${accept ? 'server' : 'client'} certificate and of every CA above it, so they refuse it ("unsuitable certificate purpose"); reissue it with extendedKeyUsage=${purpose}${leaf ? '' : ' (or without the extension)'}.`);
  }
  if (leaf) {
    const ca = t.files.ca;
    if (accept && ca && ca.value !== '' && c.basicConstraintsCA === true && !c.selfIssued && looksLikeEndEntity(c)) {
      t.report(CERT['ca-flags'], f.s, `${who} is a CA certificate (basicConstraints CA:TRUE) used as the server certificate although a separate CA is given (\`${ca.key}\`): whoever holds its key can issue certificates that every client trusting its CA accepts; reissue it with CA:FALSE.`, { severity: 'warning' });
    }
  } else if (!isCA(c)) {
    t.report(CERT['ca-flags'], f.s, `${who} is the issuer of the certificate before it but is not a CA certificate (${notCaReason(c)}): ${verifiers(t, ' through it', false)} refuse it ("invalid CA certificate"); put the issuing CA certificate there, issued with CA:TRUE and keyCertSign.`);
  }
}

/**
 * The CAs of the `ca` file: OpenSSL verifies every peer certificate (client certificates when the product accepts,
 * and Pgpool-II's backends too; the servers' certificates when it connects) against them, refusing anchors and intermediates below security level 2 ("CA certificate key too
 * weak", "CA signature digest algorithm too weak"), expired or not yet valid ones, certificates that are no CA at
 * all, and CAs whose extended key usage does not allow the role; each makes the `cert` logins of the clients
 * concerned (or the connections to the servers) fail. `served` is the chain of the `cert` file
 * (empty when unusable): a server certificate from another CA is allowed (the file verifies clients, not the server),
 * hence info, as for a Secret whose `ca.crt` is the CA of client certificates. In a file of several CAs, the anchor of
 * the served chain is in use; an expired extra matters only if it issued certificates still in use (info).
 */
export function checkClientCas(t: TlsContext, f: CertFile, served: readonly Certificate[]): void {
  const tls = t.ctx.env.tls;
  const accept = t.profile.direction === 'accept';
  const peer = accept ? 'client' : 'server';
  const anyCa = f.certs.some(isCA);
  if (!anyCa) {
    const only = f.certs.length === 1
      ? `its only certificate ${certLabel(f.certs[0]!)} is not a CA certificate (${notCaReason(f.certs[0]!)})`
      : `none of its ${f.certs.length} certificates is a CA certificate (basicConstraints CA:TRUE)`;
    const fails = accept ? 'every `cert` login fails; point it at the certificate of the CA that issues the client certificates'
      : `${t.profile.product} cannot connect to any server; point it at the certificate of the CA that issued the servers' certificates`;
    t.report(CERT['ca-flags'], f.s, `${f.s.ref}: in ${f.shown} ${only}, so OpenSSL can verify no ${peer} certificate with it and ${fails}.`);
  }
  // Only a served chain has an anchor that matters here; a connecting product's own certificate is not verified with it.
  const anchor = served.length && accept ? anchorOf(served, f.certs, (c, i) => issuedBy(tls, c, i)) : undefined;
  const used = new Set(anchor ? [anchor.fingerprint256] : []);
  for (const c of f.certs) {
    const who = `The CA certificate ${certLabel(c)} in ${f.shown}`;
    const refused = accept ? 'so every client certificate it vouches for is refused and those `cert` logins fail'
      : `so every server certificate it vouches for is refused and ${t.profile.product} cannot connect to those servers`;
    const weak = weakKey(keyOfPublicKeyInfo(c.publicKey), 'openssl');
    if (weak) {
      t.report(CERT['weak-key'], f.s, `${who} has ${weak.key}, below OpenSSL security level 2 (the default on Debian, Ubuntu and RHEL based images): ${t.profile.product} loads it, but OpenSSL refuses it when verifying a ${peer} certificate ("CA certificate key too weak"), ${refused}; ${STRONG_KEY} (\`pgtls cert ca\`) and issue the ${peer} certificates again from it.`);
    }
    const sig = weakSignature(c.signatureAlgorithm, selfSigned(tls, c), 'openssl');
    if (sig) {
      t.report(CERT['weak-signature'], f.s, `${who} is signed with ${sig.name}, and OpenSSL 3 refuses ${sig.hash} signatures at its default security level: verifying a ${peer} certificate through it fails ("CA signature digest algorithm too weak"), ${refused}; have it reissued with SHA-256, or make a new CA with \`pgtls cert ca\`.`);
    }
    caValidity(t, f, c, who, used);
    // The served certificate itself, pinned as its own CA (a self-signed setup), is judged as the served certificate.
    if (c.fingerprint256 !== served[0]?.fingerprint256) caUsage(t, f, c, who, anyCa);
  }
  if (accept && served.length && !anchor) {
    const verifies = t.profile.caAlsoVerifiesBackends ? 'client and backend certificates' : 'client certificates';
    t.report(CERT['not-signed-by-ca'], f.s, `The server certificate ${certLabel(served[0]!)} is not issued by a certificate in ${f.shown}: that file only verifies ${verifies}, so this is allowed, but clients given the same root file (sslrootcert) will not trust ${t.profile.product}; check that both come from the CA you meant.`, { severity: 'info' });
  }
}

/** Validity of one certificate of `ssl_ca_cert`, graded by whether it matters in the file (see `mattersInBundle`). */
function caValidity(t: TlsContext, f: CertFile, c: Certificate, who: string, used: ReadonlySet<string>): void {
  const now = t.ctx.env.now();
  const warnDays = warningDays(t.ctx.settings.expiryWarningDays);
  const v = validityAt(c, now, warnDays);
  if (!v) return;
  const matters = mattersInBundle(f.certs, c, used, now);
  // Pgpool-II verifies client certificates and, with the same file, the backends' certificates.
  const p = t.profile;
  const fails = p.direction === 'connect'
    ? `server certificates it issued fail verification (${p.product} cannot connect to those servers)`
    : `client certificates it issued fail verification (\`cert\` logins are refused)${p.caAlsoVerifiesBackends ? ', and so do backends whose certificates it issued' : ''}${used.has(c.fingerprint256) ? `, and clients verifying ${p.product} with it (it issued the server certificate) refuse to connect` : ''}`;
  const issued = p.direction === 'connect' ? 'server' : p.caAlsoVerifiesBackends ? 'client or backend' : 'client';
  if (v.state !== 'valid' && !matters) {
    const when = v.state === 'expired' ? `expired on ${day(c.notAfter)}` : `is not valid before ${day(c.notBefore)}`;
    const rule = v.state === 'expired' ? CERT.expired : CERT['not-yet-valid'];
    t.report(rule, f.s, `${who} ${when}; OpenSSL uses another CA of the file where one fits, so this matters only if it issued ${issued} certificates still in use (they then fail verification); renew it, or remove it from the file if nothing uses it.`, { severity: 'info' });
  } else if (v.state === 'expired') {
    t.report(CERT.expired, f.s, `${who} expired on ${day(c.notAfter)}, so ${fails}; renew it.`);
  } else if (v.state === 'not-yet-valid') {
    t.report(CERT['not-yet-valid'], f.s, `${who} is not valid before ${day(c.notBefore)}: until then ${fails}; check the clock or reissue it.`);
  } else if (v.expiring && matters) {
    t.report(CERT.expiring, f.s, `${who} expires on ${day(c.notAfter)} (${inDays(v.daysLeft)}; pgtls.expiryWarningDays is ${warnDays}); then ${fails}. Renew it (same key, or issue the certificates again) and ${p.renew('ca')}.`);
  }
}

/** Names, extended key usage and CA flags of one certificate of `ssl_ca_cert`. `anyCa`: a non-CA here is a mere extra. */
function caUsage(t: TlsContext, f: CertFile, c: Certificate, who: string, anyCa: boolean): void {
  const accept = t.profile.direction === 'accept';
  // Java clients load the CA that verifies the server as `sslrootcert`; a connecting product's CAs never reach them.
  const names = accept ? nameProblem(c) : undefined;
  if (names) {
    const { what, java, fix } = nameProblemText(names, c.selfIssued);
    const issued = c.subject === '' ? ', nor client certificates it issued (their issuer name is empty) as `sslcert`' : '';
    t.report(CERT['empty-name'], f.s, `${who} has ${what}: OpenSSL (${t.profile.product}) accepts it, but Java's certificate parser refuses it ("${java}"): pgjdbc cannot load it as \`sslrootcert\`${issued}; ${fix}.`);
  }
  if (!isCA(c)) {
    if (anyCa) t.report(CERT['ca-flags'], f.s, `The certificate ${certLabel(c)} in ${f.shown} is not a CA certificate (${notCaReason(c)}), so OpenSSL verifies nothing with it; the other CAs of the file still work. Remove it, or put the CA that issued it there instead.`, { severity: 'warning' });
    return;
  }
  const eku = c.extendedKeyUsage;
  if (!accept) {
    if (eku && !allowsPurpose(eku, 'serverAuth')) {
      t.report(CERT['extended-key-usage'], f.s, `${who} has an extended key usage without serverAuth (${usages(eku)}): OpenSSL checks it on every CA of a server certificate's chain, so server certificates it issued are refused ("unsuitable certificate purpose") and ${t.profile.product} cannot connect to those servers; make the CA without extendedKeyUsage, or with serverAuth.`);
    }
    return;
  }
  if (eku && !allowsPurpose(eku, 'clientAuth')) {
    const backends = t.profile.caAlsoVerifiesBackends;
    const server = backends && allowsPurpose(eku, 'serverAuth');
    t.report(CERT['extended-key-usage'], f.s, `${who} has an extended key usage without clientAuth (${usages(eku)}): OpenSSL checks it on every CA of a client certificate's chain, so client certificates it issued are refused ("unsuitable certificate purpose") and those \`cert\` logins fail${server ? ' (fine if it is there only to verify the backends\' certificates)' : backends ? '; nor can it verify the backends (no serverAuth either)' : ''}; make the CA without extendedKeyUsage, or with clientAuth${backends ? ' and serverAuth' : ''}.`, server ? { severity: 'warning' } : undefined);
  }
}
