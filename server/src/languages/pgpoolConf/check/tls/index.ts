/**
 * The TLS checks of pgpool.conf: `ssl = on` and the files and strings it depends on. They follow Pgpool-II's
 * `SSL_ServerSide_init` (src/utils/pool_ssl.c), where every failure is only a WARNING in the log, after which
 * Pgpool-II keeps running and answers 'N' to every client's SSLRequest: SSL is silently off for all clients.
 * File checks (existence, PEM content, key/certificate match, permissions, validity) run only with `checkFiles`
 * (files.ts); the cipher string and the curve are evaluated by ciphers.ts and curves.ts.
 */
import type { ValidateContext } from '../../../../core/language';
import { pathLocator } from '../../../../deploy';
import type { SourceDocument, Span } from '../../../../core/types';
import { didYouMean, listing } from '../../../../core/text';
import { effectiveSettings, lastSetting, settingBool } from '../../effective';
import { type PgpoolConfFile, dirOf } from '../../model';
import { R, TLS } from '../../rules';
import { type ImageView, imageView } from '../image';
import {
  type CipherCatalog, type CipherSuite, allowedAtSecLevel, cipherCatalog, evaluateCipherString, weaknesses,
} from './ciphers';
import { classifyCurve } from './curves';
import { checkTlsFiles } from './files';
import { clientCertsRefusedByCurve } from '../../../../tlsFiles';
import { OFF, type Setting, type TlsContext, code, isAbsolute, keyRef, spanOf } from './context';

/**
 * Runs every TLS rule on a parsed pgpool.conf; nothing is reported unless `ssl` is effectively on. `all` is the file's
 * effective settings, includes expanded (the caller passes them when it has them already).
 */
export function checkTls(
  doc: SourceDocument, file: PgpoolConfFile, ctx: ValidateContext,
  all: readonly Setting[] = effectiveSettings(doc.path, file, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, doc.path) : undefined),
  view: ImageView = imageView(all, undefined),
): void {
  const ssl = settingBool(all, 'ssl', false);
  if (!ssl.value || !ssl.at) return;
  const sslSetting = ssl.at;

  const t: TlsContext = {
    doc, file, ctx,
    confDir: dirOf(file.path),
    // A setting the image appends after the file overrides the file's own (pgpool/pgpool: ssl_cert, ssl_key): the
    // file's value is never used, and the image's is a path in the container (a file that already says the same, such as
    // one captured from a running pod, is read as it is).
    get: key => {
      const own = lastSetting(all, key);
      const v = view.get(key);
      return v?.image !== 'after' || own?.a.value === v.value ? own : undefined;
    },
    report(rule, at, message, extra) {
      ctx.report(rule, Array.isArray(at) ? at as Span : spanOf(at as Setting), message, extra);
    },
  };
  const sslSpan: Span = sslSetting.via ? spanOf(sslSetting) : [sslSetting.a.keySpan[0], Math.max(sslSetting.a.keySpan[1], sslSetting.a.valueSpan[1])];

  // A setting the file leaves out that the image running it appends (pgpool/pgpool: ssl_cert, ssl_key) is not missing.
  const completed: string[] = [];
  const overridden: string[] = [];
  const byImage = (key: string): boolean => {
    const v = view.get(key);
    if (!v?.image || v.value === '') return false;
    completed.push(`\`${key} = '${v.value}'\``);
    if (v.image === 'after' && lastSetting(all, key)) overridden.push(`\`${key}\``);
    return true;
  };
  const cert = t.get('ssl_cert');
  if ((!cert || cert.a.value === '') && !(!cert && byImage('ssl_cert'))) {
    t.report(TLS['ssl-cert-required'], cert ?? sslSpan, `\`ssl = on\` but \`ssl_cert\` is ${cert ? 'empty' : 'not set'}: ${OFF} (its log says: could not load server certificate file ""); set \`ssl_cert\` to the server certificate's PEM file.`);
  }
  const key = t.get('ssl_key');
  if ((!key || key.a.value === '') && !(!key && byImage('ssl_key'))) {
    t.report(TLS['ssl-key-required'], key ?? sslSpan, `\`ssl = on\` but \`ssl_key\` is ${key ? 'empty' : 'not set'}: ${OFF} (its log says: could not access private key file ""); set \`ssl_key\` to the server certificate's private key file.`);
  }

  if (completed.length) {
    const how = view.run?.role === 'fragment' ? 'writes' : 'appends';
    const lead = overridden.length ? `\`ssl = on\`, and this file's ${overridden.join(' and ')} ${overridden.length > 1 ? 'are' : 'is'} not what Pgpool-II uses` : `\`ssl = on\` without ${completed.length > 1 ? 'these settings' : 'this setting'} here`;
    const tail = overridden.length ? `The image's ${overridden.length > 1 ? 'values win' : 'value wins'} whatever this file says; to use other files, change the Secret the image reads them from.` : `Set ${completed.length > 1 ? 'them' : 'it'} in this file only to use other files.`;
    t.report(R['image-completes'], sslSpan, `${lead}: ${view.who()} ${how} ${completed.join(' and ')} at start, so Pgpool-II gets ${completed.length > 1 ? 'them' : 'it'} (a path in the container, not checked here). ${tail}`);
  }

  const files = ctx.settings.checkFiles ? checkTlsFiles(t) : undefined;
  checkCurve(t);
  if (files) checkClientCurves(t);
  checkCiphers(t, files?.serverKeyAlgorithm);
  checkDhParams(t);
  checkCaDir(t);
}

function checkCurve(t: TlsContext): void {
  const s = t.get('ssl_ecdh_curve');
  if (!s) return;
  const name = s.a.value;
  const verdict = classifyCurve(t.ctx.env.loadJson('openssl-curves.json'), name);
  const shown = name === '' ? 'an empty name' : code(name);
  if (verdict.kind === 'unknown') {
    const fix = verdict.suggestion ? `write \`${verdict.suggestion}\`` : 'use `prime256v1` (the default), `secp384r1` or `secp521r1`';
    t.report(TLS['ssl-ecdh-curve'], s, `${keyRef(s)} is ${shown}, which is not an OpenSSL curve short name (names are case-sensitive, and NIST names like P-256 are not accepted): Pgpool-II only logs a WARNING ("ECDH: unrecognized curve name") and then turns SSL off for every client; ${fix}.`);
  } else if (verdict.kind === 'not-ec') {
    t.report(TLS['ssl-ecdh-curve'], s, `${keyRef(s)} is ${shown}, which OpenSSL knows but cannot use as a classic EC curve: Pgpool-II only logs a WARNING ("ECDH: could not create key") and then turns SSL off for every client; use \`prime256v1\` (the default), \`secp384r1\` or \`secp521r1\`.`);
  } else if (verdict.kind === 'not-tls-group') {
    t.report(TLS['ssl-ecdh-curve'], s, `${keyRef(s)} is ${shown}, an EC curve that OpenSSL cannot use as a TLS group, so SSL_CTX_set_tmp_ecdh fails and Pgpool-II, which ignores that result, keeps OpenSSL's default groups; use \`prime256v1\`, \`secp384r1\` or \`secp521r1\`.`, { severity: 'warning' });
  }
}

/** Client certificates beside `ssl_ca_cert` on another curve than the single `ssl_ecdh_curve` (certs/compat.ts). */
function checkClientCurves(t: TlsContext): void {
  const ca = t.get('ssl_ca_cert');
  if (!ca || ca.a.value === '') return;
  const curve = t.get('ssl_ecdh_curve');
  const serverCurve = curve?.a.value ?? 'prime256v1';
  const refused = clientCertsRefusedByCurve(t.ctx, t.doc.path, t.confDir, ca.a.value, serverCurve);
  if (!refused.length) return;
  const many = refused.length > 1;
  const certs = refused.map(r => `${r.path} (${r.subject}, ${r.curve})`).join(', ');
  t.report(TLS['ssl-client-cert-curve'], curve ?? ca, `${curve ? keyRef(curve) : '`ssl_ecdh_curve`'} is ${code(serverCurve)}${curve ? '' : ' (the default)'}, the only group Pgpool-II offers, and the client certificate${many ? 's' : ''} ${certs} beside ${keyRef(ca)} use${many ? '' : 's'} another curve: a login with ${many ? 'them' : 'it'} over TLS 1.2 is refused during the handshake (pgpool logs "SSL_accept": "wrong curve"; the client sees "sslv3 alert illegal parameter"), TLS 1.3 works. Pgpool-II cannot require TLS 1.3: set \`ssl_ecdh_curve = '${refused[0]!.curve}'\` (client certificates on other curves then fail over TLS 1.2), have clients require TLS 1.3 (libpq \`ssl_min_protocol_version=TLSv1.3\`), or reissue the client certificate on ${serverCurve} (\`pgtls cert client --algorithm ecdsa-p256\`) or with an RSA or Ed25519 key.`);
}

/** The cipher suites Pgpool-II can actually serve: no PSK or SRP (it sets up neither) and only the key's signature type. */
function servable(cat: CipherCatalog, c: CipherSuite, keyAlg: string | undefined): boolean {
  const k = cat.bits.kx, a = cat.bits.au;
  if (c.kx & (k.kPSK! | k.kRSAPSK! | k.kECDHEPSK! | k.kDHEPSK! | k.kSRP! | k.kGOST! | k.kGOST18!)) return false;
  if (c.au & (a.aPSK! | a.aSRP! | a.aGOST01! | a.aGOST12!)) return false;
  if (keyAlg === undefined || (c.au & a.aNULL!)) return true;
  if (c.au & a.aRSA!) return keyAlg === 'RSA';
  if (c.au & a.aECDSA!) return keyAlg === 'EC' || keyAlg === 'Ed25519' || keyAlg === 'Ed448';
  if (c.au & a.aDSS!) return keyAlg === 'DSA';
  return false;
}

const TLS13_HINT = 'TLS 1.3 suites cannot be chosen in `ssl_ciphers` (Pgpool-II has no setting for them; OpenSSL\'s defaults apply)';

function checkCiphers(t: TlsContext, keyAlg: string | undefined): void {
  const s = t.get('ssl_ciphers');
  if (!s) return;
  const value = s.a.value;
  const cat = cipherCatalog(t.ctx.env.loadJson('openssl-ciphers.json'));
  const r = evaluateCipherString(cat, value);
  const inner = s.via ? undefined : s.a.valueSpan[0] + (s.a.valueKind === 'string' ? 1 : 0);
  const at = (start: number, end: number): Setting | Span => (inner === undefined ? s : [inner + start, inner + Math.max(end, start)]);
  const suggestions = (word: string): string[] => didYouMean(word, [...cat.byName.keys(), ...cat.keywords], 1);

  if (!r.ok) {
    const e = r.error!;
    if (e.kind === 'no-match') {
      const ignored = r.ignored.map(w => w.text);
      const why = value === '' ? ' (it is empty)' : ignored.length ? ` (OpenSSL ignored ${listing(ignored.slice(0, 4))}${ignored.length > 4 ? ' and more' : ''})` : '';
      const tls13 = ignored.some(w => w.startsWith('TLS_')) ? `; ${TLS13_HINT}` : '';
      t.report(TLS['ssl-ciphers-rejected'], s, `${keyRef(s)} matches no TLS 1.2 cipher suite OpenSSL 3 has${why}, so SSL_CTX_set_cipher_list fails and Pgpool-II turns SSL off for every client without logging anything${tls13}; use e.g. \`HIGH:!aNULL\`.`);
    } else if (e.kind === 'bad-special') {
      t.report(TLS['ssl-ciphers-rejected'], at(e.start, e.end), `${keyRef(s)} has ${code(value.slice(e.start, e.end))}, a command OpenSSL does not know (only \`@STRENGTH\` and \`@SECLEVEL=0\`…\`5\`): SSL_CTX_set_cipher_list fails and Pgpool-II turns SSL off for every client without logging anything; fix or remove it.`);
    } else {
      const ch = value.slice(e.start, e.end);
      const what = ch === '' ? 'ends where OpenSSL expects another name' : `has ${code(ch)} where OpenSSL expects a name (letters, digits, \`-\`, \`.\`, \`=\`)`;
      t.report(TLS['ssl-ciphers-rejected'], at(e.start, e.end), `${keyRef(s)} ${what}, so SSL_CTX_set_cipher_list fails and Pgpool-II turns SSL off for every client without logging anything; separate names with \`:\` and prefix them only with \`!\`, \`-\`, \`+\` or \`@\`.`);
    }
    return;
  }

  for (const w of r.ignored) {
    if (w.action !== 'add') continue;
    let why: string;
    if (/^TLS_/.test(w.text)) why = TLS13_HINT;
    else if (/(^|[-+])(3DES|DES|RC4|RC2|IDEA|SEED|EXP|EXPORT|GOST\w*)($|[-+])|CBC3/.test(w.text)) why = 'it is a legacy algorithm OpenSSL 3 does not provide by default';
    else {
      const [best] = suggestions(w.text);
      why = best ? `no suite or alias has that name in OpenSSL 3 (did you mean \`${best}\`?)` : 'no suite or alias has that name in OpenSSL 3 (names are case-sensitive)';
    }
    t.report(TLS['ssl-ciphers-unknown'], at(w.start, w.end), `OpenSSL silently ignores ${code(w.text)} in ${keyRef(s)}: ${why}.`);
  }

  const level = r.secLevel ?? 1;
  const levelText = `security level ${level}`;

  // Weak suites: evaluated as a build that still has 3DES would (OpenSSL 1.1.1), and at the string's security level.
  const weakRun = evaluateCipherString(cat, value, { weakBuild: true });
  const weak = weakRun.suites.filter(c => allowedAtSecLevel(cat, c, level) && servable(cat, c, keyAlg) && weaknesses(cat, c).length > 0);
  if (weak.length) {
    const kinds = [...new Set(weak.flatMap(c => weaknesses(cat, c)))];
    const names = weak.slice(0, 3).map(c => `\`${c.name}\``).join(', ');
    const onlyOld = weak.every(c => c.weakBuild);
    const where = onlyOld ? ' on OpenSSL builds that still have them (OpenSSL 1.1.1, e.g. RHEL 8; OpenSSL 3 default builds have no 3DES suites)' : ` at ${levelText}`;
    const fix = kinds.includes('3DES') && onlyOld ? 'add `:!3DES`' : r.secLevel === 0 ? 'remove `@SECLEVEL=0` or add `:!aNULL:!eNULL:!MD5`' : 'exclude them with `!`';
    t.report(TLS['ssl-ciphers-weak'], s, `${keyRef(s)} lets Pgpool-II negotiate weak suites (${listing(kinds, '')}: ${names}${weak.length > 3 ? ` and ${weak.length - 3} more` : ''})${where}; ${fix}.`);
  }

  const usable = r.suites.filter(c => allowedAtSecLevel(cat, c, level) && servable(cat, c, keyAlg));
  if (usable.length === 0) {
    const withKey = keyAlg ? ` with this ${keyAlg} server key` : '';
    const example = keyAlg === 'RSA' ? 'ECDHE-RSA-AES128-GCM-SHA256' : keyAlg ? 'ECDHE-ECDSA-AES128-GCM-SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256';
    const pskSrp = r.suites.some(c => !servable(cat, c, undefined)) ? ' (Pgpool-II sets up no PSK or SRP)' : '';
    t.report(TLS['ssl-ciphers-unusable'], s, `OpenSSL accepts ${keyRef(s)}, but none of its ${r.suites.length} TLS 1.2 suite${r.suites.length === 1 ? '' : 's'} can be used${withKey}${r.secLevel === undefined ? ' even' : ''} at ${levelText}${pskSrp}, so TLS 1.2 clients cannot connect while TLS 1.3 clients still can; include e.g. \`${example}\`.`);
  }
}

function checkDhParams(t: TlsContext): void {
  const s = t.get('ssl_dh_params_file');
  if (!s || s.a.value === '') return;
  t.report(TLS['ssl-dh-params-unused'], s, `${keyRef(s)} has no effect: Pgpool-II reads and checks the file (and logs a WARNING if it cannot), but never hands the parameters to OpenSSL, so DHE suites use OpenSSL's built-in groups; remove the line.`, { tags: ['unnecessary'] });
}

function checkCaDir(t: TlsContext): void {
  const dir = t.get('ssl_ca_cert_dir');
  if (!dir || dir.a.value === '') return;
  const ca = t.get('ssl_ca_cert');
  if (!ca || ca.a.value === '') {
    t.report(TLS['ssl-ca-cert-dir-without-ca-cert'], dir, `${keyRef(dir)} is set but \`ssl_ca_cert\` is not: Pgpool-II asks clients for a certificate only when \`ssl_ca_cert\` is set, so no client certificate is ever requested and every \`cert\` login in pool_hba.conf fails (the folder only serves to verify backends); set \`ssl_ca_cert\` to the CA file.`);
  }
  if (!isAbsolute(dir.a.value)) {
    t.report(TLS['ssl-ca-cert-dir-relative'], dir, `${keyRef(dir)} is the relative path ${code(dir.a.value)}, and Pgpool-II does not resolve it against pgpool.conf's folder: OpenSSL looks it up from the working directory, which is / once Pgpool-II runs as a daemon (${code(`/${dir.a.value}`)}); write an absolute path.`);
  }
}
