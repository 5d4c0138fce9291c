/**
 * The cert-manager webhook's rules on a Certificate spec that JSON Schema cannot state, or that our schema may not
 * state (the drift check allows no bound the CRD lacks): C1, C3 to C7, C10 to C12 (C1 and C5 also on a Pgpool's
 * `tls.certificates[]`, which KubeDB copies into its Certificates); and on an Issuer or ClusterIssuer spec: I1 to I4.
 * With the value syntaxes they need (Secret names, IP and e-mail addresses, cron expressions, time zones). The module
 * that runs them is certManager.ts.
 */
import type { Fix, Span } from '../../../core/types';
// An IP address as the webhook's Go `net.ParseIP` reads it: a dotted quad without leading zeros or IPv6 without a zone
// (no CIDR). That is the same text the X.509 room calls an address when it matches host names, so its test serves both.
import { isIpAddress } from '../../../x509';
import type { Resource } from '../model';
import { CERT_MANAGER } from '../rules';
import type { DocumentContext } from './types';
import { firstLine, get, goDuration, isObj, spanAt, str } from './util';

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_CN = 64;

/** A DNS subdomain as Kubernetes names (Secrets) must be: at most 253 characters. */
export const isDnsSubdomain = (s: string): boolean => s.length > 0 && s.length <= 253 && DNS_SUBDOMAIN.test(s);

/** A bare e-mail address (`user@example.com`), as Go's `mail.ParseAddress` returns it unchanged: no display name, no brackets. */
export const isBareEmail = (s: string): boolean => /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/.test(s)
  && !s.startsWith('.') && !s.includes('..') && !/\.@/.test(s);

/** A cron expression as robfig/cron's standard parser takes it: five fields or a descriptor, optionally after `CRON_TZ=`/`TZ=`. */
function isCron(s: string): boolean {
  const t = s.trim().replace(/^(CRON_TZ|TZ)=\S+\s+/, '');
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(t)) return true;
  if (/^@every\s+\S+$/.test(t)) return goDuration(t.slice(6).trim()) !== undefined;
  const fields = t.split(/\s+/);
  const atom = '(\\*|\\?|\\d+|[A-Za-z]{3})';
  const field = new RegExp(`^${atom}([-/,]${atom})*$`);
  return fields.length === 5 && fields.every(f => field.test(f));
}

/** An IANA time zone name the platform knows (`UTC`, `Europe/Berlin`), or `Local`/`UTC`, which Go's time.LoadLocation accepts too. */
function isTimeZone(s: string): boolean {
  if (s === 'Local' || s === 'UTC') return true;
  if (s === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

/** A fix that replaces the value at `span` (a plain scalar the replacement needs no quotes for). */
const valueFix = (span: Span, newText: string, title: string): Fix => ({ title, edits: [{ span, newText }] });

/**
 * Findings per list or map are capped: a generated manifest with thousands of bad entries gets the first ones, and a
 * lookup of each entry's span (linear in the map's size) cannot add up to quadratic time.
 */
const MAX_PER_FIELD = 100;
const budget = (): (() => boolean) => { let n = 0; return () => n++ < MAX_PER_FIELD; };

const nonEmptyList = (x: unknown): boolean => Array.isArray(x) && x.length > 0;
const present = (x: unknown): boolean => x !== undefined && x !== null;

const SIGNATURES: Record<string, string[]> = {
  RSA: ['SHA256WithRSA', 'SHA384WithRSA', 'SHA512WithRSA'],
  ECDSA: ['ECDSAWithSHA256', 'ECDSAWithSHA384', 'ECDSAWithSHA512'],
  Ed25519: ['PureEd25519'],
};

/**
 * C1 and C5 on a certificate spec at `base`: a cert-manager Certificate, or a KubeDB Pgpool `tls.certificates[]` entry,
 * whose secretName and SANs KubeDB copies into the Certificate it creates.
 */
export function checkSecretNameAndSans(r: Resource, base: (string | number)[], spec: Record<string, unknown>, ctx: DocumentContext, kubedb = false): void {
  const S = (...p: (string | number)[]) => [...base, ...p];
  const rejected = kubedb ? 'the cert-manager webhook rejects the Certificate KubeDB creates from this entry' : 'the cert-manager webhook rejects the Certificate';
  // C1: the Secret name.
  const secretName = str(spec.secretName);
  // KubeDB fills an empty secretName with `<name>-<alias>-cert` (D3).
  if (secretName !== undefined && !(kubedb && secretName === '') && !isDnsSubdomain(secretName)) {
    ctx.report(CERT_MANAGER['secret-name'], spanAt(r, S('secretName')),
      `\`secretName: ${JSON.stringify(secretName)}\` is not a valid Secret name: ${rejected}. Use lower-case letters, digits, \`-\` and \`.\` (starting and ending with a letter or digit, at most 253 characters), e.g. \`${(secretName.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'my-cert')}\`.`);
  }

  // C5: SAN entries.
  const ips = spec.ipAddresses;
  if (Array.isArray(ips)) {
    const more = budget();
    ips.forEach((ip, i) => {
      if (typeof ip !== 'string' || isIpAddress(ip) || !more()) return;
      const hint = /\/\d+$/.test(ip) ? ' (a CIDR range is not an address)' : /[a-z]/i.test(ip) && !ip.includes(':') ? ' (put host names in `dnsNames`)' : '';
      ctx.report(CERT_MANAGER['invalid-san'], spanAt(r, S('ipAddresses', i)),
        `\`${ip}\` is not an IP address${hint}: ${rejected}. Write a literal IPv4 or IPv6 address such as \`10.0.0.1\` or \`::1\`.`);
    });
  }
  const mails = spec.emailAddresses;
  if (Array.isArray(mails)) {
    const more = budget();
    mails.forEach((m, i) => {
      if (typeof m !== 'string' || isBareEmail(m) || !more()) return;
      const bare = /<([^<>]+)>/.exec(m)?.[1]?.trim();
      const at = spanAt(r, S('emailAddresses', i));
      const fix = bare && isBareEmail(bare) ? valueFix(at, bare, `Keep only the address ${bare}`) : undefined;
      ctx.report(CERT_MANAGER['invalid-san'], at,
        `\`${m}\` is not a bare e-mail address: ${rejected}. Write only the address${bare ? `, \`${bare}\`` : ' (`user@example.com`)'}, without a display name or brackets.`,
        fix ? { fixes: [fix] } : undefined);
    });
  }
  const others = spec.otherNames;
  if (Array.isArray(others)) {
    const more = budget();
    others.forEach((o, i) => {
      if (!isObj(o)) return;
      const lacking = ['oid', 'utf8Value'].filter(k => !str(o[k]));
      if (!lacking.length || !more()) return;
      const has = ['oid', 'utf8Value'].find(k => k in o);
      ctx.report(CERT_MANAGER['invalid-san'], has ? spanAt(r, S('otherNames', i, has), 'key') : firstLine(r, spanAt(r, S('otherNames', i))),
        `This \`otherNames\` entry has no ${lacking.map(k => `\`${k}\``).join(' and ')}: the cert-manager webhook needs both the OID and the UTF-8 value. Add ${lacking.length > 1 ? 'them' : 'it'}.`);
    });
  }

}

/** A data path under a Certificate's `spec`. */
const inSpec = (...p: (string | number)[]): (string | number)[] => ['spec', ...p];

/** The webhook rules of a Certificate spec that are not in the schema (C1, C3 to C7, C10 to C12). */
export function checkCertificateSpec(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  checkSecretNameAndSans(r, ['spec'], spec, ctx);
  checkSubject(r, spec, ctx);
  checkKey(r, spec, ctx);
  checkRevisionsAndTemplate(r, spec, ctx);
  checkOutputs(r, spec, ctx);
  checkRenewal(r, spec, ctx);
}

/** C4: commonName length and literalSubject exclusions; C3: at least one identity. */
function checkSubject(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const cn = str(spec.commonName);
  const literal = str(spec.literalSubject);
  if (cn !== undefined && cn.length > MAX_CN) {
    ctx.report(CERT_MANAGER['common-name'], spanAt(r, inSpec('commonName')),
      `\`commonName\` has ${cn.length} characters; cert-manager rejects a CN over 64 (the X.509 upper bound). Shorten it and put the full host name in \`dnsNames\`, which clients check anyway.`);
  }
  if (literal) {
    if (cn) {
      ctx.report(CERT_MANAGER['common-name'], spanAt(r, inSpec('commonName'), 'key'),
        '`commonName` cannot be combined with `literalSubject`: the cert-manager webhook rejects the Certificate. Put the CN into `literalSubject` (e.g. `CN=app,O=example`) and remove `commonName`.');
    }
    const subject = spec.subject;
    if (isObj(subject) && Object.values(subject).some(v => (Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v !== ''))) {
      ctx.report(CERT_MANAGER['common-name'], spanAt(r, inSpec('subject'), 'key'),
        '`subject` cannot be combined with `literalSubject`: the cert-manager webhook rejects the Certificate. Write every attribute into `literalSubject` and remove `subject`.');
    }
  }

  // C3: at least one identity.
  const literalCn = literal !== undefined && /(^|,)\s*(CN|2\.5\.4\.3)\s*=/i.test(literal);
  const identity = !!cn || literalCn || ['dnsNames', 'ipAddresses', 'uris', 'emailAddresses', 'otherNames'].some(k => nonEmptyList(spec[k]));
  if (!identity) {
    ctx.report(CERT_MANAGER['no-identity'], spanAt(r, ['spec'], 'key'),
      'This Certificate names no identity: the cert-manager webhook requires at least one of `commonName`, `dnsNames`, `ipAddresses`, `uris`, `emailAddresses` or `otherNames`. Add the host names clients connect to under `dnsNames` (e.g. `<service>.<namespace>.svc`).');
  }
}

/** C6, C7: key size and signature algorithm for the key algorithm (default RSA). */
function checkKey(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const pk = isObj(spec.privateKey) ? spec.privateKey : {};
  const algText = str(pk.algorithm);
  const alg = algText === undefined || algText === '' ? 'RSA' : algText;
  const size = pk.size;
  if (typeof size === 'number' && Number.isInteger(size) && size !== 0) {
    if (alg === 'RSA' && (size < 2048 || size > 8192)) {
      const at = spanAt(r, inSpec('privateKey', 'size'));
      const to = size < 2048 ? 2048 : 8192;
      ctx.report(CERT_MANAGER['key-size'], at,
        `\`size: ${size}\` is ${size < 2048 ? 'too small' : 'too large'} for an RSA key${algText ? '' : ' (RSA is the default algorithm)'}: the cert-manager webhook accepts 2048 to 8192 bits and rejects the Certificate. Use \`2048\`, \`3072\` or \`4096\`.`,
        { fixes: [valueFix(at, String(to), `Set size: ${to}`)] });
    } else if (alg === 'ECDSA' && ![256, 384, 521].includes(size)) {
      ctx.report(CERT_MANAGER['key-size'], spanAt(r, inSpec('privateKey', 'size')),
        `\`size: ${size}\` is not an ECDSA curve size: the cert-manager webhook accepts 256 (P-256), 384 (P-384) or 521 (P-521) and rejects the Certificate. Use \`256\` or \`384\`.`);
    }
  }
  const sig = str(spec.signatureAlgorithm);
  const fits = SIGNATURES[alg];
  if (sig && fits && Object.values(SIGNATURES).some(l => l.includes(sig)) && !fits.includes(sig)) {
    const at = spanAt(r, inSpec('signatureAlgorithm'));
    // The same hash with the key's algorithm (Ed25519 has exactly one).
    const hash = /SHA(256|384|512)/.exec(sig)?.[1];
    const to = fits.length === 1 ? fits[0] : hash ? fits.find(f => f.includes(hash)) : undefined;
    ctx.report(CERT_MANAGER['signature-algorithm'], at,
      `\`signatureAlgorithm: ${sig}\` does not fit an ${alg} key${algText ? '' : ' (RSA is the default algorithm)'}: the cert-manager webhook rejects the Certificate. Use ${fits.map(f => `\`${f}\``).join(', ')}, or remove the field to let cert-manager choose.`,
      to ? { fixes: [valueFix(at, to, `Use ${to}`)] } : undefined);
  }
}

/** C10: revision history and the Secret template. */
function checkRevisionsAndTemplate(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const limit = spec.revisionHistoryLimit;
  if (typeof limit === 'number' && limit < 1) {
    ctx.report(CERT_MANAGER['revision-history-limit'], spanAt(r, inSpec('revisionHistoryLimit')),
      `\`revisionHistoryLimit: ${limit}\` is below 1: the cert-manager webhook rejects the Certificate. Use 1 or more, or remove the field to keep every CertificateRequest.`);
  }
  const tpl = spec.secretTemplate;
  if (isObj(tpl)) {
    for (const field of ['annotations', 'labels'] as const) {
      const m = tpl[field];
      if (!isObj(m)) continue;
      const more = budget();
      for (const [k, v] of Object.entries(m)) {
        const at = () => spanAt(r, inSpec('secretTemplate', field, k), 'key');
        if (field === 'annotations' && k.startsWith('cert-manager.io/') && k !== 'cert-manager.io/allow-direct-injection') {
          if (!more()) break;
          ctx.report(CERT_MANAGER['secret-template'], at(),
            `\`${k}\` is reserved: cert-manager writes the \`cert-manager.io/\` annotations of the Secret itself, and its webhook rejects them in \`secretTemplate\` (only \`cert-manager.io/allow-direct-injection\` is allowed). Use an annotation under your own prefix.`);
          continue;
        }
        // A qualified name: an optional DNS-subdomain prefix and `/`, then the name proper.
        const parts = k.split('/');
        const name = parts[parts.length - 1]!;
        const prefix = parts.length === 2 ? parts[0]! : undefined;
        if (parts.length > 2 || !(name.length <= 63 && QUALIFIED_NAME.test(name)) || (prefix !== undefined && !isDnsSubdomain(prefix))) {
          if (!more()) break;
          ctx.report(CERT_MANAGER['secret-template'], at(),
            `\`${k}\` is not a valid ${field === 'labels' ? 'label' : 'annotation'} key: the cert-manager webhook rejects the Certificate. Use an optional DNS-subdomain prefix and \`/\`, then at most 63 letters, digits, \`-\`, \`_\` or \`.\` that start and end with a letter or digit.`);
          continue;
        }
        if (field === 'labels' && typeof v === 'string' && !(v.length <= 63 && LABEL_VALUE.test(v))) {
          if (!more()) break;
          ctx.report(CERT_MANAGER['secret-template'], spanAt(r, inSpec('secretTemplate', field, k)),
            `\`${v}\` is not a valid label value: the cert-manager webhook rejects the Certificate. Use at most 63 letters, digits, \`-\`, \`_\` or \`.\` that start and end with a letter or digit (or an empty string).`);
        }
      }
    }
  }
}

/** C11: name constraints, output formats, keystore passwords. */
function checkOutputs(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const nc = spec.nameConstraints;
  if (isObj(nc)) {
    if (spec.isCA !== true) {
      ctx.report(CERT_MANAGER['name-constraints'], spanAt(r, inSpec('nameConstraints'), 'key'),
        '`nameConstraints` apply only to a CA certificate: the cert-manager webhook rejects them without `isCA: true`. Set `isCA: true` or remove `nameConstraints`.');
    }
    if (!present(nc.permitted) && !present(nc.excluded)) {
      ctx.report(CERT_MANAGER['name-constraints'], spanAt(r, inSpec('nameConstraints'), 'key'),
        '`nameConstraints` has neither `permitted` nor `excluded`: the cert-manager webhook rejects it. Add the permitted (or excluded) DNS domains, IP ranges, e-mail addresses or URI domains.');
    }
  }
  const formats = spec.additionalOutputFormats;
  if (Array.isArray(formats)) {
    const seen = new Set<string>();
    const more = budget();
    formats.forEach((f, i) => {
      const t = str(get(f, ['type']));
      if (t === undefined) return;
      if (seen.has(t) && more()) {
        ctx.report(CERT_MANAGER['output-formats'], spanAt(r, inSpec('additionalOutputFormats', i, 'type')),
          `\`type: ${t}\` is listed twice in \`additionalOutputFormats\`: the cert-manager webhook rejects the Certificate. Remove the duplicate entry.`);
      }
      seen.add(t);
    });
  }
  const stores = spec.keystores;
  if (isObj(stores)) {
    for (const k of ['jks', 'pkcs12']) {
      const ks = stores[k];
      if (!isObj(ks)) continue;
      const pw = ks.password;
      const ref = ks.passwordSecretRef;
      if (present(pw) && present(ref)) {
        ctx.report(CERT_MANAGER['keystore-password'], spanAt(r, inSpec('keystores', k, 'password'), 'key'),
          `The ${k} keystore sets both \`password\` and \`passwordSecretRef\`: the cert-manager webhook rejects the Certificate. Keep one (a Secret reference keeps the password out of the manifest).`);
      } else if (!present(pw) && !present(ref)) {
        ctx.report(CERT_MANAGER['keystore-password'], spanAt(r, inSpec('keystores', k), 'key'),
          `The ${k} keystore has no password: the cert-manager webhook needs exactly one of \`passwordSecretRef\` (a Secret name and key) or \`password\`. Add \`passwordSecretRef: { name: <secret>, key: password }\`.`);
      } else if (pw === '') {
        ctx.report(CERT_MANAGER['keystore-password'], spanAt(r, inSpec('keystores', k, 'password')),
          `The ${k} keystore's literal \`password\` is empty: the cert-manager webhook rejects it. Set a password or use \`passwordSecretRef\`.`);
      }
    }
  }
}

/** C12: renewal windows. */
function checkRenewal(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const renewal = spec.renewal;
  if (isObj(renewal)) {
    const windows = renewal.windows;
    if (renewal.policy === 'Disabled' && nonEmptyList(windows)) {
      ctx.report(CERT_MANAGER['renewal-windows'], spanAt(r, inSpec('renewal', 'windows'), 'key'),
        '`windows` have no meaning with `policy: Disabled` (the certificate is never renewed automatically): the cert-manager webhook rejects the Certificate. Remove `windows` or use `policy: RenewBefore`.');
    }
    if (Array.isArray(windows)) {
      const more = budget();
      windows.forEach((w, i) => {
        if (!isObj(w) || !more()) return;
        const cron = str(w.cron);
        if (cron && !isCron(cron)) {
          ctx.report(CERT_MANAGER['renewal-windows'], spanAt(r, inSpec('renewal', 'windows', i, 'cron')),
            `\`${cron}\` is not a cron expression: the cert-manager webhook rejects the Certificate. Write five fields (minute hour day-of-month month day-of-week), e.g. \`0 2 * * 6\`, or a descriptor such as \`@daily\`.`);
        }
        const tz = str(w.timezone);
        if (tz && !isTimeZone(tz)) {
          ctx.report(CERT_MANAGER['renewal-windows'], spanAt(r, inSpec('renewal', 'windows', i, 'timezone')),
            `\`${tz}\` is not an IANA time zone: the cert-manager webhook rejects the Certificate. Use a name such as \`UTC\` or \`Europe/Berlin\`.`);
        }
      });
    }
  }
}

const ISSUER_TYPES = ['acme', 'ca', 'selfSigned', 'vault', 'venafi'] as const;

/** The webhook rules of an Issuer/ClusterIssuer spec (I1 to I4). */
export function checkIssuerSpec(r: Resource, spec: Record<string, unknown>, ctx: DocumentContext): void {
  const types = ISSUER_TYPES.filter(t => present(spec[t]));
  if (types.length === 0) {
    ctx.report(CERT_MANAGER['issuer-type'], spanAt(r, ['spec'], 'key'),
      `This ${r.kind.kind} configures no issuer type: the cert-manager webhook requires exactly one of ${ISSUER_TYPES.map(t => `\`${t}\``).join(', ')}. For PostgreSQL certificates add \`ca: { secretName: <CA Secret> }\` (or \`selfSigned: {}\` to bootstrap a CA).`);
  } else if (types.length > 1) {
    for (const t of types.slice(1)) {
      ctx.report(CERT_MANAGER['issuer-type'], spanAt(r, ['spec', t], 'key'),
        `\`${t}\` is a second issuer type besides \`${types[0]}\`: the cert-manager webhook rejects an issuer with more than one. Keep one; use a separate ${r.kind.kind} for the other.`);
    }
  }
  const ca = spec.ca;
  if (isObj(ca)) {
    if (ca.secretName === '') {
      ctx.report(CERT_MANAGER['ca-issuer'], spanAt(r, ['spec', 'ca', 'secretName']),
        'An empty `secretName`: the cert-manager webhook rejects the issuer, since a CA issuer signs with the key pair in that Secret. Name the Secret that holds the CA\'s tls.crt and tls.key.');
    }
    for (const f of ['ocspServers', 'issuingCertificateURLs']) {
      const list = ca[f];
      if (!Array.isArray(list)) continue;
      const more = budget();
      list.forEach((u, i) => {
        if (u !== '' || !more()) return;
        ctx.report(CERT_MANAGER['ca-issuer'], spanAt(r, ['spec', 'ca', f, i]),
          `An empty entry in \`${f}\`: the cert-manager webhook rejects the issuer. Remove it or write the URL.`);
      });
    }
  }
  const acme = spec.acme;
  if (isObj(acme)) {
    if (present(acme.caBundle) && acme.skipTLSVerify === true) {
      ctx.report(CERT_MANAGER['issuer-config'], spanAt(r, ['spec', 'acme', 'skipTLSVerify'], 'key'),
        '`skipTLSVerify: true` contradicts `caBundle`: the cert-manager webhook rejects setting both. Keep `caBundle` to verify the ACME server.');
    }
    const solvers = acme.solvers;
    if (Array.isArray(solvers)) {
      const more = budget();
      solvers.forEach((sv, i) => {
        if (!isObj(sv)) return;
        const n = ['http01', 'dns01'].filter(k => present(sv[k])).length;
        if (n === 1 || !more()) return;
        const first = Object.keys(sv)[0];
        const at = n > 1 ? spanAt(r, ['spec', 'acme', 'solvers', i, 'dns01'], 'key')
          : first ? spanAt(r, ['spec', 'acme', 'solvers', i, first], 'key') : firstLine(r, spanAt(r, ['spec', 'acme', 'solvers', i]));
        ctx.report(CERT_MANAGER['issuer-config'], at,
          n === 0
            ? 'This ACME solver has neither `http01` nor `dns01`: the cert-manager webhook rejects it. Add exactly one of them.'
            : 'This ACME solver has both `http01` and `dns01`: the cert-manager webhook rejects it. Split it into two solvers (use `selector` to choose between them).');
      });
    }
  }
  const vault = spec.vault;
  if (isObj(vault)) {
    if (present(vault.caBundle) && present(vault.caBundleSecretRef)) {
      ctx.report(CERT_MANAGER['issuer-config'], spanAt(r, ['spec', 'vault', 'caBundleSecretRef'], 'key'),
        '`caBundleSecretRef` and `caBundle` are mutually exclusive: the cert-manager webhook rejects setting both. Keep one source of the Vault CA.');
    }
    const path = str(vault.path);
    if (path && path.split('/').includes('..')) {
      ctx.report(CERT_MANAGER['issuer-config'], spanAt(r, ['spec', 'vault', 'path']),
        `\`path: ${path}\` contains \`..\`: the cert-manager webhook rejects it. Write the signing path without \`..\` (e.g. \`pki_int/sign/postgres\`).`);
    }
  }
  const venafi = spec.venafi;
  // A CEL rule of the CRD: when a CustomResourceDefinition of the workspace defines the kind (its title then names the
  // CRD), that CRD's own rule is evaluated (schema/cel-rule), so no second report.
  const userCrd = r.kind.title !== r.doc.part.target?.title;
  if (isObj(venafi) && !userCrd) {
    const modes = ['tpp', 'cloud', 'ngts'].filter(k => present(venafi[k]));
    if (modes.length !== 1) {
      ctx.report(CERT_MANAGER['issuer-config'], spanAt(r, ['spec', 'venafi'], 'key'),
        modes.length
          ? `This Venafi issuer configures ${modes.map(k => `\`${k}\``).join(' and ')}: the CRD requires exactly one of \`tpp\`, \`cloud\` or \`ngts\`, so the API server rejects it. Keep one.`
          : 'This Venafi issuer configures no connection: the CRD requires exactly one of `tpp`, `cloud` or `ngts`, so the API server rejects it. Add the one for your Venafi service.');
    }
  }
}
