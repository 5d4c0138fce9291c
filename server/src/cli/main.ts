/**
 * `pgtls`, the command-line front end of the same core the language server uses; the entry of the `dist/cli.js`
 * bundle (bin/pgtls.js calls `main`). It dispatches to the commands:
 *
 *   pgtls check [--format text|json|sarif] [--pgpool-version X.Y] [--postgres-version N] [--no-file-checks]
 *               [--path-map FROM=TO]... PATH...     (PATH `-`: a YAML stream on standard input)
 *   pgtls rules [--format text|json]
 *   pgtls cert …, pgtls inspect …   (cli/cert.ts)
 *   pgtls probe HOST[:PORT] …        (cli/probe.ts)
 *   pgtls map [--format json|dot|svg] PATH   (cli/map.ts)
 *
 * Exit codes: 0 no errors, 1 errors found, 2 bad usage or no file checked. Findings go to stdout, usage errors to stderr.
 */
import 'reflect-metadata';
import { isMainThread } from 'node:worker_threads';
import { findSchemasDir, nodeEnv } from '../node/env';
import { createService, type Service } from '../service';
import { UsageError, usageFailed, type CliIo } from './args';
import { runCertCli } from './cert';
import { PROBE_HELP, runProbe } from './probe';
import { MAP_HELP, runMap } from './map';
import { VERSION, checkOptionsHelp, runCheck, runRules } from './check';
import { checkService, type CheckServiceOptions } from './checkService';

const HELP = `pgtls ${VERSION}: checks TLS and authentication configuration of Pgpool-II, PgBouncer and PostgreSQL.

Usage:
  pgtls check [options] PATH...     validate files; folders are walked
  pgtls check [options] -           validate a YAML stream on standard input, e.g.
                                      kubectl kustomize overlays/prod | pgtls check -
                                      helm template . | pgtls check -
                                    (findings in Helm output name the template of their "# Source:" comment)
  pgtls rules [--format text|json]  list every rule
  pgtls cert set --out DIR --server-name NAME [--san NAME_OR_IP]... --client-user USER [--algorithm A]
                                    write a CA and server and client certificates (see "pgtls cert --help")
  pgtls cert ca|server|client|replication|secrets|preset ...
  pgtls cert sign --csr FILE --ca-cert FILE --ca-key FILE --server|--client --out FILE
                                    sign a CSR made elsewhere (its key is never read)
  pgtls inspect FILE...             decode certificates and describe keys (never prints key material) in PEM/DER
                                    files, Secret manifests and kubeconfigs
${PROBE_HELP}${MAP_HELP}  pgtls --help | --version

Files are recognised by name: pgpool.conf, pool_hba.conf, pool_passwd, postgresql.conf, postgresql.auto.conf,
pg_hba.conf, pg_ident.conf, pgbouncer.ini, userlist.txt, pgbouncer_hba.conf (each also as *.<name>), and *.yaml/*.yml
(Kubernetes manifests: only KubeDB Pgpool, Percona PerconaPGCluster, CYBERTEC postgresql, cert-manager and Secret
documents are checked; other YAML stays silent). A file that a kustomization.yaml uses as a patch is checked as a
patch: the fields it leaves to its base are not reported missing.

Options of check:
${checkOptionsHelp()}

Exit status: 0 no errors, 1 errors found, 2 bad usage or no file checked.
`;

export async function runCli(argv: string[], io: CliIo, service?: Service): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.out(`${VERSION}\n`);
      return 0;
    }
    if (command === 'cert' || command === 'inspect') return await runCertCli(argv, io);
    if (command === 'probe') return await runProbe(rest, io);
    // The environment knows the run's workspace folders (for `check`: the current folder and the paths named) and
    // the run's index of YAML files (cli/checkService.ts).
    const svc = (roots: readonly string[] = [], options: CheckServiceOptions = {}) => service ?? checkService(roots, options);
    if (command === 'check') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.out(HELP);
        return 0;
      }
      return await runCheck(rest, io, svc, { workers: !service });
    }
    if (command === 'rules') return runRules(rest, io, svc());
    if (command === 'map') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.out(HELP);
        return 0;
      }
      return runMap(rest, io, roots => {
        const env = nodeEnv(findSchemasDir(__dirname), undefined, () => roots);
        return { service: service ?? createService(env), env };
      });
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) return usageFailed(io, e.message);
    io.err(`pgtls: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

/** Runs the CLI on this process's arguments and sets the exit code. */
export async function main(): Promise<void> {
  process.stdout.on('error', () => undefined); // a closed pipe (pgtls check | head) is not a failure
  process.exitCode = await runCli(process.argv.slice(2), { out: s => process.stdout.write(s), err: s => process.stderr.write(s) });
}

// A check worker (cli/checkJobs.ts) loads this bundle too, and runs only its part.
if (require.main === module && isMainThread) void main();
