/**
 * `pgtls cert …` and `pgtls inspect …`: the command-line front end of the certificate façade (certService.ts). It
 * reads files, takes the real clock and Node's WebCrypto, and writes only through node/writeFiles.ts.
 *
 *   pgtls cert set --out DIR --algorithm ALG --server-name NAME [--san NAME_OR_IP]... --client-user USER
 *   pgtls cert ca|server|client|replication --out DIR ...
 * ${CERT_SIGN_HELP}
  pgtls cert secrets --operator percona|cpo|kubedb|pgo|zalando --name CLUSTER [--namespace NS] --from DIR [--out FILE|-]
 *   pgtls cert preset --operator kubedb|percona|cpo|pgo|zalando|pgpool --name NAME [--namespace NS] [--format json]
 *   pgtls inspect FILE...
 *
 * Exit codes: 0 done; 1 failed (an input file is unusable, or reading/writing failed); 2 bad usage (unknown or
 * missing option, invalid value, weak algorithm, invalid name, or target files exist and --force was not given).
 * Nothing here prints or logs key material: summaries name files, algorithms, subjects, SANs and validity only.
 */
import {
  CertError, CertFileError, DEFAULT_CA_DAYS, DEFAULT_LEAF_DAYS, KEY_ALGORITHMS, PERCONA_REPLICATION_USER, SIGNATURE_HASHES, assertStrong,
  createCertService, splitSans, type IssueRequest,
} from '../certService';
import { fastCrypto } from '../node/fastCrypto';
import { FileReadError } from '../node/readFiles';
import { ExistingFilesError, WriteFilesError } from '../node/writeFiles';
import { CommandFailure, UsageError, intFlag, many, one, parseArgs, required, usageFailed, type CliIo, type ParsedArgs } from './args';
import { caFiles, caFlags, leafFiles, loadCa, precheck, writeAndReport, type CertCtx, type Planned } from './certFiles';
import { CERT_ALIASES, CERT_COMMANDS, algorithmFlag, basenameFlag, formatFlag, keyFormatFlag, validityFlags } from './certFlags';
import { certPreset, presetFrom } from './certPresets';
import { LIFECYCLE_HELP, certLifecycle } from './certRenew';
import { certSecrets } from './certSecrets';
import { CERT_SIGN_HELP, certSign } from './certSign';
import { inspect } from './inspect';

export type { CliIo } from './args';

/** What the CLI takes from its surroundings; tests may pin the clock. */
export interface CertCliEnv {
  now?: () => Date;
  crypto?: Crypto;
}

export const CERT_HELP = `Certificates (pgtls cert …) and inspection (pgtls inspect …).

  pgtls cert set --out DIR [--algorithm ALG] --server-name NAME [--san NAME_OR_IP]... --client-user USER
                 [--days N] [--ca-days N] [--ca-name CN] [--hash H] [--key-format pkcs8|pkcs1] [--pk8]
                 [--replication] [--operator OP --name NAME [--namespace NS] [--cluster-domain D] | --resource FILE]
                 [--force] [--no-gitignore] [--format text|json]
      A CA, a server and a client certificate with their keys: ca.crt ca.key server.crt server.key client.crt
      client.key (+ replication.crt/.key with --replication or --operator percona|pgo, client.pk8 with --pk8).
      With --operator/--resource the server names and client user come from the operator preset.

  pgtls cert ca --out DIR [--algorithm ALG] [--common-name CN] [--days N] [--hash H] [--path-length N]
                [--ca-cert FILE --ca-key FILE] [--key-format pkcs8|pkcs1] [--force] [--no-gitignore] [--format text|json]
      ca.crt + ca.key: a self-signed root, or with --ca-cert/--ca-key an intermediate signed by that CA.

  pgtls cert server --out DIR [--ca-cert FILE --ca-key FILE] --server-name NAME [--san NAME_OR_IP]...
                    [--client-auth] [--operator OP --name NAME [--namespace NS] [--cluster-domain D] | --resource FILE]
  pgtls cert client --out DIR [--ca-cert FILE --ca-key FILE] --client-user USER [--libpq]
  pgtls cert replication --out DIR [--ca-cert FILE --ca-key FILE]
      Common options: [--algorithm ALG] [--days N] [--key-format pkcs8|pkcs1] [--pk8] [--basename NAME]
                      [--force] [--no-gitignore] [--format text|json]
      Issue from DIR/ca.crt + DIR/ca.key unless --ca-cert/--ca-key name another CA. server: server.crt/.key;
      client: client.crt/.key, or with --libpq postgresql.crt, postgresql.key and root.crt; replication: Percona's
      replication.crt/.key (CN ${PERCONA_REPLICATION_USER}). --pk8 adds <basename>.pk8 (PKCS#8 DER for JDBC).

${CERT_SIGN_HELP}
  pgtls cert secrets --operator percona|cpo|kubedb|pgo|zalando --name CLUSTER [--namespace NS] [--cluster-domain D]
                     --from DIR [--out FILE|-] [--layout one|two] [--certificate [--algorithm ALG] [--days N]]
                     [--no-root-ca] [--san NAME_OR_IP]... [--resource FILE] [--force] [--no-gitignore]
      Kubernetes Secrets from the files in DIR (as kubectl create secret generic … --dry-run=client -o yaml
      prints them), KubeDB's cert-manager Issuer (+ --certificate: a client Certificate), and the patch for the
      resource as comments. Default output: stdout. The YAML holds the private keys: a FILE is written 0600.

  pgtls cert preset --operator kubedb|percona|cpo|pgo|zalando|pgpool --name NAME [--namespace NS] [--cluster-domain D]
                    [--san NAME_OR_IP]... [--client-user USER]... [--layout one|two] [--resource FILE]
                    [--format text|json]
      The SANs the operator's clients dial, the Secrets it expects, the client CN and the resource patch.

${LIFECYCLE_HELP}
  pgtls inspect FILE... [--format text|json]
      Every certificate in a PEM or DER file, like openssl x509 -text; for a key file its type and size (never
      the key), the certificate of the file it belongs to, and whether its mode lets others read it. YAML files:
      Secret manifests (data, stringData), kubeconfigs (…-data) and any PEM value, each certificate and key by
      document and key path (e.g. data.tls.crt).

  ALG: ${KEY_ALGORITHMS.join(', ')} (default ecdsa-p256). H: ${SIGNATURE_HASHES.join(', ')} (SHA-1 and MD5 are refused).
  Validity: CA ${DEFAULT_CA_DAYS} days, leaves ${DEFAULT_LEAF_DAYS} days. set, ca, server, client, replication and
  sign also take --not-before WHEN / --not-after WHEN (for set: the leaves; give --days or both dates): WHEN is a
  date (2030-01-31, midnight UTC; 2030-01-31T12:00:00Z) or a time relative to now (-30d, +2y, 12h; units h d w y).
  A certificate that would already be expired or not yet valid is refused unless --allow-invalid-dates (for
  negative tests); not-after before not-before is always refused. A leaf never outlives its CA: a later not-after
  is cut to the CA's and a note says so.
  Keys are written 0600 and certificates 0644 in a 0700 folder, atomically, never over an existing file without
  --force; a .gitignore keeps *.key and *.pk8 out of git unless --no-gitignore. The keys are unencrypted.

Exit status: 0 done, 1 failed (unusable input file, I/O error), 2 bad usage (including existing files without --force).
`;

/**
 * Runs `cert …` or `inspect …` (argv starts with the command word) and resolves with the exit code. Output goes to
 * `io.out`, diagnostics to `io.err`. Never throws.
 */
export async function runCertCli(argv: string[], io: CliIo, env: CertCliEnv = {}): Promise<number> {
  const now = env.now ?? (() => new Date());
  const crypto = env.crypto ?? fastCrypto();
  try {
    const [command, sub, ...rest] = argv;
    const at = now(); // one clock reading per command
    const ctx: CertCtx = { io, certs: createCertService({ now: () => at, crypto }) };
    if (command === 'inspect') {
      const args = [sub, ...rest].filter((x): x is string => x !== undefined);
      if (args.includes('--help') || args.includes('-h')) { io.out(CERT_HELP); return 0; }
      return await inspect(args, ctx);
    }
    if (command !== 'cert') throw new UsageError(`runCertCli handles "cert" and "inspect", not "${command ?? ''}"`);
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') { io.out(CERT_HELP); return sub ? 0 : 2; }
    const flags = CERT_COMMANDS[sub];
    if (!flags) throw new UsageError(`unknown cert command "${sub}"; commands: ${Object.keys(CERT_COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) { io.out(CERT_HELP); return 0; }
    const p = parseArgs(rest, { flags, aliases: CERT_ALIASES, command: `cert ${sub}` });
    switch (sub) {
      case 'set': return await certSet(p, ctx);
      case 'ca': return await certCa(p, ctx);
      case 'server': case 'client': case 'replication': return await certLeaf(sub, p, ctx);
      case 'secrets': return await certSecrets(p, ctx);
      case 'preset': return certPreset(p, ctx, formatFlag(p));
      case 'renew': case 'rotate-ca': return await certLifecycle(sub, p, ctx, at, crypto);
      case 'sign': return await certSign(p, ctx);
    }
    return 2;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || e instanceof CertError) return usageFailed(io, e.message, 'pgtls cert --help');
  if (e instanceof ExistingFilesError) {
    io.err(`pgtls: ${e.message} (use --force to replace ${e.existing.length === 1 ? 'it' : 'them'})\n`);
    return 2;
  }
  if (e instanceof CommandFailure || e instanceof CertFileError || e instanceof WriteFilesError || e instanceof FileReadError) {
    io.err(`pgtls: ${e.message}\n`);
    return 1;
  }
  // Unexpected: report the message and where, but never an object dump that could hold key bytes.
  io.err(`pgtls: internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}\n`);
  return 1;
}

// --- generation -------------------------------------------------------------------------------------------------

async function certSet(p: ParsedArgs, ctx: CertCtx): Promise<number> {
  const out = required(p, 'out', 'cert set', '(the folder to write into)');
  const format = formatFlag(p);
  const pr = presetFrom(p, 'cert set');
  const algorithm = algorithmFlag(p) ?? 'ecdsa-p256';
  const { hash } = assertStrong(algorithm, one(p, 'hash'));
  const keyFormat = keyFormatFlag(p, algorithm);
  const days = intFlag(p, 'days', 1, 36500);
  const caDays = intFlag(p, 'ca-days', 1, 36500);
  let serverName = one(p, 'server-name');
  let sans = many(p, 'san');
  let clientUser = one(p, 'client-user');
  if (pr) {
    serverName ??= pr.server.commonName;
    sans = [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== serverName);
    clientUser ??= pr.clientUsers[0];
  }
  if (!serverName) throw new UsageError('cert set needs --server-name (the host name or address clients dial), or --operator/--resource');
  if (!clientUser) throw new UsageError('cert set needs --client-user (the database user the client certificate logs in as; it becomes the CN)');
  const replication = p.bools.has('replication') || pr?.replicationUser !== undefined;
  const pk8 = p.bools.has('pk8');
  const names = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key',
    ...(pk8 ? ['client.pk8'] : []), ...(replication ? ['replication.crt', 'replication.key'] : [])];
  precheck(out, names, p.bools.has('force'));
  const extra = splitSans(sans);

  const caName = one(p, 'ca-name') ?? [...`pgtls development CA for ${serverName}`].slice(0, 64).join('').trim();
  const set = await ctx.certs.createSet({
    ca: { algorithm, keyFormat, commonName: caName, ...(hash ? { hash } : {}), days: caDays ?? DEFAULT_CA_DAYS },
    leaves: { algorithm, keyFormat, ...(days ? { days } : {}), ...validityFlags(p) },
    server: { commonName: serverName, dnsNames: extra.dns, ipAddresses: extra.ip },
    client: { user: clientUser },
    replication,
  });
  const files: Planned[] = [
    ...caFiles(set.ca),
    ...leafFiles(set.server!, 'server', 'server certificate', false),
    ...leafFiles(set.client!, 'client', 'client certificate', pk8),
    ...(set.replication ? leafFiles(set.replication, 'replication', 'replication certificate', false) : []),
  ];
  return await writeAndReport(out, files, p, ctx, format, algorithm);
}

async function certCa(p: ParsedArgs, ctx: CertCtx): Promise<number> {
  const out = required(p, 'out', 'cert ca', '(the folder to write into)');
  const format = formatFlag(p);
  const pathLength = intFlag(p, 'path-length', 0, 10);
  const days = intFlag(p, 'days', 1, 36500);
  const parentFiles = caFlags(p, undefined);
  const parent = parentFiles ? await loadCa(parentFiles, ctx, p.bools.has('allow-invalid-dates')) : undefined;
  const algorithm = algorithmFlag(p) ?? parent?.algorithm ?? 'ecdsa-p256';
  const { hash } = assertStrong(algorithm, one(p, 'hash'));
  const keyFormat = keyFormatFlag(p, algorithm);
  const commonName = one(p, 'common-name') ?? (parent ? 'pgtls development intermediate CA' : 'pgtls development CA');
  precheck(out, ['ca.crt', 'ca.key'], p.bools.has('force'));
  const ca = await ctx.certs.createCa({
    algorithm, keyFormat, commonName, ...(hash ? { hash } : {}), ...(days ? { days } : {}), ...(pathLength !== undefined ? { pathLength } : {}), ...validityFlags(p),
    ...(parent ? { parent } : {}),
  });
  return await writeAndReport(out, caFiles(ca), p, ctx, format, algorithm);
}

async function certLeaf(kind: 'server' | 'client' | 'replication', p: ParsedArgs, ctx: CertCtx): Promise<number> {
  const command = `cert ${kind}`;
  const out = required(p, 'out', command, '(the folder to write into)');
  const format = formatFlag(p);
  const pr = kind === 'replication' ? undefined : presetFrom(p, command);
  const days = intFlag(p, 'days', 1, 36500);
  const pk8 = p.bools.has('pk8');
  const libpq = kind === 'client' && p.bools.has('libpq');
  const base = basenameFlag(p, libpq ? 'postgresql' : kind);
  const requestedAlg = algorithmFlag(p);
  const caPaths = caFlags(p, out);
  if (!caPaths) throw new UsageError(`${command} needs a CA`);

  const request: IssueRequest = {};
  if (kind === 'server') {
    const serverName = one(p, 'server-name') ?? pr?.server.commonName;
    const sans = pr ? [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== serverName) : many(p, 'san');
    if (!serverName) throw new UsageError('cert server needs --server-name (the host name or address clients dial), or --operator/--resource');
    const extra = splitSans(sans);
    request.server = { commonName: serverName, dnsNames: extra.dns, ipAddresses: extra.ip, clientAuth: p.bools.has('client-auth') };
  } else if (kind === 'client') {
    const clientUser = one(p, 'client-user') ?? pr?.clientUsers[0];
    if (!clientUser) throw new UsageError('cert client needs --client-user (the database user; it becomes the CN)');
    request.client = { user: clientUser };
  } else {
    request.replication = true;
  }
  keyFormatFlag(p, requestedAlg);
  const names = [`${base}.crt`, `${base}.key`, ...(pk8 ? [`${base}.pk8`] : []), ...(libpq ? ['root.crt'] : [])];
  if (libpq && base === 'root') throw new UsageError('--basename root would collide with root.crt in the libpq layout');
  precheck(out, names, p.bools.has('force'));

  const ca = await loadCa(caPaths, ctx, p.bools.has('allow-invalid-dates'));
  const algorithm = requestedAlg ?? ca.algorithm;
  request.leaves = { algorithm, keyFormat: keyFormatFlag(p, algorithm), ...(days ? { days } : {}), ...validityFlags(p) };
  const issued = await ctx.certs.issue(ca, request);
  const leaf = (issued.server ?? issued.client ?? issued.replication)!;
  const role = `${kind} certificate`;
  const files: Planned[] = leafFiles(leaf, base, role, pk8);
  if (libpq) files.push({ name: 'root.crt', contents: caPaths.certText, secret: false, role: 'CA certificate (libpq sslrootcert)' });
  return await writeAndReport(out, files, p, ctx, format, algorithm);
}
