/**
 * The pg_hba lines an operator writes itself, as data, and the way the embedded pg_hba lists of a resource are
 * composed with them into the one file the server reads (embedded.ts validates that file with the pg_hba rules).
 *
 * Percona PerconaPGCluster (a fork of Crunchy PGO v5, same code): the operator writes its **mandatory** rules first,
 * then `spec.authentication.rules`, then `spec.patroni.dynamicConfiguration.postgresql.pg_hba` (only its string
 * items), and its default rule only when neither list adds a line. PostgreSQL takes the first matching line, so a user
 * line that the mandatory ones already decide never takes effect (`percona/operator-hba-first`).
 * Sources (percona/percona-postgresql-operator@v3.0.0): internal/postgres/hba.go (NewHBAs), internal/pmm/hba.go,
 * internal/pgbouncer/postgres.go (postgresqlHBAs), internal/patroni/config.go (DynamicConfiguration: the order),
 * internal/controller/postgrescluster/controller.go (K8SPG-554: tlsOnly turns `host` into `hostssl` in the
 * operator's own rules). The same mandatory rules since v2.0.0 (the PMM and PgBouncer ones included).
 *
 * Crunchy PGO v5 (the upstream): the same order and the same replication, superuser and PgBouncer lines; its monitoring
 * user is `ccp_monitoring` (when the exporter is enabled), and there is no `tlsOnly` (pgoMandatoryHba).
 *
 * CYBERTEC CPO (a fork of Zalando's postgres-operator): `spec.patroni.pg_hba` replaces Spilo's default list
 * wholesale (pkg/cluster/k8sres.go writes it to Patroni's local `postgresql.pg_hba`; Spilo's configure_spilo.py holds
 * the defaults). Nothing is prepended: what the list lacks is missing (cpoSettings in operatorSettings.ts).
 */
import type { Span } from '../../../core/types';

/** The replication user of PGO and Percona: certificate authentication only (internal/postgres/config.go). */
export const PERCONA_REPLICATION_USER = '_crunchyrepl';
/** The user PgBouncer logs in with (internal/pgbouncer/postgres.go). */
export const PERCONA_PGBOUNCER_USER = '_crunchypgbouncer';
/** The PMM monitoring user (internal/pmm/hba.go). */
export const PERCONA_PMM_USER = 'monitor';

/**
 * The mandatory pg_hba lines of a Percona cluster, in the operator's order. The operator quotes the PMM networks
 * (`"127.0.0.0/8"`); they are written unquoted here, which PostgreSQL reads the same.
 */
export function perconaMandatoryHba(opts: { pgBouncer: boolean; tlsOnly: boolean }): string[] {
  const lines = [
    'local all "postgres" peer',
    `hostssl replication "${PERCONA_REPLICATION_USER}" all cert`,
    `hostssl "postgres" "${PERCONA_REPLICATION_USER}" all cert`,
    `host all "${PERCONA_REPLICATION_USER}" all reject`,
    `host all "${PERCONA_PMM_USER}" 127.0.0.0/8 scram-sha-256`,
    `host all "${PERCONA_PMM_USER}" ::1/128 scram-sha-256`,
    `host all "${PERCONA_PMM_USER}" all reject`,
  ];
  if (opts.pgBouncer) {
    lines.push(`hostssl all "${PERCONA_PGBOUNCER_USER}" all scram-sha-256`, `host all "${PERCONA_PGBOUNCER_USER}" all reject`);
  }
  return opts.tlsOnly ? lines.map(l => l.replace(/^host(nossl)? /, 'hostssl ')) : lines;
}

/** PGO's monitoring user (internal/pgmonitor/postgres.go MonitoringUser). */
export const PGO_MONITORING_USER = 'ccp_monitoring';

/**
 * The mandatory pg_hba lines of a Crunchy PGO v5 cluster, in the operator's order (CrunchyData/postgres-operator@v5.8.9
 * internal/controller/postgrescluster/postgres.go generatePostgresHBAs): NewHBAs, then the monitoring user's lines when
 * the pgMonitor exporter is enabled, then PgBouncer's when `spec.proxy.pgBouncer` is set. PGO has no `tlsOnly`.
 */
export function pgoMandatoryHba(opts: { pgBouncer: boolean; monitoring: boolean }): string[] {
  const lines = [
    'local all "postgres" peer',
    `hostssl replication "${PERCONA_REPLICATION_USER}" all cert`,
    `hostssl "postgres" "${PERCONA_REPLICATION_USER}" all cert`,
    `host all "${PERCONA_REPLICATION_USER}" all reject`,
  ];
  if (opts.monitoring) {
    lines.push(`host all "${PGO_MONITORING_USER}" 127.0.0.0/8 scram-sha-256`, `host all "${PGO_MONITORING_USER}" ::1/128 scram-sha-256`,
      `host all "${PGO_MONITORING_USER}" all reject`);
  }
  if (opts.pgBouncer) {
    lines.push(`hostssl all "${PERCONA_PGBOUNCER_USER}" all scram-sha-256`, `host all "${PERCONA_PGBOUNCER_USER}" all reject`);
  }
  return lines;
}

/** What the operator's mandatory lines are for, to say why they cannot be overridden. */
export function mandatoryPurpose(line: string): string {
  if (line.includes(PERCONA_REPLICATION_USER)) return `the replication user \`${PERCONA_REPLICATION_USER}\` may only connect over TLS with its client certificate (cert authentication), to \`replication\` and \`postgres\``;
  if (line.includes(PERCONA_PGBOUNCER_USER)) return `PgBouncer's user \`${PERCONA_PGBOUNCER_USER}\` may only connect over TLS with its SCRAM password`;
  if (line.includes(`"${PERCONA_PMM_USER}"`)) return `the PMM monitoring user \`${PERCONA_PMM_USER}\` may only connect from the pod itself`;
  if (line.includes(`"${PGO_MONITORING_USER}"`)) return `the monitoring user \`${PGO_MONITORING_USER}\` may only connect from the pod itself`;
  return 'the superuser `postgres` logs in over the local socket with peer authentication (the operator and Patroni rely on it)';
}

/** Where each line of a composed pg_hba text came from, to name it in messages instead of a line number. */
export class LineLabels {
  private readonly labels: string[] = [];

  /** `marks`: the offsets in `text` where a piece from a new place begins, in order, with that place's label. */
  constructor(text: string, marks: readonly { at: number; label: string }[]) {
    let m = -1;
    for (let o = 0; o <= text.length; o = text.indexOf('\n', o) + 1 || text.length + 1) {
      while (m + 1 < marks.length && marks[m + 1]!.at <= o) m++;
      this.labels.push(m >= 0 ? marks[m]!.label : '');
    }
  }

  /** Turns `line N` of the composed text in a message into the place it came from in the YAML. */
  relabel(message: string): string {
    return message.replace(/\bline (\d+)\b/g, (whole, n: string) => this.labels[Number(n) - 1] || whole);
  }
}

/** A composed text's boundary between the operator's lines (before `end`) and the user's. */
export interface OperatorPrefix {
  /** Offset in the composed text where the user's lines begin. */
  end: number;
  /** Where the operator's lines are shown in the YAML when a finding must point at them. */
  fallback: Span;
}
