/**
 * `pgtls inspect FILE…`: every certificate in a PEM or DER file (like `openssl x509 -text`), and for a key its type
 * and size (never the key) and whether the file's mode lets others read it.
 */
import * as fs from 'node:fs';
import { CertError, CertFileError, type CertificateDescription, type KeyDescription } from '../certService';
import { UsageError, parseArgs } from './args';
import { octal, type CertCtx } from './certFiles';
import { formatFlag } from './certFlags';

type KeyReport = KeyDescription & { fileMode?: string };
interface FileReport {
  file: string;
  certificates: CertificateDescription[];
  keys: KeyReport[];
}

export async function inspect(args: string[], ctx: CertCtx): Promise<number> {
  const { io } = ctx;
  const p = parseArgs(args, { flags: { format: 'string' }, positional: true, command: 'inspect' });
  const format = formatFlag(p);
  if (p.positional.length === 0) throw new UsageError('inspect needs a file (a PEM or DER certificate, a chain, or a key file)');
  const reports: FileReport[] = [];
  let failed = false;
  for (const file of p.positional) {
    let bytes: Buffer;
    let mode: number | undefined;
    try {
      bytes = fs.readFileSync(file);
      mode = fs.statSync(file).mode & 0o777;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`no such file: ${file}`);
      io.err(`pgtls: cannot read ${file}: ${code ?? (e as Error).message}\n`);
      failed = true;
      continue;
    }
    try {
      const { certificates, keys } = await ctx.certs.inspectFile(bytes);
      reports.push({ file, certificates, keys: keys.map(k => withMode(k, mode)) });
    } catch (e) {
      if (!(e instanceof CertError || e instanceof CertFileError)) throw e;
      io.err(`pgtls: ${file}: ${e.message}\n`);
      failed = true;
    }
  }
  if (format === 'json') io.out(JSON.stringify(reports, null, 2) + '\n');
  else io.out(reports.map(renderInspect).join('\n'));
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
    const size = k.type === 'EC' ? `EC ${k.curve ?? ''}${k.bits ? ` (${k.bits} bit)` : ''}` : `${k.type}${k.bits ? ` (${k.bits} bit)` : ''}`;
    L.push(`${r.file}: ${what}: ${size}, ${k.format}${k.private ? (k.encrypted ? ', encrypted' : ', unencrypted') : ''}${k.fileMode ? `; file mode ${k.fileMode}` : ''}`);
    for (const pr of k.problems) L.push(`    - ${pr}`);
  }
  return L.join('\n') + '\n';
}
