/**
 * Completion for pgpool.conf: parameter names (of the selected version) where a statement starts, and the allowed
 * values of boolean, enum and a few fixed-vocabulary string parameters after the name. `replace` is the word under
 * the cursor (inside the quotes of a quoted value).
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult, SourceDocument, Span } from '../../core/types';
import { dirName, isAbsolutePath } from '../../core/deployPaths';
import { pathCompletions } from '../../core/pathComplete';
import { tlsCurveNames } from './check/tls/curves';
import { catalogueOf, normalizeVersion, type Catalogue, type Param } from './catalogue';
import { isCurrentName } from './names';
import type { Assignment, PgpoolConfFile } from './model';
import { defaultText, paramMarkdown, typeText } from './hover';

/** Fixed vocabularies of string parameters. */
const STRING_VALUES: Record<string, string[]> = {
  log_destination: ['stderr', 'syslog', 'stderr,syslog'],
  backend_flag: ['ALLOW_TO_FAILOVER', 'DISALLOW_TO_FAILOVER', 'ALWAYS_PRIMARY', 'ALLOW_TO_FAILOVER|ALWAYS_PRIMARY', 'DISALLOW_TO_FAILOVER|ALWAYS_PRIMARY'],
};

/** Parameters that name a file or folder; relative paths start at pgpool.conf's folder. */
const PATH_PARAMS: ReadonlySet<string> = new Set(['ssl_cert', 'ssl_key', 'ssl_ca_cert', 'ssl_ca_cert_dir', 'ssl_crl_file', 'ssl_dh_params_file', 'pool_passwd']);

const isWord = (c: string): boolean => /[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) >= 128;

export function complete(doc: SourceDocument, file: PgpoolConfFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  const text = doc.text;
  const cat = catalogueOf(ctx.env);
  const version = normalizeVersion(ctx.settings.pgpoolVersion);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (inComment(text.slice(lineStart, offset))) return [];

  // The statement of this line that starts before the cursor.
  let a: Assignment | undefined;
  for (const x of file.assignments) {
    if (x.keySpan[0] >= lineStart && x.keySpan[0] <= offset && (!a || x.keySpan[0] > a.keySpan[0])) a = x;
  }
  // Parameters set on another line are not offered again (the one being edited is).
  const set = new Set(file.assignments.filter(x => x !== a).map(x => x.key.toLowerCase()));
  if (a && offset <= a.keySpan[1]) {
    const hasValue = !!a.equalsSpan || !a.missingValue;
    return keyItems(cat, version, a.keySpan, hasValue, set);
  }
  if (a) {
    // In the value token, or between the name (and its `=`) and where the value goes.
    const inValue = !a.missingValue && offset >= a.valueSpan[0] && offset <= a.valueSpan[1];
    if (inValue || /^\s*(=\s*)?$/.test(text.slice(a.keySpan[1], offset))) {
      const look = cat.lookup(a.key);
      if (look.kind === 'unknown' || look.kind === 'bad-index' || look.kind === 'missing-index') return [];
      const p = cat.param(look.name, version);
      if (p && PATH_PARAMS.has(p.name)) return pathItems(doc, a, offset, ctx);
      return p ? valueItems(p, a, offset, text, ctx) : [];
    }
  }
  // A new statement: complete a name over the word under the cursor.
  let s = offset;
  while (s > lineStart && isWord(text[s - 1]!)) s--;
  let e = offset;
  while (e < text.length && isWord(text[e]!)) e++;
  return keyItems(cat, version, [s, e], false, set);
}

/** True when a `#` outside single quotes comes before the cursor on its line. */
function inComment(before: string): boolean {
  let quoted = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (c === "'" && (!quoted || before[i - 1] !== '\\')) quoted = !quoted;
    else if (c === '#' && !quoted) return true;
  }
  return false;
}

function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, m => `\\${m}`);
}

function valueSnippet(p: Param): string {
  switch (p.type) {
    case 'bool': return p.default === 'on' ? '${1|on,off|}' : '${1|off,on|}';
    case 'enum': {
      const vals = p.enum ?? [];
      const ordered = [p.default, ...vals.filter(v => v !== p.default)].filter(v => vals.includes(v));
      return `\${1|${ordered.map(v => v.replace(/[,|\\$}]/g, m => `\\${m}`)).join(',')}|}`;
    }
    case 'string':
    case 'list':
      return `'\${1:${snippetEscape(p.defaultUnset ? '' : p.default)}}'`;
    default:
      return `\${1:${snippetEscape(p.default)}}`;
  }
}

function keyItems(cat: Catalogue, version: string, replace: Span, hasValue: boolean, set: ReadonlySet<string>): CompletionResult[] {
  const out: CompletionResult[] = [];
  for (const name of cat.names) {
    if (!cat.inVersion(name, version)) continue;
    if (set.has(name.toLowerCase())) continue;
    // An old name that Pgpool-II still accepts but warns about (deprecated-alias) or that no longer does what it
    // says (obsolete-parameter) is not offered.
    if (!isCurrentName(cat, name, version) && cat.lookup(name).kind !== 'missing-index') continue;
    const p = cat.param(name, version)!;
    const key = p.array && !p.noIndexDefault ? `${name}\${1:0}` : name;
    const body = hasValue ? key : `${key} = ${p.array && !p.noIndexDefault ? valueSnippet(p).replace(/\$\{1/g, '${2') : valueSnippet(p)}`;
    out.push({
      label: p.array && !p.noIndexDefault ? `${name}N` : name,
      kind: 'property',
      detail: `${typeText(p)} · default ${defaultText(p)} · ${p.changeBy}`,
      documentation: paramMarkdown(cat, p, version),
      insertText: body,
      snippet: true,
      replace,
    });
  }
  return out;
}

/**
 * The files and folders of the folder the typed path names, inside the value's quotes; after `name =` with no value
 * yet, the entries of pgpool.conf's folder, quoted.
 */
function pathItems(doc: SourceDocument, a: Assignment, offset: number, ctx: FeatureContext): CompletionResult[] {
  const base = isAbsolutePath(doc.path) ? dirName(doc.path) : undefined;
  const quoted = a.valueKind === 'string' && !a.missingValue;
  if (quoted) {
    if (offset <= a.valueSpan[0] || (offset >= a.valueSpan[1] && doc.text[a.valueSpan[1] - 1] === "'" && a.valueSpan[1] - a.valueSpan[0] > 1)) return [];
    return pathCompletions(ctx.env, doc.text.slice(a.valueSpan[0] + 1, offset), offset, base);
  }
  if (!a.missingValue && offset > a.valueSpan[0]) return [];
  const lead = a.equalsSpan || /=\s*$/.test(doc.text.slice(a.keySpan[1], offset)) ? '' : (/\s$/.test(doc.text.slice(0, offset)) ? '= ' : ' = ');
  return pathCompletions(ctx.env, '', offset, base).map(c => ({ ...c, insertText: c.kind === 'folder' ? `${lead}'${c.label}` : `${lead}'${c.label}'` }));
}

function valueItems(p: Param, a: Assignment, offset: number, text: string, ctx: FeatureContext): CompletionResult[] {
  let words: string[];
  if (p.name === 'ssl_ecdh_curve') words = tlsCurveNames(ctx.env.loadJson('openssl-curves.json'));
  else if (p.type === 'bool') words = ['on', 'off'];
  else if (p.type === 'enum') words = p.enum ?? [];
  else if (STRING_VALUES[p.name]) words = STRING_VALUES[p.name]!;
  else return [];
  const quoted = a.valueKind === 'string' && !a.missingValue;
  let replace: Span;
  if (a.missingValue || offset < a.valueSpan[0]) replace = [offset, offset];
  else if (quoted) replace = [a.valueSpan[0] + 1, Math.max(a.valueSpan[0] + 1, a.valueSpan[1] - 1)];
  else replace = [a.valueSpan[0], a.valueSpan[1]];
  const needsQuotes = !quoted && (p.type === 'string' || p.type === 'list');
  const needsEquals = !a.equalsSpan && (a.missingValue || offset < a.valueSpan[0]) && !/=\s*$/.test(text.slice(a.keySpan[1], offset));
  const lead = needsEquals ? (/\s$/.test(text.slice(0, offset)) ? '= ' : ' = ') : '';
  return words.map(w => ({
    label: w,
    kind: p.type === 'bool' ? 'keyword' : 'enum',
    detail: w === p.default ? `${p.name} · default` : p.name,
    insertText: `${lead}${needsQuotes ? `'${w}'` : w}`,
    replace,
  }));
}
