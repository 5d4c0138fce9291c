/**
 * The flags of `pgtls cert …` (per subcommand, parsed by the one parser in args.ts) and the readers of the values
 * they share: algorithm, key format, output format, file basename.
 */
import { algorithmSpec, parseAlgorithm, parseKeyFormat, type KeyAlgorithm, type KeyFormat } from '../certGenerate';
import { UsageError, choiceFlag, one, type Flags, type ParsedArgs } from './args';

const OUTPUT_FLAGS: Flags = { force: 'bool', 'no-gitignore': 'bool', format: 'string' };
/** The validity of generated certificates: dates or times relative to now (certs/validity.ts reads them). */
const VALIDITY_FLAGS: Flags = { 'not-before': 'string', 'not-after': 'string', 'allow-invalid-dates': 'bool' };
const PRESET_FLAGS: Flags = { operator: 'string', name: 'string', namespace: 'string', 'cluster-domain': 'string', resource: 'string', layout: 'string' };
const LEAF_FLAGS: Flags = {
  out: 'string', 'ca-cert': 'string', 'ca-key': 'string', algorithm: 'string', days: 'string', 'key-format': 'string',
  pk8: 'bool', basename: 'string', ...OUTPUT_FLAGS, ...VALIDITY_FLAGS,
};

/** Each `cert` subcommand and its flags. */
export const CERT_COMMANDS: Readonly<Record<string, Flags>> = {
  set: {
    out: 'string', algorithm: 'string', 'server-name': 'string', san: 'list', 'client-user': 'string', days: 'string',
    'ca-days': 'string', 'ca-name': 'string', hash: 'string', 'key-format': 'string', pk8: 'bool', replication: 'bool',
    ...PRESET_FLAGS, ...OUTPUT_FLAGS, ...VALIDITY_FLAGS,
  },
  ca: {
    out: 'string', algorithm: 'string', 'common-name': 'string', days: 'string', hash: 'string', 'path-length': 'string',
    'ca-cert': 'string', 'ca-key': 'string', 'key-format': 'string', ...OUTPUT_FLAGS, ...VALIDITY_FLAGS,
  },
  server: { ...LEAF_FLAGS, 'server-name': 'string', san: 'list', 'client-auth': 'bool', ...PRESET_FLAGS },
  client: { ...LEAF_FLAGS, 'client-user': 'string', libpq: 'bool', ...PRESET_FLAGS },
  replication: { ...LEAF_FLAGS },
  secrets: {
    ...PRESET_FLAGS, san: 'list', 'client-user': 'string', from: 'string', out: 'string', certificate: 'bool', 'no-root-ca': 'bool',
    algorithm: 'string', days: 'string', force: 'bool', 'no-gitignore': 'bool',
  },
  preset: { ...PRESET_FLAGS, san: 'list', 'client-user': 'list', format: 'string' },
  renew: { out: 'string', 'new-keys': 'bool', 'no-backup': 'bool', days: 'string', format: 'string' },
  'rotate-ca': { ...PRESET_FLAGS, out: 'string', 'new-keys': 'bool', 'no-backup': 'bool', days: 'string', 'ca-days': 'string', format: 'string' },
  sign: {
    csr: 'string', 'ca-cert': 'string', 'ca-key': 'string', client: 'bool', server: 'bool', 'client-auth': 'bool', out: 'string',
    days: 'string', san: 'list', force: 'bool', format: 'string', ...VALIDITY_FLAGS,
  },
};

/** --not-before / --not-after / --allow-invalid-dates, as the core takes them (it reads the dates against the command's clock). */
export function validityFlags(p: ParsedArgs): { notBefore?: string; notAfter?: string; allowInvalidDates?: boolean } {
  const notBefore = one(p, 'not-before'), notAfter = one(p, 'not-after');
  return {
    ...(notBefore !== undefined ? { notBefore } : {}), ...(notAfter !== undefined ? { notAfter } : {}),
    ...(p.bools.has('allow-invalid-dates') ? { allowInvalidDates: true } : {}),
  };
}

/** Other names the cert commands accept. */
export const CERT_ALIASES: Readonly<Record<string, string>> = { 'ca-name': 'common-name', user: 'client-user' };

export function formatFlag(p: ParsedArgs): 'text' | 'json' {
  return choiceFlag(p, 'format', ['text', 'json'] as const) ?? 'text';
}

export function algorithmFlag(p: ParsedArgs): KeyAlgorithm | undefined {
  const a = one(p, 'algorithm');
  return a === undefined ? undefined : parseAlgorithm(a);
}

export function keyFormatFlag(p: ParsedArgs, algorithm: KeyAlgorithm | undefined): KeyFormat {
  const f = parseKeyFormat(one(p, 'key-format') ?? 'pkcs8');
  if (f === 'pkcs1' && algorithm && algorithmSpec(algorithm).family !== 'RSA') {
    throw new UsageError(`--key-format pkcs1 exists only for RSA keys; ${algorithm} keys are written as pkcs8`);
  }
  return f;
}

export function basenameFlag(p: ParsedArgs, fallback: string): string {
  const b = one(p, 'basename') ?? fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(b) || b.length > 100) throw new UsageError(`--basename must be a plain file name stem (letters, digits, ".", "_", "-"), not "${b}"`);
  return b;
}
