/**
 * Pointing a configuration at certificate files (after the editor's certificate commands wrote them next to it): the
 * edits that turn TLS on (`ssl = on`; PgBouncer `client_tls_sslmode = prefer`, which still lets clients without TLS
 * in, as `ssl = on` does) and set the certificate, key and CA settings. An existing line keeps everything but its
 * value; a missing setting goes after its commented-out sample line (`#ssl_cert_file = 'server.crt'`), else at the
 * end (pgbouncer.ini: the end of `[pgbouncer]`). Paths are written as the server will resolve them: relative where
 * the server resolves a relative path from a folder pgtls knows and the file is inside it (Pgpool-II: pgpool.conf's
 * folder; PostgreSQL: the data directory), else absolute; where the configuration runs in a container (a path mapping
 * places it), the file's path there, or a note that its folder is not mounted. Pure: the language says how it writes
 * (`LanguageMode.tlsWriter`), this module decides what.
 */
import { displayPath, isAbsolutePath, isInside, normalizePath } from '../core/deployPaths';
import type { FeatureContext, TlsConfigWriter } from '../core/language';
import type { SourceDocument, Span, TextEdit, TlsFilePaths } from '../core/types';
import { pathLocator } from '../deploy';

/** The edits, the settings they write (`key`, value as written) and what the user should know. */
export interface TlsConfigEdit {
  edits: TextEdit[];
  settings: { key: string; value: string }[];
  notes: string[];
}

/** The usual name of the set's CA file (what Renew, Rotate CA and the leaf commands look for). */
const SET_CA = 'ca.crt';

export function tlsConfigEdit(ctx: FeatureContext, doc: SourceDocument, w: TlsConfigWriter, files: TlsFilePaths): TlsConfigEdit {
  const notes: string[] = [];
  const wanted: { key: string; value: string }[] = [];
  const locator = pathLocator(ctx, doc.path);
  const deployed = locator.deployPath();
  const valueOf = (file: string): string => {
    const local = normalizePath(file) ?? file;
    if (deployed) {
      const there = locator.deployPathOfFile(local);
      if (there) return there;
      notes.push(`${displayPath(local, rootsOf(ctx))} is not in a folder mounted where ${w.product} runs (this configuration is ${deployed} there): mount its folder and check the path.`);
      return local;
    }
    if (w.baseDir && isAbsolutePath(w.baseDir) && isInside(local, w.baseDir) && local !== normalizePath(w.baseDir)) {
      return displayPath(local, [w.baseDir]).replace(/^\.\//, '');
    }
    return local;
  };
  if (files.cert || files.key) {
    const on = w.current(w.enable.key);
    if (!w.enable.isOn(on?.value)) wanted.push({ key: w.enable.key, value: w.enable.value });
  }
  const roles: [keyof TlsFilePaths & ('cert' | 'key' | 'ca'), string][] = [['cert', w.keys.cert], ['key', w.keys.key], ['ca', w.keys.ca]];
  for (const [role, key] of roles) {
    const file = files[role];
    if (!file) continue;
    const value = valueOf(file);
    const now = w.current(key)?.value;
    if (role === 'ca' && now && now !== '' && baseOf(now) !== baseOf(file)) {
      notes.push(`\`${key}\` names ${baseOf(now)}, but the CA is ${baseOf(file)}${baseOf(file) === SET_CA ? ' (the name Renew, Rotate CA and the certificate commands look for)' : ''}: the edit points \`${key}\` at it.`);
    }
    if (now !== value) wanted.push({ key, value });
  }
  return { edits: editsFor(doc.text, w, wanted, notes), settings: wanted, notes };
}

const baseOf = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
const rootsOf = (ctx: FeatureContext): readonly string[] => ctx.env.roots?.() ?? [];

/** Replacements of existing values, and the new lines (after a commented-out sample line, else at `insertAt`). */
function editsFor(text: string, w: TlsConfigWriter, wanted: { key: string; value: string }[], notes: string[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const inserts = new Map<number, string[]>();
  for (const { key, value } of wanted) {
    // The TLS switch is a keyword (`on`, `prefer`), never quoted.
    const quoted = key === w.enable.key ? value : w.quote(value);
    if (quoted === undefined) {
      notes.push(`\`${key}\` is not written: ${value} cannot be written in this file's quoting; rename the folder.`);
      continue;
    }
    const cur = w.current(key);
    if (cur) {
      edits.push({ span: cur.span, newText: quoted });
      continue;
    }
    const at = sampleLineEnd(text, key, w.comments, w.sampleRange) ?? w.insertAt;
    const list = inserts.get(at) ?? [];
    list.push(`${key} = ${quoted}`);
    inserts.set(at, list);
  }
  for (const [at, lines] of inserts) {
    const lead = at > 0 && text.charAt(at - 1) !== '\n' ? '\n' : '';
    const prefix = at === w.insertAt && w.prefix ? w.prefix : '';
    edits.push({ span: [at, at], newText: `${lead}${prefix}${lines.join('\n')}\n` });
  }
  return edits.sort((a, b) => a.span[0] - b.span[0]);
}

/** The offset after the line of the last commented-out `key = …` sample line, if the file has one. */
function sampleLineEnd(text: string, key: string, comments: string, range: Span = [0, text.length]): number | undefined {
  const chars = comments.replace(/[\\^\]-]/g, '\\$&');
  const re = new RegExp(`^[ \\t]*[${chars}][ \\t]*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*=.*$`, 'gmi');
  let end: number | undefined;
  for (const m of text.matchAll(re)) if (m.index >= range[0] && m.index < range[1]) end = m.index + m[0].length;
  if (end === undefined) return undefined;
  return text.charAt(end) === '\r' ? Math.min(end + 2, text.length) : Math.min(end + 1, text.length);
}
