/**
 * Settings outside the TLS blocks that turn TLS off or change authentication, read as each operator reads them:
 * - Percona: `spec.patroni.dynamicConfiguration.postgresql.parameters` keys the operator overrides (`ssl` and the
 *   certificate files: its mandatory parameters win) or never reads as pg_hba lines (`pg_hba` placed under
 *   `parameters`); `tlsOnly` with `host`/`hostnossl` lines in `dynamicConfiguration.postgresql.pg_hba` (R9: the
 *   operator rewrites only its own lines). The pg_hba lines themselves are validated in embedded.ts, after the
 *   operator's mandatory lines (operatorHba.ts).
 * - Crunchy PGO v5 (Percona's upstream): the same `parameters` keys (`pgo/dynamic-config-ignored`); no `tlsOnly`.
 * - CYBERTEC CPO: `spec.postgresql.parameters.ssl` off (the operator itself dials `sslmode=require`), and a
 *   `spec.patroni.pg_hba` list that, replacing Spilo's defaults, leaves out the `local` line Patroni needs or any
 *   `replication` line for the replicas (the check is spilo.ts's, shared with Zalando's operator).
 * Facts and sources: ../rules.ts (PERCONA_SETTINGS, CPO_SETTINGS).
 */
import type { RuleMeta } from '../../../core/types';
import type { Resource } from '../model';
import { CPO_SETTINGS, PERCONA, PERCONA_SETTINGS, PGO } from '../rules';
import { checkSpiloPgHba } from './spilo';
import type { DocumentContext, RuleModule } from './types';
import { get, isCpo, isObj, isPercona, isPgo, spanAt } from './util';

const DYNAMIC_PARAMETERS = ['spec', 'patroni', 'dynamicConfiguration', 'postgresql', 'parameters'];
const DYNAMIC_PG_HBA = ['spec', 'patroni', 'dynamicConfiguration', 'postgresql', 'pg_hba'];

/** The certificate files the Percona operator always sets (internal/postgres/parameters.go). */
const PERCONA_TLS_FILES: Record<string, string> = {
  ssl_cert_file: '/pgconf/tls/tls.crt', ssl_key_file: '/pgconf/tls/tls.key', ssl_ca_file: '/pgconf/tls/ca.crt',
};

/**
 * A PostgreSQL boolean as the server reads it (guc.c parse_bool): `on`/`off` (at least 2 letters), prefixes of
 * `true`/`false`/`yes`/`no`, `1`/`0`, any case; YAML booleans and numbers too. `undefined` when not a boolean.
 */
export function postgresBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (s === '') return undefined;
  if ('true'.startsWith(s) || 'yes'.startsWith(s) || s === '1' || (s.length >= 2 && 'on'.startsWith(s))) return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s) || s === '0' || (s.length >= 2 && 'off'.startsWith(s))) return false;
  return undefined;
}

export const operatorSettingsModule: RuleModule = {
  name: 'operator-settings',
  appliesTo: r => isPercona(r) || isPgo(r) || isCpo(r),
  checkDocument(r, ctx) {
    if (isPercona(r)) percona(r, ctx, PERCONA_SETTINGS['dynamic-config-ignored'], '`spec.secrets.customTLSSecret`');
    else if (isPgo(r)) percona(r, ctx, PGO['dynamic-config-ignored'], '`spec.customTLSSecret`');
    else cpo(r, ctx);
  },
};

/**
 * Percona and PGO (the same code, internal/postgres/parameters.go and internal/patroni/postgres.go): `rule` is the
 * operator's `dynamic-config-ignored`, `customTls` the field that serves one's own certificate.
 */
function percona(r: Resource, ctx: DocumentContext, rule: RuleMeta, customTls: string): void {
  const params = get(r.data, DYNAMIC_PARAMETERS);
  if (isObj(params)) {
    for (const [k, v] of Object.entries(params)) {
      const at = spanAt(r, [...DYNAMIC_PARAMETERS, k], 'key');
      if (k === 'ssl') {
        const off = postgresBool(v) === false;
        ctx.report(rule, at, off
          ? '`ssl` off has no effect here: the operator always sets `ssl = on` over the dynamic configuration (its mandatory parameters win), so TLS stays on, clients keep negotiating TLS, and the operator\'s own `hostssl` rules still require it for replication and PgBouncer. Remove the parameter; TLS cannot be turned off in this operator.'
          : '`ssl` has no effect here: the operator always sets `ssl = on` over the dynamic configuration (its mandatory parameters win). Remove the parameter.');
      } else if (k in PERCONA_TLS_FILES) {
        ctx.report(rule, at,
          `\`${k}\` has no effect here: the operator always sets it to \`${PERCONA_TLS_FILES[k]}\` over the dynamic configuration. Remove it; use ${customTls} to serve your own certificate.`);
      } else if (k === 'pg_hba') {
        ctx.report(rule, at,
          '`pg_hba` under `parameters` is not read as pg_hba lines: the operator takes them from `dynamicConfiguration.postgresql.pg_hba` (one level up), and there is no server parameter `pg_hba`. Move the list up beside `parameters`, or use `spec.authentication.rules`.');
      }
    }
  }
  // R9 for the dynamic lines: tlsOnly rewrites only the operator's own rules (PGO has no tlsOnly).
  const hba = get(r.data, DYNAMIC_PG_HBA);
  if (isPercona(r) && get(r.data, ['spec', 'tlsOnly']) === true && Array.isArray(hba)) {
    hba.forEach((line, i) => {
      const word = typeof line === 'string' ? line.trim().split(/\s+/)[0] : undefined;
      if (word !== 'host' && word !== 'hostnossl') return;
      ctx.report(PERCONA['tls-only-user-rules'], spanAt(r, [...DYNAMIC_PG_HBA, i]),
        `\`${word}\` still accepts plaintext connections: \`tlsOnly: true\` rewrites only the operator's own HBA rules to hostssl, not the lines of \`dynamicConfiguration.postgresql.pg_hba\`. Use \`hostssl\` if this line should require TLS.`);
    });
  }
}

function cpo(r: Resource, ctx: DocumentContext): void {
  const ssl = get(r.data, ['spec', 'postgresql', 'parameters', 'ssl']);
  if (ssl !== undefined && postgresBool(ssl) === false) {
    ctx.report(CPO_SETTINGS['ssl-off'], spanAt(r, ['spec', 'postgresql', 'parameters', 'ssl']),
      '`ssl` off turns TLS off for the whole cluster, and the operator itself then cannot connect: it dials the cluster with `sslmode=require` (hard-coded), fails with "SSL is not enabled on the server", and stops creating or updating the roles and databases of this manifest. With Spilo\'s default pg_hba (`hostnossl all all all reject`) every TCP client, replicas included, is refused as well. Remove `ssl` (CPO serves TLS by default, with a self-signed certificate unless `spec.tls` names one).');
  }
  checkSpiloPgHba(r, ctx, CPO_SETTINGS['pg-hba-incomplete']);
}
