/**
 * `pgtls cert …` and `pgtls inspect …`: the command-line front end of the certificate core. This file is glue, not
 * core: it reads files, takes the real clock and Node's WebCrypto, and writes only through node/writeFiles.ts.
 *
 *   pgtls cert set --out DIR --algorithm ALG --server-name NAME [--san NAME_OR_IP]... --client-user USER
 *   pgtls cert ca|server|client|replication --out DIR ...
 *   pgtls cert secrets --operator percona|cpo|kubedb --name CLUSTER [--namespace NS] --from DIR [--out FILE|-]
 *   pgtls cert preset --operator kubedb|percona|cpo|pgpool --name NAME [--namespace NS] [--format json]
 *   pgtls inspect FILE...
 *
 * Exit codes: 0 done; 1 failed (an input file is unusable, or reading/writing failed); 2 bad usage (unknown or
 * missing option, invalid value, weak algorithm, invalid name, or target files exist and --force was not given).
 * Nothing here prints or logs key material: summaries name files, algorithms, subjects, SANs and validity only.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from '@peculiar/x509';
import { parseAllDocuments } from 'yaml';
import { CertError, KEY_ALGORITHMS, SIGNATURE_HASHES, algorithmSpec, assertStrong, parseAlgorithm, type KeyAlgorithm } from './algorithms';
import {
  DEFAULT_CA_DAYS,
  DEFAULT_LEAF_DAYS,
  PERCONA_REPLICATION_USER,
  createCa,
  createIntermediate,
  issueClient,
  issueReplication,
  issueServer,
  type CertificateAuthority,
  type IssuedCertificate,
} from './generate';
import { describeCertificate, describeCertificates, type CertificateDescription } from './inspect';
import { parseKeyFormat, pemDecodeAll, type KeyFormat } from './keys';
import { operatorManifests, renderManifests, requiredFiles, toYaml } from './manifests';
import { splitSans } from './names';
import { describeKeys, keyMatchesCertificate, loadCertificateAuthority, type KeyDescription } from './plan';
import { OPERATORS, parseOperator, preset, presetFromResource, type CertPreset, type CpoLayout, type PresetInput } from './presets';
import { ExistingFilesError, WriteFilesError, writeCertFiles, type FileToWrite, type WriteResult } from '../node/writeFiles';
import { fastCrypto } from '../node/fastCrypto';

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

/** What the CLI takes from its surroundings; tests may pin the clock. */
export interface CertCliEnv {
  now?: () => Date;
  crypto?: Crypto;
}

/** A mistake in the command line: exit 2. */
export class CertUsageError extends Error {
  override readonly name = 'CertUsageError';
}

/** The command was understood but could not be carried out (unusable input file, I/O): exit 1. */
class CertFailure extends Error {
  override readonly name = 'CertFailure';
}

export const CERT_HELP = `Certificates (pgtls cert …) and inspection (pgtls inspect …).

  pgtls cert set --out DIR [--algorithm ALG] --server-name NAME [--san NAME_OR_IP]... --client-user USER
                 [--days N] [--ca-days N] [--ca-name CN] [--hash H] [--key-format pkcs8|pkcs1] [--pk8]
                 [--replication] [--operator OP --name NAME [--namespace NS] [--cluster-domain D] | --resource FILE]
                 [--force] [--no-gitignore] [--format text|json]
      A CA, a server and a client certificate with their keys: ca.crt ca.key server.crt server.key client.crt
      client.key (+ replication.crt/.key with --replication or --operator percona, client.pk8 with --pk8).
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

  pgtls cert secrets --operator percona|cpo|kubedb --name CLUSTER [--namespace NS] [--cluster-domain D]
                     --from DIR [--out FILE|-] [--layout one|two] [--certificate [--algorithm ALG] [--days N]]
                     [--no-root-ca] [--san NAME_OR_IP]... [--resource FILE] [--force] [--no-gitignore]
      Kubernetes Secrets from the files in DIR (as kubectl create secret generic … --dry-run=client -o yaml
      prints them), KubeDB's cert-manager Issuer (+ --certificate: a client Certificate), and the patch for the
      resource as comments. Default output: stdout. The YAML holds the private keys: a FILE is written 0600.

  pgtls cert preset --operator kubedb|percona|cpo|pgpool --name NAME [--namespace NS] [--cluster-domain D]
                    [--san NAME_OR_IP]... [--client-user USER]... [--layout one|two] [--resource FILE]
                    [--format text|json]
      The SANs the operator's clients dial, the Secrets it expects, the client CN and the resource patch.

  pgtls inspect FILE... [--format text|json]
      Every certificate in a PEM or DER file, like openssl x509 -text; for a key file its type and size (never
      the key) and whether its mode lets others read it.

  ALG: ${KEY_ALGORITHMS.join(', ')} (default ecdsa-p256). H: ${SIGNATURE_HASHES.join(', ')} (SHA-1 and MD5 are refused).
  Validity: CA ${DEFAULT_CA_DAYS} days, leaves ${DEFAULT_LEAF_DAYS} days (at most the CA's).
  Keys are written 0600 and certificates 0644 in a 0700 folder, atomically, never over an existing file without
  --force; a .gitignore keeps *.key and *.pk8 out of git unless --no-gitignore. The keys are unencrypted.

Exit status: 0 done, 1 failed (unusable input file, I/O error), 2 bad usage (including existing files without --force).
`;

// --- argument parsing -------------------------------------------------------------------------------------------

type FlagKind = 'string' | 'list' | 'bool';
type Flags = Record<string, FlagKind>;
interface Parsed {
  values: Map<string, string[]>;
  bools: Set<string>;
  positional: string[];
}

const OUTPUT_FLAGS: Flags = { force: 'bool', 'no-gitignore': 'bool', format: 'string' };
const PRESET_FLAGS: Flags = { operator: 'string', name: 'string', namespace: 'string', 'cluster-domain': 'string', resource: 'string', layout: 'string' };
const LEAF_FLAGS: Flags = {
  out: 'string', 'ca-cert': 'string', 'ca-key': 'string', algorithm: 'string', days: 'string', 'key-format': 'string',
  pk8: 'bool', basename: 'string', ...OUTPUT_FLAGS,
};
const COMMANDS: Record<string, Flags> = {
  set: {
    out: 'string', algorithm: 'string', 'server-name': 'string', san: 'list', 'client-user': 'string', days: 'string',
    'ca-days': 'string', 'ca-name': 'string', hash: 'string', 'key-format': 'string', pk8: 'bool', replication: 'bool',
    ...PRESET_FLAGS, ...OUTPUT_FLAGS,
  },
  ca: {
    out: 'string', algorithm: 'string', 'common-name': 'string', days: 'string', hash: 'string', 'path-length': 'string',
    'ca-cert': 'string', 'ca-key': 'string', 'key-format': 'string', ...OUTPUT_FLAGS,
  },
  server: { ...LEAF_FLAGS, 'server-name': 'string', san: 'list', 'client-auth': 'bool', ...PRESET_FLAGS },
  client: { ...LEAF_FLAGS, 'client-user': 'string', libpq: 'bool', ...PRESET_FLAGS },
  replication: { ...LEAF_FLAGS },
  secrets: {
    ...PRESET_FLAGS, san: 'list', 'client-user': 'string', from: 'string', out: 'string', certificate: 'bool', 'no-root-ca': 'bool',
    algorithm: 'string', days: 'string', force: 'bool', 'no-gitignore': 'bool',
  },
  preset: { ...PRESET_FLAGS, san: 'list', 'client-user': 'list', format: 'string' },
};
const ALIASES: Record<string, string> = { 'ca-name': 'common-name', user: 'client-user' };

function parseFlags(command: string, args: string[], flags: Flags, allowPositional = false): Parsed {
  const p: Parsed = { values: new Map(), bools: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      if (!allowPositional) throw new CertUsageError(`${command} takes no file arguments`);
      p.positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      if (a.startsWith('-') && a !== '-') throw new CertUsageError(`unknown option ${a} for ${command}`);
      if (!allowPositional) throw new CertUsageError(`unexpected argument "${a}" for ${command}`);
      p.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const alias = ALIASES[name];
    if (!(name in flags) && alias !== undefined && alias in flags) name = alias;
    const kind = flags[name];
    if (!kind) throw new CertUsageError(`unknown option --${name} for ${command}`);
    if (kind === 'bool') {
      if (eq > 0) throw new CertUsageError(`--${name} takes no value`);
      p.bools.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      value = args[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new CertUsageError(`--${name} needs a value`);
    }
    const list = p.values.get(name) ?? [];
    if (kind === 'string' && list.length) throw new CertUsageError(`--${name} given more than once`);
    list.push(value);
    p.values.set(name, list);
  }
  return p;
}

const one = (p: Parsed, name: string): string | undefined => p.values.get(name)?.[0];
const many = (p: Parsed, name: string): string[] => p.values.get(name) ?? [];
function required(p: Parsed, name: string, command: string, why = ''): string {
  const v = one(p, name);
  if (v === undefined || v === '') throw new CertUsageError(`${command} needs --${name}${why ? ` ${why}` : ''}`);
  return v;
}

function intFlag(p: Parsed, name: string, min: number, max: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new CertUsageError(`--${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

function formatFlag(p: Parsed): 'text' | 'json' {
  const f = one(p, 'format') ?? 'text';
  if (f !== 'text' && f !== 'json') throw new CertUsageError(`--format must be text or json, not "${f}"`);
  return f;
}

function algorithmFlag(p: Parsed): KeyAlgorithm | undefined {
  const a = one(p, 'algorithm');
  return a === undefined ? undefined : parseAlgorithm(a);
}

function keyFormatFlag(p: Parsed, algorithm: KeyAlgorithm | undefined): KeyFormat {
  const f = parseKeyFormat(one(p, 'key-format') ?? 'pkcs8');
  if (f === 'pkcs1' && algorithm && algorithmSpec(algorithm).family !== 'RSA') {
    throw new CertUsageError(`--key-format pkcs1 exists only for RSA keys; ${algorithm} keys are written as pkcs8`);
  }
  return f;
}

function basenameFlag(p: Parsed, fallback: string): string {
  const b = one(p, 'basename') ?? fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(b) || b.length > 100) throw new CertUsageError(`--basename must be a plain file name stem (letters, digits, ".", "_", "-"), not "${b}"`);
  return b;
}

// --- entry point ------------------------------------------------------------------------------------------------

/**
 * Runs `cert …` or `inspect …` (argv starts with the command word) and resolves with the exit code. Output goes to
 * `io.out`, diagnostics to `io.err`. Never throws.
 */
export async function runCertCli(argv: string[], io: CliIo, env: CertCliEnv = {}): Promise<number> {
  const now = env.now ?? (() => new Date());
  const crypto = env.crypto ?? fastCrypto();
  try {
    const [command, sub, ...rest] = argv;
    if (command === 'inspect') {
      const args = [sub, ...rest].filter((x): x is string => x !== undefined);
      if (args.includes('--help') || args.includes('-h')) { io.out(CERT_HELP); return 0; }
      return await inspect(args, io, now(), crypto);
    }
    if (command !== 'cert') throw new CertUsageError(`runCertCli handles "cert" and "inspect", not "${command ?? ''}"`);
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') { io.out(CERT_HELP); return sub ? 0 : 2; }
    const flags = COMMANDS[sub];
    if (!flags) throw new CertUsageError(`unknown cert command "${sub}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) { io.out(CERT_HELP); return 0; }
    const p = parseFlags(`cert ${sub}`, rest, flags);
    const ctx: Ctx = { io, now: now(), crypto };
    switch (sub) {
      case 'set': return await certSet(p, ctx);
      case 'ca': return await certCa(p, ctx);
      case 'server': case 'client': case 'replication': return await certLeaf(sub, p, ctx);
      case 'secrets': return await certSecrets(p, ctx);
      case 'preset': return certPreset(p, ctx);
    }
    return 2;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CertUsageError || e instanceof CertError) {
    io.err(`pgtls: ${e.message}\nRun "pgtls cert --help" for usage.\n`);
    return 2;
  }
  if (e instanceof ExistingFilesError) {
    io.err(`pgtls: ${e.message} (use --force to replace ${e.existing.length === 1 ? 'it' : 'them'})\n`);
    return 2;
  }
  if (e instanceof CertFailure || e instanceof WriteFilesError) {
    io.err(`pgtls: ${e.message}\n`);
    return 1;
  }
  // Unexpected: report the message and where, but never an object dump that could hold key bytes.
  io.err(`pgtls: internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}\n`);
  return 1;
}

interface Ctx {
  io: CliIo;
  now: Date;
  crypto: Crypto;
}

// --- presets ----------------------------------------------------------------------------------------------------

/** The preset named by --operator/--name (…) or --resource, or undefined when neither is given. */
function presetFrom(p: Parsed, command: string): CertPreset | undefined {
  const resource = one(p, 'resource');
  const opName = one(p, 'operator');
  const layout = one(p, 'layout');
  if (layout !== undefined && layout !== 'one' && layout !== 'two') throw new CertUsageError(`--layout must be one or two, not "${layout}"`);
  const extraSans = many(p, 'san');
  const users = many(p, 'client-user');
  const overrides: Partial<PresetInput> = {
    ...(one(p, 'namespace') ? { namespace: one(p, 'namespace') } : {}),
    ...(one(p, 'cluster-domain') ? { clusterDomain: one(p, 'cluster-domain') } : {}),
    ...(layout ? { cpoLayout: layout as CpoLayout } : {}),
    ...(extraSans.length ? { extraSans } : {}),
    ...(users.length ? { clientUsers: users } : {}),
  };
  if (resource !== undefined) {
    const text = readText(resource, 'resource file');
    const wanted = one(p, 'name');
    let docs: unknown[];
    try {
      docs = parseAllDocuments(text).map(d => d.toJS());
    } catch {
      throw new CertFailure(`${resource} is not valid YAML`);
    }
    for (const doc of docs) {
      const name = (doc as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      if (wanted !== undefined && name !== wanted) continue;
      const found = presetFromResource(doc, overrides);
      if (found) {
        if (opName !== undefined && parseOperator(opName) !== found.operator) {
          throw new CertUsageError(`--operator ${opName} does not match the ${found.kind} in ${resource}`);
        }
        return found;
      }
    }
    throw new CertFailure(`${resource} holds no KubeDB Pgpool, PerconaPGCluster or CPO postgresql${wanted ? ` named "${wanted}"` : ''}`);
  }
  if (opName === undefined) {
    if (one(p, 'name') !== undefined || one(p, 'namespace') !== undefined || one(p, 'cluster-domain') !== undefined || layout !== undefined) {
      throw new CertUsageError(`${command}: --name, --namespace, --cluster-domain and --layout need --operator (${OPERATORS.join(', ')}) or --resource`);
    }
    return undefined;
  }
  const name = required(p, 'name', command, '(the resource name, or the Pgpool-II host for --operator pgpool)');
  return preset({ operator: opName, name, ...overrides });
}

function certPreset(p: Parsed, { io }: Ctx): number {
  const format = formatFlag(p);
  const pr = presetFrom(p, 'cert preset');
  if (!pr) throw new CertUsageError(`cert preset needs --operator (${OPERATORS.join(', ')}) and --name, or --resource FILE`);
  if (format === 'json') {
    io.out(JSON.stringify(pr, null, 2) + '\n');
    return 0;
  }
  const L: string[] = [];
  L.push(pr.operator === 'pgpool' ? `Pgpool-II on ${pr.name}` : `${pr.kind} ${pr.name} in namespace ${pr.namespace} (cluster domain ${pr.clusterDomain})`);
  L.push('', 'Server certificate:', `  CN: ${pr.server.commonName}`);
  for (const d of pr.server.dnsNames) L.push(`  DNS: ${d}`);
  for (const ip of pr.server.ipAddresses) L.push(`  IP: ${ip}`);
  L.push('', `Client certificate CN: ${pr.clientUsers.join(', ')}`);
  if (pr.replicationUser) L.push(`Replication certificate CN: ${pr.replicationUser}`);
  if (pr.secrets.length) {
    L.push('', 'Secrets:');
    for (const s of pr.secrets) {
      L.push(`  ${s.name}  [${s.type ?? 'Opaque'}: ${s.keys.join(', ')}]  ${s.reference ?? ''}  (${s.source === 'pgtls' ? 'pgtls cert secrets writes it' : 'the operator creates it'})`);
    }
  }
  if (pr.issuer) L.push('', `cert-manager ${pr.issuer.kind}: ${pr.issuer.name} (spec.ca.secretName: ${pr.issuer.secretName})`);
  if (Object.keys(pr.patch).length) L.push('', `Patch for the ${pr.kind}:`, ...toYaml(pr.patch).trimEnd().split('\n').map(l => `  ${l}`));
  if (pr.config) {
    L.push('', 'pgpool.conf:', ...pr.config.pgpoolConf.map(l => `  ${l}`), 'pool_hba.conf:', ...pr.config.poolHba.map(l => `  ${l}`));
  }
  if (pr.notes.length) L.push('', 'Notes:', ...pr.notes.map(n => `  - ${n}`));
  const gen = pr.operator === 'pgpool'
    ? `pgtls cert set --out certs/${pr.name} --server-name ${pr.server.commonName}${[...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== pr.server.commonName).map(s => ` --san ${s}`).join('')} --client-user ${pr.clientUsers[0]}`
    : `pgtls cert set --operator ${pr.operator} --name ${pr.name} --namespace ${pr.namespace} --out certs/${pr.name}`;
  L.push('', `Generate with: ${gen}`);
  io.out(L.join('\n') + '\n');
  return 0;
}

// --- generation -------------------------------------------------------------------------------------------------

type Planned = FileToWrite & { cert?: IssuedCertificate; role?: string };

async function certSet(p: Parsed, ctx: Ctx): Promise<number> {
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
  if (!serverName) throw new CertUsageError('cert set needs --server-name (the host name or address clients dial), or --operator/--resource');
  if (!clientUser) throw new CertUsageError('cert set needs --client-user (the database user the client certificate logs in as; it becomes the CN)');
  const replication = p.bools.has('replication') || pr?.operator === 'percona';
  const pk8 = p.bools.has('pk8');
  const names = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key',
    ...(pk8 ? ['client.pk8'] : []), ...(replication ? ['replication.crt', 'replication.key'] : [])];
  precheck(out, names, p.bools.has('force'));
  const extra = splitSans(sans);

  const common = { now: ctx.now, crypto: ctx.crypto, algorithm, keyFormat };
  const caName = one(p, 'ca-name') ?? [...`pgtls development CA for ${serverName}`].slice(0, 64).join('').trim();
  const ca = await createCa({ ...common, commonName: caName, ...(hash ? { hash } : {}), days: caDays ?? DEFAULT_CA_DAYS });
  const [server, client, repl] = await Promise.all([
    issueServer(ca, { ...common, days, commonName: serverName, dnsNames: extra.dns, ipAddresses: extra.ip }),
    issueClient(ca, { ...common, days, user: clientUser }),
    replication ? issueReplication(ca, { ...common, days }) : Promise.resolve(undefined),
  ]);
  const files: Planned[] = [
    ...caFiles(ca),
    ...leafFiles(server, 'server', 'server certificate', false),
    ...leafFiles(client, 'client', 'client certificate', pk8),
    ...(repl ? leafFiles(repl, 'replication', 'replication certificate', false) : []),
  ];
  return await writeAndReport(out, files, p, ctx, format, algorithm);
}

async function certCa(p: Parsed, ctx: Ctx): Promise<number> {
  const out = required(p, 'out', 'cert ca', '(the folder to write into)');
  const format = formatFlag(p);
  const pathLength = intFlag(p, 'path-length', 0, 10);
  const days = intFlag(p, 'days', 1, 36500);
  const parentFiles = caFlags(p, undefined);
  const parent = parentFiles ? await loadCa(parentFiles, ctx) : undefined;
  const algorithm = algorithmFlag(p) ?? parent?.algorithm ?? 'ecdsa-p256';
  const { hash } = assertStrong(algorithm, one(p, 'hash'));
  const keyFormat = keyFormatFlag(p, algorithm);
  const commonName = one(p, 'common-name') ?? (parent ? 'pgtls development intermediate CA' : 'pgtls development CA');
  precheck(out, ['ca.crt', 'ca.key'], p.bools.has('force'));
  const opts = { now: ctx.now, crypto: ctx.crypto, algorithm, keyFormat, commonName, ...(hash ? { hash } : {}), ...(days ? { days } : {}), ...(pathLength !== undefined ? { pathLength } : {}) };
  const ca = parent ? await createIntermediate(parent, opts) : await createCa(opts);
  return await writeAndReport(out, caFiles(ca), p, ctx, format, algorithm);
}

async function certLeaf(kind: 'server' | 'client' | 'replication', p: Parsed, ctx: Ctx): Promise<number> {
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
  if (!caPaths) throw new CertUsageError(`${command} needs a CA`);

  let serverName: string | undefined;
  let sans: string[] = [];
  let clientUser: string | undefined;
  if (kind === 'server') {
    serverName = one(p, 'server-name') ?? pr?.server.commonName;
    sans = pr ? [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== serverName) : many(p, 'san');
    if (!serverName) throw new CertUsageError('cert server needs --server-name (the host name or address clients dial), or --operator/--resource');
  } else if (kind === 'client') {
    clientUser = one(p, 'client-user') ?? pr?.clientUsers[0];
    if (!clientUser) throw new CertUsageError('cert client needs --client-user (the database user; it becomes the CN)');
  }
  keyFormatFlag(p, requestedAlg);
  const names = [`${base}.crt`, `${base}.key`, ...(pk8 ? [`${base}.pk8`] : []), ...(libpq ? ['root.crt'] : [])];
  if (libpq && base === 'root') throw new CertUsageError('--basename root would collide with root.crt in the libpq layout');
  precheck(out, names, p.bools.has('force'));

  const ca = await loadCa(caPaths, ctx);
  const algorithm = requestedAlg ?? ca.algorithm;
  const keyFormat = keyFormatFlag(p, algorithm);
  const common = { now: ctx.now, crypto: ctx.crypto, algorithm, keyFormat, ...(days ? { days } : {}) };
  let leaf: IssuedCertificate;
  let role: string;
  if (kind === 'server') {
    const extra = splitSans(sans);
    leaf = await issueServer(ca, { ...common, commonName: serverName!, dnsNames: extra.dns, ipAddresses: extra.ip, clientAuth: p.bools.has('client-auth') });
    role = 'server certificate';
  } else if (kind === 'client') {
    leaf = await issueClient(ca, { ...common, user: clientUser! });
    role = 'client certificate';
  } else {
    leaf = await issueReplication(ca, common);
    role = 'replication certificate';
  }
  const files: Planned[] = leafFiles(leaf, base, role, pk8);
  if (libpq) files.push({ name: 'root.crt', contents: caPaths.certText, secret: false, role: 'CA certificate (libpq sslrootcert)' });
  return await writeAndReport(out, files, p, ctx, format, algorithm);
}

interface CaPaths { cert: string; key: string; certText: string; keyText: string }

/** --ca-cert/--ca-key, or DIR/ca.crt + DIR/ca.key when `defaultDir` is given and they exist. Reads both files. */
function caFlags(p: Parsed, defaultDir: string | undefined): CaPaths | undefined {
  let cert = one(p, 'ca-cert');
  let key = one(p, 'ca-key');
  if ((cert === undefined) !== (key === undefined)) throw new CertUsageError('--ca-cert and --ca-key go together');
  if (cert === undefined && defaultDir !== undefined) {
    cert = path.join(defaultDir, 'ca.crt');
    key = path.join(defaultDir, 'ca.key');
    if (!fs.existsSync(cert) || !fs.existsSync(key)) {
      throw new CertUsageError(`no CA given and ${cert} / ${key} do not both exist: pass --ca-cert FILE --ca-key FILE, or run "pgtls cert ca --out ${defaultDir}" first`);
    }
  }
  if (cert === undefined || key === undefined) return undefined;
  return { cert, key, certText: readText(cert, 'CA certificate'), keyText: readText(key, 'CA key') };
}

async function loadCa(paths: CaPaths, ctx: Ctx): Promise<CertificateAuthority> {
  try {
    return await loadCertificateAuthority(paths.certText, paths.keyText, ctx.now, ctx.crypto);
  } catch (e) {
    if (e instanceof CertError) throw new CertFailure(`cannot issue from ${paths.cert} with ${paths.key}: ${e.message}`);
    throw e;
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertUsageError(`${what} ${file} does not exist`);
    throw new CertFailure(`cannot read ${what} ${file}: ${code ?? (e as Error).message}`);
  }
}

function caFiles(ca: CertificateAuthority): Planned[] {
  return [
    { name: 'ca.crt', contents: ca.chainPem, secret: false, cert: ca, role: ca.chain.length ? 'intermediate CA certificate (+ chain)' : 'CA certificate' },
    { name: 'ca.key', contents: ca.keyPem, secret: true, role: 'CA private key' },
  ];
}

function leafFiles(c: IssuedCertificate, base: string, role: string, pk8: boolean): Planned[] {
  return [
    { name: `${base}.crt`, contents: c.chainPem, secret: false, cert: c, role },
    { name: `${base}.key`, contents: c.keyPem, secret: true, role: 'private key' },
    ...(pk8 ? [{ name: `${base}.pk8`, contents: c.pk8Der, secret: true, role: 'private key, PKCS#8 DER (JDBC sslkey)' }] : []),
  ];
}

/** Fails before any key is generated when a target exists and --force was not given. */
function precheck(dir: string, names: string[], force: boolean): void {
  if (force) return;
  const existing = names.map(n => path.resolve(dir, n)).filter(f => {
    try {
      fs.lstatSync(f);
      return true;
    } catch {
      return false;
    }
  });
  if (existing.length) throw new ExistingFilesError(existing);
}

async function writeAndReport(out: string, files: Planned[], p: Parsed, ctx: Ctx, format: 'text' | 'json', algorithm: KeyAlgorithm): Promise<number> {
  const result = await writeCertFiles(out, files, { force: p.bools.has('force'), gitignore: !p.bools.has('no-gitignore') });
  for (const w of result.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
  const described = new Map<string, CertificateDescription>();
  for (const f of files) if (f.cert) described.set(f.name, await describeCertificate(f.cert.certPem, ctx.now, ctx.crypto));
  ctx.io.out(format === 'json' ? jsonSummary(result, files, described, algorithm) : textSummary(result, files, described, algorithm));
  return 0;
}

const octal = (m: number) => m.toString(8).padStart(4, '0');
const day = (d: Date) => d.toISOString().slice(0, 10);
const spanDays = (d: CertificateDescription) => Math.round((d.notAfter.getTime() - d.notBefore.getTime()) / 86_400_000);

function textSummary(r: WriteResult, files: Planned[], desc: Map<string, CertificateDescription>, algorithm: KeyAlgorithm): string {
  const L: string[] = [`Wrote ${r.files.length} file${r.files.length === 1 ? '' : 's'} to ${r.dir}${r.createdDir ? ' (new folder, mode 0700)' : ''}:`];
  const width = Math.max(...r.files.map(f => f.name.length), 10);
  for (const w of r.files) {
    const f = files.find(x => x.name === w.name)!;
    const d = desc.get(w.name);
    let line = `  ${w.name.padEnd(width)}  ${octal(w.mode)}  ${f.role ?? ''}${w.replaced ? ' (replaced)' : ''}`;
    if (d) {
      line += `: ${d.subject}`;
      const sans = [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)];
      if (sans.length) line += `\n  ${''.padEnd(width)}        SANs: ${sans.join(', ')}`;
      line += `\n  ${''.padEnd(width)}        valid ${day(d.notBefore)} to ${day(d.notAfter)} (${spanDays(d)} days), ${describeKeyOf(d)}, SHA-256 ${d.fingerprintSha256}`;
    }
    L.push(line);
  }
  if (r.gitignore === 'created') L.push(`  ${'.gitignore'.padEnd(width)}  0644  created: keeps *.key and *.pk8 out of git`);
  else if (r.gitignore === 'appended') L.push(`  ${'.gitignore'.padEnd(width)}        added *.key / *.pk8 lines to your .gitignore`);
  L.push(`Algorithm ${algorithmSpec(algorithm).label}. The private keys are unencrypted (mode 0600) and meant for development and testing.`);
  return L.join('\n') + '\n';
}

function describeKeyOf(d: CertificateDescription): string {
  const k = d.publicKey;
  return k.type === 'EC' ? `EC ${k.curve}` : `${k.type}${k.type.startsWith('RSA') && k.bits ? ` ${k.bits}` : ''}`;
}

function jsonSummary(r: WriteResult, files: Planned[], desc: Map<string, CertificateDescription>, algorithm: KeyAlgorithm): string {
  return JSON.stringify({
    dir: r.dir,
    createdDir: r.createdDir,
    algorithm,
    files: r.files.map(w => {
      const d = desc.get(w.name);
      return {
        name: w.name, path: w.path, mode: octal(w.mode), kind: w.secret ? 'private-key' : 'certificate', role: files.find(f => f.name === w.name)?.role,
        replaced: w.replaced,
        ...(d ? {
          subject: d.subject, issuer: d.issuer, commonName: d.commonName, sans: { dns: d.subjectAltNames.dns, ip: d.subjectAltNames.ip },
          notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(), days: spanDays(d), serialNumber: d.serialNumber,
          fingerprintSha256: d.fingerprintSha256, keyUsage: d.keyUsage?.usages ?? [], extendedKeyUsage: d.extendedKeyUsage?.usages ?? [],
        } : {}),
      };
    }),
    gitignore: r.gitignore,
    warnings: r.warnings,
  }, null, 2) + '\n';
}

// --- secrets ----------------------------------------------------------------------------------------------------

async function certSecrets(p: Parsed, ctx: Ctx): Promise<number> {
  const from = required(p, 'from', 'cert secrets', '(the folder with ca.crt, server.crt … as "pgtls cert set" writes it)');
  const pr = presetFrom(p, 'cert secrets');
  if (!pr) throw new CertUsageError('cert secrets needs --operator percona|cpo|kubedb and --name CLUSTER, or --resource FILE');
  if (pr.operator === 'pgpool') throw new CertUsageError('cert secrets is for Kubernetes operators (percona, cpo, kubedb); plain Pgpool-II reads the files directly');
  if (p.bools.has('certificate') && pr.operator !== 'kubedb') throw new CertUsageError('--certificate is for --operator kubedb');
  if (p.bools.has('no-root-ca') && pr.operator !== 'percona') throw new CertUsageError('--no-root-ca is for --operator percona');
  const algorithm = algorithmFlag(p);
  const days = intFlag(p, 'days', 1, 36500);
  const includeRootCa = !p.bools.has('no-root-ca');
  const needed = requiredFiles(pr, { includeRootCa });
  const missingFiles = needed.filter(f => !fs.existsSync(path.join(from, f)));
  if (missingFiles.length) {
    const hint = missingFiles.some(f => f.startsWith('replication.'))
      ? ` (create the replication certificate with "pgtls cert replication --out ${from}")`
      : ` (create them with "pgtls cert set --operator ${pr.operator} --name ${pr.name} --out ${from}")`;
    throw new CertUsageError(`${from} lacks ${missingFiles.join(', ')}${hint}`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const f of needed) {
    try {
      files[f] = fs.readFileSync(path.join(from, f));
    } catch (e) {
      throw new CertFailure(`cannot read ${path.join(from, f)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  await checkSourceFiles(files, pr, from, ctx);
  const manifests = operatorManifests(pr, files, { includeRootCa, certificate: p.bools.has('certificate'), ...(algorithm ? { algorithm } : {}), ...(days ? { days } : {}), sourceDir: from });
  const yaml = renderManifests(manifests, { kind: pr.kind, name: pr.name });
  const out = one(p, 'out') ?? '-';
  const secretNames = manifests.documents.map(d => `${String(d.object.kind)}/${String((d.object.metadata as { name: string }).name)}`);
  if (out === '-') {
    ctx.io.out(yaml);
    ctx.io.err(`pgtls: printed ${secretNames.join(', ')}; the Secrets hold private keys.\n`);
    return 0;
  }
  const result = await writeCertFiles(path.dirname(path.resolve(out)), [{ name: path.basename(out), contents: yaml, secret: true }], {
    force: p.bools.has('force'), gitignore: !p.bools.has('no-gitignore'), ignore: [path.basename(out)],
  });
  for (const w of result.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
  ctx.io.out(`Wrote ${result.files[0]!.path} (mode 0600): ${secretNames.join(', ')}.\nApply with: kubectl apply -f ${out}; then merge the patch at the end of the file into the ${pr.kind} ${pr.name}.\n`);
  return 0;
}

/** The files must be PEM, keys must match their certificates, leaves must come from ca.crt, and Percona's replication CN must be right. */
async function checkSourceFiles(files: Record<string, Uint8Array>, pr: CertPreset, from: string, ctx: Ctx): Promise<void> {
  const text = (f: string) => new TextDecoder().decode(files[f]);
  const certOf = async (f: string) => {
    if (!pemDecodeAll(text(f), 'CERTIFICATE').length) throw new CertFailure(`${path.join(from, f)} is not a PEM certificate`);
    return new X509Certificate(pemDecodeAll(text(f), 'CERTIFICATE')[0]!);
  };
  const ca = files['ca.crt'] ? await certOf('ca.crt') : undefined;
  for (const base of ['ca', 'server', 'replication']) {
    if (!files[`${base}.crt`] || !files[`${base}.key`]) continue;
    const cert = await certOf(`${base}.crt`);
    let ok: boolean;
    try {
      ok = await keyMatchesCertificate(cert, text(`${base}.key`), ctx.crypto);
    } catch (e) {
      throw new CertFailure(`${path.join(from, `${base}.key`)}: ${(e as Error).message}`);
    }
    if (!ok) throw new CertFailure(`${path.join(from, `${base}.key`)} does not belong to ${path.join(from, `${base}.crt`)}`);
    if (base !== 'ca' && ca) {
      const signed = await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }, ctx.crypto).catch(() => false);
      if (!signed) throw new CertFailure(`${path.join(from, `${base}.crt`)} was not issued by ${path.join(from, 'ca.crt')}`);
    }
    if (base === 'replication') {
      const cn = cert.subjectName.getField('CN')[0];
      if (cn !== PERCONA_REPLICATION_USER) throw new CertFailure(`${path.join(from, 'replication.crt')} has CN "${cn ?? ''}"; Percona requires ${PERCONA_REPLICATION_USER}`);
    }
  }
  if (files['server.crt']) {
    const d = await describeCertificate(text('server.crt'), ctx.now, ctx.crypto);
    const have = new Set([...d.subjectAltNames.dns.map(s => s.toLowerCase()), ...d.subjectAltNames.ip]);
    const lacking = [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => !have.has(s.toLowerCase()));
    if (lacking.length) {
      ctx.io.err(`pgtls: warning: server.crt lacks ${lacking.length} of the names ${pr.kind} clients dial: ${lacking.slice(0, 4).join(', ')}${lacking.length > 4 ? ', …' : ''} (regenerate with "pgtls cert set --operator ${pr.operator} --name ${pr.name} --namespace ${pr.namespace} --out DIR --force")\n`);
    }
  }
}

// --- inspect ----------------------------------------------------------------------------------------------------

async function inspect(args: string[], io: CliIo, now: Date, crypto: Crypto): Promise<number> {
  const p = parseFlags('inspect', args, { format: 'string' }, true);
  const format = formatFlag(p);
  if (p.positional.length === 0) throw new CertUsageError('inspect needs a file (a PEM or DER certificate, a chain, or a key file)');
  const reports: { file: string; certificates: CertificateDescription[]; keys: (KeyDescription & { fileMode?: string })[] }[] = [];
  let failed = false;
  for (const file of p.positional) {
    let bytes: Buffer;
    let mode: number | undefined;
    try {
      bytes = fs.readFileSync(file);
      mode = fs.statSync(file).mode & 0o777;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CertUsageError(`no such file: ${file}`);
      io.err(`pgtls: cannot read ${file}: ${code ?? (e as Error).message}\n`);
      failed = true;
      continue;
    }
    try {
      reports.push({ file, ...(await inspectBytes(bytes, mode, now, crypto)) });
    } catch (e) {
      if (!(e instanceof CertError || e instanceof CertFailure)) throw e;
      io.err(`pgtls: ${file}: ${e.message}\n`);
      failed = true;
    }
  }
  if (format === 'json') io.out(JSON.stringify(reports, null, 2) + '\n');
  else io.out(reports.map(renderInspect).join('\n'));
  return failed ? 1 : 0;
}

async function inspectBytes(bytes: Buffer, mode: number | undefined, now: Date, crypto: Crypto): Promise<{ certificates: CertificateDescription[]; keys: (KeyDescription & { fileMode?: string })[] }> {
  const text = bytes.toString('latin1');
  let certificates: CertificateDescription[] = [];
  let keys: KeyDescription[] = [];
  if (text.includes('-----BEGIN ')) {
    if (pemDecodeAll(text, 'CERTIFICATE').length) certificates = await describeCertificates(text, now, crypto);
    keys = describeKeys(text);
  } else {
    // Binary: a DER certificate (.der/.cer) or a DER PKCS#8 key (.pk8).
    const der = new Uint8Array(bytes);
    try {
      certificates = [await describeCertificate(der, now, crypto)];
    } catch {
      try {
        keys = describeKeys(der);
      } catch {
        throw new CertFailure('neither a PEM file nor a DER certificate or PKCS#8 key');
      }
    }
  }
  if (certificates.length === 0 && keys.length === 0) throw new CertFailure('no PEM certificate or key found');
  const withMode = keys.map(k => {
    const problems = [...k.problems];
    if (k.private && mode !== undefined && process.platform !== 'win32' && (mode & 0o077) !== 0) {
      problems.push(`the file has mode ${octal(mode)}: group or others can read it; PostgreSQL refuses such a key (unless root-owned 0640) and Pgpool-II warns about it; chmod 600`);
    }
    return { ...k, problems, ...(mode !== undefined ? { fileMode: octal(mode) } : {}) };
  });
  return { certificates, keys: withMode };
}

function renderInspect(r: { file: string; certificates: CertificateDescription[]; keys: (KeyDescription & { fileMode?: string })[] }): string {
  const L: string[] = [];
  const n = r.certificates.length;
  if (n) L.push(`${r.file}: ${n} certificate${n === 1 ? '' : 's'}`);
  r.certificates.forEach((c, i) => {
    if (n > 1) L.push(`--- certificate ${i + 1} of ${n}${i === 0 ? ' (leaf)' : ''}`);
    L.push(c.text.trimEnd());
  });
  for (const k of r.keys) {
    const what = k.private ? 'private key' : 'public key';
    const size = k.type === 'EC' ? `EC ${k.curve ?? ''}${k.bits ? ` (${k.bits} bit)` : ''}` : `${k.type}${k.bits ? ` (${k.bits} bit)` : ''}`;
    L.push(`${r.file}: ${what}: ${size}, ${k.format}${k.private ? (k.encrypted ? ', encrypted' : ', unencrypted') : ''}${k.fileMode ? `; file mode ${k.fileMode}` : ''}`);
    for (const pr of k.problems) L.push(`    - ${pr}`);
  }
  return L.join('\n') + '\n';
}
