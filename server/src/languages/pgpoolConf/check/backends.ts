/**
 * What pgpool verifies on its TLS leg to the backends (reference/pgpool.md §3.4, pool_ssl.c `init_ssl_ctx` and
 * `pool_ssl_negotiate_clientserver`): `ssl = on` serves both legs; the backends' certificates are verified only when
 * `ssl_ca_cert` or `ssl_ca_cert_dir` is set, and then the chain only, never the host name; a backend that answers
 * 'N' to the SSLRequest is used in plain text. Said where users expect verification: on `ssl` when nothing verifies,
 * on the CA setting when it does.
 */
import type { ValidateContext } from '../../../core/language';
import type { Span } from '../../../core/types';
import { backendLeg } from '../backendLeg';
import type { Setting } from '../effective';
import { TLS } from '../rules';

/** Where a setting is reported: the `include` that brought it in, else its key and value. */
export function settingSpan(s: Setting): Span {
  if (s.via) return s.via.include.valueSpan[1] > s.via.include.valueSpan[0] ? s.via.include.valueSpan : s.via.include.keySpan;
  return [s.a.keySpan[0], Math.max(s.a.keySpan[1], s.a.valueSpan[1])];
}

export function checkBackendTls(all: readonly Setting[], ctx: ValidateContext): void {
  const leg = backendLeg(all);
  if (!leg.ssl.value || !leg.ssl.at || leg.tcp.length === 0) return;
  const names = leg.tcp.slice(0, 3).map(b => `\`${b.host}\``).join(', ') + (leg.tcp.length > 3 ? ' …' : '');
  const ca = leg.caCert ?? leg.caCertDir;
  if (!ca) {
    ctx.report(TLS['ssl-backend-unverified'], settingSpan(leg.ssl.at), `\`ssl = on\` also makes pgpool use TLS towards its backends (${names}), but with neither \`ssl_ca_cert\` nor \`ssl_ca_cert_dir\` it accepts whatever certificate a backend presents, and it carries on in plain text when a backend offers no TLS: that leg is encrypted at best, never authenticated. Set \`ssl_ca_cert\` to the CA that signed the backends' certificates (it also makes pgpool ask clients for a certificate, which they may decline), and use \`hostssl\` lines for pgpool in the backends' pg_hba.conf so plain text is refused.`);
    return;
  }
  const key = ca === leg.caCert ? 'ssl_ca_cert' : 'ssl_ca_cert_dir';
  ctx.report(TLS['ssl-backend-unverified'], settingSpan(ca), `pgpool verifies the backends' certificate chains against \`${key}\`, but never their host names: any certificate this CA issued, for any host, is accepted from ${names}. Sign the backends' certificates with a CA used only for them, and use \`hostssl\` lines for pgpool in their pg_hba.conf, since pgpool also carries on in plain text when a backend offers no TLS.`,
    { severity: 'hint' });
}
