/**
 * pool_hba.conf against the pgpool.conf beside it (with the files that one includes, where `ssl` or `enable_pool_hba`
 * may be set): a file pgpool never reads, and `hostssl`/`cert` lines that cannot work with pgpool's TLS settings.
 */
import type { ValidateContext } from '../../../core/language';
import type { Finding, SourceDocument, Span } from '../../../core/types';
import { pathLocator } from '../../../deploy';
import { dirOf, effectiveSettings, lastSetting, settingBool, type PgpoolConfFile, type Setting } from '../../pgpoolConf';
import type { HbaFile } from '../model';
import { POOL_HBA } from '../rules';

/** Points at a setting in pgpool.conf or in the file it includes (or at the top of pgpool.conf when unset). */
function relatedAt(path: string, s: Setting | undefined, message: string): Finding['related'] {
  return [{ file: s ? s.path : path, span: s ? [s.a.keySpan[0], Math.max(s.a.keySpan[1], s.a.valueSpan[1])] : [0, 0], message }];
}

/**
 * Checks a pool_hba.conf against its sibling pgpool.conf, if there is one. Returns whether pgpool.conf is known to
 * have `ssl` off (the security advice then does not suggest `hostssl`).
 */
export function checkWithPgpoolConf(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): boolean {
  const path = `${dirOf(doc.path)}/pgpool.conf`;
  const sibling = ctx.parseSibling<PgpoolConfFile>(path, 'pgpool-conf')?.file;
  if (!sibling) return false;
  const conf = effectiveSettings(path, sibling, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, path) : undefined);
  const enable = settingBool(conf, 'enable_pool_hba', false);
  if (!enable.value) {
    const first: Span = file.lines.find(l => l.fields.length > 0)?.fields[0]?.tokens[0]?.span ?? [0, 0];
    ctx.report(POOL_HBA['hba-disabled'], first, `pgpool.conf here has \`enable_pool_hba\` ${enable.at ? `= ${enable.at.a.value}` : 'unset (default off)'}, so pgpool never reads this file and relays the backends' authentication instead; set \`enable_pool_hba = on\` to use these rules.`,
      { related: relatedAt(path, enable.at, enable.at ? '`enable_pool_hba` is off here' : 'pgpool.conf does not set `enable_pool_hba` (default off)') });
  }
  const ssl = settingBool(conf, 'ssl', false);
  const ca = lastSetting(conf, 'ssl_ca_cert');
  const hasCa = !!ca && ca.a.value.trim() !== '';
  const sslRelated = relatedAt(path, ssl.at, ssl.at ? '`ssl` is off here' : 'pgpool.conf does not set `ssl` (default off)');
  for (const r of file.records) {
    if (!ssl.value && r.conn === 'hostssl') {
      ctx.report(POOL_HBA['hostssl-without-ssl'], r.typeToken.span, `\`hostssl\` lines never match while pgpool.conf has \`ssl\` off (pgpool only logs "cannot match"); set \`ssl = on\` with a certificate and key, or use \`host\`.`,
        { related: sslRelated });
    }
    if (r.method !== 'cert') continue;
    if (r.conn === 'local' || r.conn === 'hostnossl') continue; // cert-on-non-ssl-line covers these
    if (!ssl.value) {
      if (r.conn === 'host') {
        ctx.report(POOL_HBA['cert-without-ssl'], r.methodToken.span, '`cert` can never succeed while pgpool.conf has `ssl` off: no connection carries a client certificate; set `ssl = on` and `ssl_ca_cert`, or pick another method.',
          { related: sslRelated });
      }
      continue;
    }
    if (!hasCa) {
      ctx.report(POOL_HBA['cert-without-ca-cert'], r.methodToken.span, '`cert` logins all fail because pgpool.conf does not set `ssl_ca_cert`: pgpool only asks clients for a certificate when it has a CA to verify it; set `ssl_ca_cert` to the CA that signed the client certificates.',
        { related: relatedAt(path, ca, ca ? '`ssl_ca_cert` is empty here' : 'pgpool.conf does not set `ssl_ca_cert`') });
    }
  }
  return !ssl.value;
}
