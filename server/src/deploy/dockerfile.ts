/**
 * The `COPY` and `ADD` instructions of a Dockerfile that put local files of the build context into the image (the
 * Dockerfile reference: parser directives, line continuations, heredocs, exec and shell forms, WORKDIR, ENV
 * substitution, build stages). Only what is certain is kept: the instructions of the stage that is built (the last,
 * or compose's `build.target`), with literal sources from the context. `--from` (another stage or image), remote
 * `ADD` sources, archives (`ADD` unpacks them), heredoc sources, `--parents`, and paths that use build arguments or
 * variables not set by `ENV` in the Dockerfile are left out. A relative destination needs a `WORKDIR` of the
 * Dockerfile, since the base image's is unknown here.
 */
import { joinPath } from '../core/deployPaths';

/** Dockerfile names: Dockerfile, Containerfile, Dockerfile.pgpool, pgpool.Dockerfile. */
export const DOCKERFILE = /^((Dockerfile|Containerfile)([.-][\w.-]+)?|[\w.-]+\.(Dockerfile|Containerfile))$/i;

/** One copy of local files into the image. */
export interface DockerCopy {
  /** Sources relative to the build context, as written (may hold `*` and `?`). */
  sources: string[];
  /** The destination in the image (absolute, normalised). */
  dest: string;
  /** Whether the destination is a folder (several sources, a trailing `/`, or a wildcard). */
  destIsDir: boolean;
  /** `ADD` rather than `COPY`. */
  add: boolean;
}

interface Stage {
  name?: string;
  env: Map<string, string>;
  /** `undefined` until a WORKDIR of this file sets it (the base image's is unknown). */
  workdir: string | undefined;
  copies: DockerCopy[];
}

/** The logical lines (instruction, arguments) of a Dockerfile, continuations joined, comments and heredoc bodies dropped. */
export function dockerInstructions(text: string): { op: string; args: string }[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, before any other line.
  for (; i < lines.length; i++) {
    const d = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(lines[i]!);
    if (!d) break;
    if (d[1]!.toLowerCase() === 'escape' && (d[2] === '`' || d[2] === '\\')) escape = d[2];
  }
  const out: { op: string; args: string }[] = [];
  let buf = '';
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#/.test(line) || (buf !== '' && line.trim() === '')) continue;
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) {
      buf += `${trimmed.slice(0, -1)} `;
      continue;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(buf);
    buf = '';
    if (!m) continue;
    const args = m[2]!.trim();
    out.push({ op: m[1]!.toUpperCase(), args });
    // Heredocs (`<<EOF`, `<<-"EOF"`): their bodies follow the instruction line; skip them.
    for (const h of args.matchAll(/<<(-?)(["']?)([A-Za-z_][\w]*)\2/g)) {
      const strip = h[1] === '-';
      while (++i < lines.length && (strip ? lines[i]!.replace(/^\t+/, '') : lines[i]) !== h[3]);
    }
  }
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-x}` with the stage's ENV; `undefined` when a variable is not set by ENV. */
function substitute(s: string, env: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const out = s.replace(/\\\$|\$(?:\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|([A-Za-z_]\w*))/g, (all, braced?: string, op?: string, word?: string, bare?: string) => {
    if (all === '\\$') return '$';
    const v = env.get((braced ?? bare)!);
    if (op === '-') return v !== undefined && v !== '' ? v : word ?? '';
    if (op === '+') return v !== undefined && v !== '' ? word ?? '' : '';
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : out;
}

/** `ENV A=1 B="two words"` or the legacy `ENV A value`. */
function applyEnv(args: string, stage: Stage): void {
  if (!/^[A-Za-z_]\w*=/.test(args)) {
    const m = /^([A-Za-z_]\w*)\s+(.*)$/.exec(args);
    if (m) setEnv(stage, m[1]!, m[2]!.trim());
    return;
  }
  for (const m of args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) setEnv(stage, m[1]!, m[2]!.replace(/^(["'])(.*)\1$/s, '$2'));
}

function setEnv(stage: Stage, name: string, raw: string): void {
  const v = substitute(raw, stage.env);
  if (v === undefined) stage.env.delete(name);
  else stage.env.set(name, v);
}

/** The words of `COPY`/`ADD` arguments: flags, then sources and the destination (exec form or shell form). */
function copyWords(args: string): { flags: string[]; words: string[] } | undefined {
  const flags: string[] = [];
  let rest = args;
  for (let m = /^(--\S+)\s*/.exec(rest); m; m = /^(--\S+)\s*/.exec(rest)) {
    flags.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith('[')) {
    try {
      const words: unknown = JSON.parse(rest);
      return Array.isArray(words) && words.every(w => typeof w === 'string') ? { flags, words: words as string[] } : undefined;
    } catch {
      return undefined;
    }
  }
  return { flags, words: rest.split(/\s+/).filter(Boolean) };
}

const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

function copyOf(op: string, args: string, stage: Stage): DockerCopy | undefined {
  const w = copyWords(args);
  if (!w || w.words.length < 2) return undefined;
  if (w.flags.some(f => /^--(from|parents)\b/.test(f))) return undefined;
  const add = op === 'ADD';
  const words = w.words.map(x => substitute(x, stage.env));
  if (words.some(x => x === undefined || x.startsWith('<<'))) return undefined;
  const sources = words.slice(0, -1) as string[];
  const rawDest = words[words.length - 1]!;
  if (sources.some(s => REMOTE.test(s) || (add && ARCHIVE.test(s)))) return undefined;
  if (!rawDest.startsWith('/') && stage.workdir === undefined) return undefined;
  const dest = joinPath(stage.workdir ?? '/', rawDest);
  const wild = sources.some(s => /[*?[]/.test(s));
  return { sources, dest, destIsDir: sources.length > 1 || wild || rawDest.endsWith('/'), add };
}

/**
 * The copies of local files into the image that the Dockerfile `text` builds: of the stage named `target`, else of
 * the last stage. Never throws; a Dockerfile it cannot follow yields fewer copies, never wrong ones.
 */
export function dockerfileCopies(text: string, target?: string): DockerCopy[] {
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  try {
    for (const { op, args } of dockerInstructions(text)) {
      if (op === 'FROM') {
        const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
        const base = m && stages.find(s => s.name !== undefined && s.name === m[1]!.toLowerCase());
        // A stage built on an earlier one inherits its ENV, its WORKDIR and the files copied into it.
        stage = { env: new Map(base?.env ?? []), workdir: base?.workdir, copies: base ? [...base.copies] : [] };
        if (m?.[2]) stage.name = m[2].toLowerCase();
        stages.push(stage);
      } else if (!stage) {
        continue;
      } else if (op === 'ENV') {
        applyEnv(args, stage);
      } else if (op === 'WORKDIR') {
        const dir = substitute(args.replace(/^(["'])(.*)\1$/, '$2'), stage.env);
        stage.workdir = dir === undefined || (!dir.startsWith('/') && stage.workdir === undefined) ? undefined : joinPath(stage.workdir ?? '/', dir);
      } else if (op === 'COPY' || op === 'ADD') {
        const c = copyOf(op, args, stage);
        if (c) stage.copies.push(c);
      }
    }
  } catch {
    return [];
  }
  const chosen = target ? stages.find(s => s.name === target.toLowerCase()) : stages[stages.length - 1];
  return chosen?.copies ?? [];
}
