/**
 * Client authentication as pgpool.conf shapes it, beyond pool_hba.conf itself (reference/pgpool.md §4.4):
 *  - `allow_clear_text_frontend_auth`: with `enable_pool_hba = off`, when a backend asks for SCRAM (or md5 with more
 *    than one backend) and pool_passwd has no usable entry for the user, pgpool asks the client for its password in
 *    clear text (pool_auth.c `pool_do_auth`, LOG "using clear text authentication with frontend"); with
 *    `enable_pool_hba = on` those branches never run, so the setting only matters for a backend that itself uses the
 *    `password` method (`do_clear_text_password`);
 *  - `ssl = on` with `enable_pool_hba = off`: TLS is offered, but only `hostssl` lines in a pool_hba.conf that pgpool
 *    reads can refuse a client that does not ask for it.
 * Observed with Pgpool-II 4.3.5 (recipes/pgpool/e2e-pgpool-cert-auth.sh, SCRAM backend, `pool_passwd = ''`, the
 * setting on): with `enable_pool_hba = off` psql was asked for the password, over `sslmode=disable` too; with
 * `enable_pool_hba = on` (a `trust` line) nothing was asked and pgpool answered "failed to authenticate with backend
 * using SCRAM" / "valid password not found".
 */
import type { ValidateContext } from '../../../core/language';
import { lastSetting, settingBool, type Setting } from '../effective';
import { R, TLS } from '../rules';
import { checkBackendTls, settingSpan } from './backends';
import { type ImageView, imageView } from './image';

/** Runs the client-authentication checks and the backend-leg checks (backends.ts) on the effective settings. */
export function checkAuthAndBackends(all: readonly Setting[], ctx: ValidateContext, view: ImageView = imageView(all, undefined)): void {
  checkAuth(all, ctx, view);
  checkBackendTls(all, ctx);
}

/** Whether pgpool accepts TCP clients from other machines (`listen_addresses`, default `localhost`). */
export function listensOnNetwork(all: readonly Setting[], view?: ImageView): 'none' | 'loopback' | 'network' {
  const value = view ? view.get('listen_addresses')?.value : lastSetting(all, 'listen_addresses')?.a.value;
  const items = (value ?? 'localhost').split(',').map(x => x.trim().toLowerCase()).filter(x => x !== '');
  if (items.length === 0) return 'none';
  const loopback = (x: string): boolean => x === 'localhost' || x === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(x);
  return items.every(loopback) ? 'loopback' : 'network';
}

export function checkAuth(all: readonly Setting[], ctx: ValidateContext, view: ImageView = imageView(all, undefined)): void {
  const enable = view.bool('enable_pool_hba', false);
  const ssl = settingBool(all, 'ssl', false);
  const reach = listensOnNetwork(all, view);
  const allow = settingBool(all, 'allow_clear_text_frontend_auth', false);
  if (allow.value && allow.at) {
    const span = settingSpan(allow.at);
    if (enable.value) {
      const from = enable.image ? `, which ${view.who()} sets ${enable.image === 'before' ? 'before' : 'after'} this file` : '';
      ctx.report(R['clear-text-frontend-auth-ignored'], span, `\`allow_clear_text_frontend_auth\` has no effect for backends that ask for md5 or SCRAM while \`enable_pool_hba = on\`${from}: pgpool then authenticates clients by pool_hba.conf and takes the backend passwords from pool_passwd (it only still asks a client for a clear-text password when a backend itself uses the \`password\` method). Remove the line, or set it to off.`,
        { tags: ['unnecessary'] });
    } else {
      const pp = lastSetting(all, 'pool_passwd');
      const who = pp && pp.a.value === '' ? 'every user (`pool_passwd = \'\'` disables the file)' : 'every user without a password in pool_passwd';
      const exposure = reach !== 'network'
        ? `pgpool only listens on ${reach === 'none' ? 'its Unix socket' : 'the loopback address'} here, so the password stays on this machine, but pgpool and anything that can read the connection see it`
        : ssl.value
          ? 'TLS is offered (`ssl = on`) but nothing can require it without pool_hba.conf, so a client that connects without TLS (sslmode=disable or allow, or a connection an attacker downgrades) sends it readable by anyone on the network path'
          : '`ssl` is off, so the password crosses the network readable by anyone on the path';
      ctx.report(R['clear-text-frontend-auth'], span, `With \`enable_pool_hba\` off, \`allow_clear_text_frontend_auth = on\` makes pgpool ask ${who} for the password in clear text whenever a backend wants SCRAM (or md5 with several backends); ${exposure}. Put the users' passwords in pool_passwd (pg_enc) and set this to off, or set \`enable_pool_hba = on\` with \`scram-sha-256\` on \`hostssl\` lines.`,
        reach === 'network' ? {} : { severity: 'info' });
    }
  }
  if (ssl.value && ssl.at && !enable.value && reach === 'network') {
    ctx.report(TLS['ssl-not-required'], settingSpan(ssl.at), 'pgpool offers TLS to clients here but cannot require it: with `enable_pool_hba` off no pool_hba.conf is read, and nothing else in pgpool refuses a client that does not ask for TLS (libpq\'s default `sslmode=prefer` silently falls back to plain text). To require TLS, set `enable_pool_hba = on` and give TCP clients only `hostssl` lines in pool_hba.conf.');
  }
}
