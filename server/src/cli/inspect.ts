/**
 * `pgtls inspect FILE…`: every certificate in a PEM or DER file (like `openssl x509 -text`), and for a key its type
 * and size (never the key), the certificate of the file it belongs to and whether the file's mode lets others read it.
 * A YAML file (Secret manifests, a kubeconfig) is read for the certificates and keys its values hold, each named by
 * its document and key path (certs/containers.ts).
 */
import * as fs from 'node:fs';
import {
  CertError, CertFileError, documentLabel, type CertificateDescription, type ContainerKey, type ContainerReport, type KeyDescription,
} from '../certService';
import { FileReadError, MAX_YAML_BYTES, readRegularFile } from '../node/readFiles';
import { UsageError, parseArgs } from './args';
import { octal, type CertCtx } from './certFiles';
import { formatFlag } from './certFlags';

type KeyReport = KeyDescription & { fileMode?: string; matchesCertificate?: number | null };
interface FileReport {
  file: string;
  certificates: CertificateDescription[];
  keys: KeyReport[];
}
type YamlReport = ContainerReport & { file: string };
const isYaml = (r: FileReport | YamlReport): r is YamlReport => 'shape' in r;

export async function inspect(args: string[], ctx: CertCtx): Promise<number> {
  const { io } = ctx;
  const p = parseArgs(args, { flags: { format: 'string' }, positional: true, command: 'inspect' });
  const format = formatFlag(p);
  if (p.positional.length === 0) throw new UsageError('inspect needs a file (a PEM or DER certificate, a chain, or a key file)');
  const reports: (FileReport | YamlReport)[] = [];
  let failed = false;
  for (const file of p.positional) {
    let bytes: Buffer;
    let mode: number | undefined;
    try {
      // A FIFO or a device is refused, never opened for a blocking read (node/readFiles.ts).
      bytes = readRegularFile(file, { maxBytes: MAX_YAML_BYTES });
      mode = fs.statSync(file).mode & 0o777;
    } catch (e) {
      if (e instanceof FileReadError && e.reason === 'missing') throw new UsageError(`no such file: ${file}`);
      io.err(`pgtls: ${e instanceof FileReadError ? e.message : `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`}\n`);
      failed = true;
      continue;
    }
    try {
      const yaml = await readYaml(bytes, ctx);
      if (yaml) {
        if (!yaml.certificates.length && !yaml.keys.length && !yaml.problems.length) {
          const n = yaml.documents;
          const errors = yaml.yamlErrors.length ? ` (YAML errors: ${yaml.yamlErrors.join('; ')})` : '';
          io.err(`pgtls: ${file}: no certificate or key found in ${n} YAML document${n === 1 ? '' : 's'}${errors}\n`);
          failed = true;
        } else reports.push({ file, ...yaml });
        continue;
      }
      const { certificates, keys } = await ctx.certs.inspectFile(bytes);
      reports.push({ file, certificates, keys: keys.map(k => withMode(k, mode)) });
    } catch (e) {
      if (!(e instanceof CertError || e instanceof CertFileError)) throw e;
      io.err(`pgtls: ${file}: ${e.message}\n`);
      failed = true;
    }
  }
  if (format === 'json') io.out(JSON.stringify(reports, null, 2) + '\n');
  else io.out(reports.map(r => (isYaml(r) ? renderYaml(r) : renderInspect(r))).join('\n'));
  return failed ? 1 : 0;
}

/** A private key whose file group or others can read is a problem (PostgreSQL refuses it). */
function withMode(k: KeyDescription, mode: number | undefined): KeyReport {
  const problems = [...k.problems];
  if (k.private && mode !== undefined && process.platform !== 'win32' && (mode & 0o077) !== 0) {
    problems.push(`the file has mode ${octal(mode)}: group or others can read it; PostgreSQL refuses such a key (unless root-owned 0640) and Pgpool-II warns about it; chmod 600`);
  }
  return { ...k, problems, ...(mode !== undefined ? { fileMode: octal(mode) } : {}) };
}

function renderInspect(r: FileReport): string {
  const L: string[] = [];
  const n = r.certificates.length;
  if (n) L.push(`${r.file}: ${n} certificate${n === 1 ? '' : 's'}`);
  r.certificates.forEach((c, i) => {
    if (n > 1) L.push(`--- certificate ${i + 1} of ${n}${i === 0 ? ' (leaf)' : ''}`);
    L.push(c.text.trimEnd());
  });
  for (const k of r.keys) {
    const what = k.private ? 'private key' : 'public key';
    const match = k.matchesCertificate === undefined ? '' : k.matchesCertificate === null ? '; belongs to none of the certificates in this file'
      : `; belongs to certificate ${k.matchesCertificate}${n > 1 ? ` of ${n}` : ''}`;
    L.push(`${r.file}: ${what}: ${keyText(k)}${k.fileMode ? `; file mode ${k.fileMode}` : ''}${match}`);
    for (const pr of k.problems) L.push(`    - ${pr}`);
  }
  return L.join('\n') + '\n';
}

/** `EC P-256 (256 bit), PKCS#8, unencrypted`: what a key is, never what it holds. */
function keyText(k: KeyDescription): string {
  const size = k.type === 'EC' ? `EC ${k.curve ?? ''}${k.bits ? ` (${k.bits} bit)` : ''}` : `${k.type}${k.bits ? ` (${k.bits} bit)` : ''}`;
  return `${size}, ${k.format}${k.private ? (k.encrypted ? ', encrypted' : ', unencrypted') : ''}`;
}

/** A text file that is YAML holding a mapping: its certificates and keys by document and key path; else `undefined`. */
async function readYaml(bytes: Buffer, ctx: CertCtx): Promise<ContainerReport | undefined> {
  if (bytes.subarray(0, 8192).includes(0)) return undefined; // binary: DER
  return ctx.certs.inspectContainers(bytes.toString('utf8'));
}

const SHAPES: Record<ContainerReport['shape'], string> = { secret: 'Secret manifests', kubeconfig: 'kubeconfig', yaml: 'YAML' };

function renderYaml(r: YamlReport): string {
  const L: string[] = [];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const where = (p: { document: ContainerReport['certificates'][number]['document']; path: string }) => {
    const label = documentLabel(p.document);
    return `document ${p.document.number}${label ? ` (${label})` : ''} ${p.path}`;
  };
  L.push(`${r.file}: ${plural(r.certificates.length, 'certificate')}, ${plural(r.keys.length, 'key')} in ${plural(r.documents, 'document')} (${SHAPES[r.shape]})`);
  for (const c of r.certificates) {
    L.push(`--- ${where(c)}${c.position ? `, certificate ${c.position.index} of ${c.position.of}${c.position.index === 1 ? ' (leaf)' : ''}` : ''}`);
    L.push(c.text.trimEnd());
  }
  for (const k of r.keys) {
    L.push(`--- ${where(k)}: ${k.private ? 'private key' : 'public key'}: ${keyText(k)}${keyMatch(k)}`);
    for (const pr of k.problems) L.push(`    - ${pr}`);
  }
  for (const p of r.problems) L.push(`--- ${where(p)}: ${p.problem}`);
  if (r.yamlErrors.length) L.push(`YAML errors (the documents were read as far as possible): ${r.yamlErrors.join('; ')}`);
  return L.join('\n') + '\n';
}

function keyMatch(k: ContainerKey): string {
  if (k.matches === undefined) return '';
  return k.matches === null ? '; belongs to none of the certificates of its document' : `; belongs to ${k.matches}`;
}
