/**
 * Completion in our resources (and in resources of kinds that users' CRDs define): field names that the schema allows where the cursor is and that are not yet present
 * in that map (with their descriptions), and the allowed values after `key: ` (enums, booleans); in an empty document
 * of a manifest file, the resource snippets (snippets.ts).
 *
 * The place is read from the lines above the cursor (indentation and `- ` items), not from the AST: while typing, the
 * document is often not valid YAML yet, and a half-typed key must still complete.
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult, SourceDocument, Span } from '../../core/types';
import { documentAt, schemaOf } from './nav';
import type { K8sFile } from './parse';
import { declaredFields, fieldMarkdown, plainIsString, schemaAt, typeText, type JsonSchema } from './catalogue';
import { snippetCompletions } from './snippets';

interface Line {
  /** Offset of the line start (in the text given). */
  start: number;
  text: string;
}

/** Column of the content of a line after its indentation and any `- ` item markers; undefined for blank/comment lines. */
function contentCol(text: string): { col: number; firstDash: number | undefined } | undefined {
  // `s`: a lone carriage return (a line break to the editor, not to the line split here) is content too
  const m = /^( *)((?:- +)*)(.*)$/s.exec(text)!;
  const rest = m[3]!;
  if (rest === '' && !m[2]) return undefined;
  if (rest.startsWith('#')) return undefined;
  return { col: m[1]!.length + m[2]!.length, firstDash: m[2] ? m[1]!.length : undefined };
}

const KEY_LINE = /^\s*(?:- +)*([^\s#:'"][^:#]*?|"[^"]*"|'[^']*'):(?:\s+#.*|\s*)$/; // `key:` alone: a parent
const ANY_KEY = /^\s*(?:- +)*([^\s#:'"][^:#]*?|"[^"]*"|'[^']*'):(?:\s|$)/;

const unquote = (k: string) => (/^["'].*["']$/.test(k) ? k.slice(1, -1) : k);

/**
 * The data path (with `0` for list items) of the map whose keys sit at column `col` on line `index`, and the keys that
 * map already has; undefined when the lines above do not form such a map.
 */
function mapAt(lines: Line[], index: number, col: number): { path: string[]; siblings: Set<string> } | undefined {
  const path: string[] = [];
  const siblings = new Set<string>();
  let c = col;
  let collecting = true;
  // Siblings below the cursor, up to the end of the block.
  for (let i = index + 1; i < lines.length; i++) {
    const cc = contentCol(lines[i]!.text);
    if (!cc) continue;
    if (cc.col < c || (cc.firstDash !== undefined && cc.firstDash < c)) break;
    if (cc.col === c) { const k = ANY_KEY.exec(lines[i]!.text); if (k) siblings.add(unquote(k[1]!)); }
  }
  for (let i = index - 1; i >= 0; i--) {
    const text = lines[i]!.text;
    const cc = contentCol(text);
    if (!cc) continue;
    if (cc.col === c && cc.firstDash === undefined) {
      if (collecting) { const k = ANY_KEY.exec(text); if (k) siblings.add(unquote(k[1]!)); }
      continue;
    }
    if (cc.col === c && cc.firstDash !== undefined) {
      // The first key of a list item: the map is that item; its parent is the list's key above the dash.
      if (collecting) { const k = ANY_KEY.exec(text); if (k) siblings.add(unquote(k[1]!)); }
      collecting = false;
      path.unshift('0');
      c = cc.firstDash;
      // Nested dashes (`- - a:`) stand for several list levels.
      const dashes = (/^ *((?:- +)*)/.exec(text)![1]!.match(/-/g) ?? []).length;
      for (let n = 1; n < dashes; n++) path.unshift('0');
      continue;
    }
    if (cc.col > c) continue; // deeper content of an earlier sibling
    // Less indented: must be the parent `key:` line (possibly itself a list item's first key).
    const k = KEY_LINE.exec(text);
    if (!k) return undefined;
    collecting = false;
    path.unshift(unquote(k[1]!.trim()));
    if (cc.firstDash !== undefined) {
      path.unshift('0');
      c = cc.firstDash;
    } else c = cc.col;
    if (c === 0 && cc.firstDash === undefined) return { path, siblings };
  }
  return c === 0 ? { path, siblings } : undefined;
}

export function complete(doc: SourceDocument, file: K8sFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  // Where a new resource starts: the resource snippets, and nothing else.
  const snippets = snippetCompletions(file, doc.text, offset);
  if (snippets) return snippets;
  const d = documentAt(file, offset);
  if (!d) return [];
  // Ours for the built-in kinds, a user's CRD's for the kinds it defines.
  const schema = schemaOf(doc, file, d, ctx);
  if (!schema) return [];
  const source = d.part.source;
  const rel = offset - d.base;
  const lines: Line[] = [];
  let cursorLine = 0;
  for (let start = 0; start <= source.length;) {
    const nl = source.indexOf('\n', start);
    const end = nl < 0 ? source.length : nl;
    if (rel >= start && rel <= end) cursorLine = lines.length;
    lines.push({ start, text: source.slice(start, end).replace(/\r$/, '') });
    if (nl < 0) break;
    start = nl + 1;
  }
  const line = lines[cursorLine]!;
  const before = line.text.slice(0, rel - line.start);
  const after = /^[^\s:#]*/.exec(line.text.slice(rel - line.start))![0];

  const keyPos = /^( *)((?:- +)*)([^\s:#'"]*)$/.exec(before);
  if (keyPos) {
    const col = keyPos[1]!.length + keyPos[2]!.length;
    const partial = keyPos[3]!;
    const place = mapAt(lines, cursorLine, col);
    if (!place) return [];
    const parent = schemaAt(schema, place.path);
    const replace: Span = [offset - partial.length, offset + after.length];
    return declaredFields(parent).filter(f => !place.siblings.has(f) || f === partial).map(f => {
      const sub = schemaAt(parent, [f]) ?? {};
      return {
        label: f, kind: 'property', detail: typeText(sub), documentation: fieldMarkdown([...place.path, f], sub),
        insertText: `${f}: `, replace,
      };
    });
  }

  const valuePos = /^( *)((?:- +)*)([^\s:#'"][^:#]*?|"[^"]*"|'[^']*'):\s+(["']?)([^\s#"']*)$/.exec(before);
  if (valuePos) {
    const col = valuePos[1]!.length + valuePos[2]!.length;
    const key = unquote(valuePos[3]!.trim());
    const place = mapAt(lines, cursorLine, col);
    if (!place) return [];
    const field = schemaAt(schema, [...place.path, key]);
    if (!field) return [];
    const quoted = valuePos[4] !== '';
    const partial = valuePos[5]!;
    const replace: Span = [offset - partial.length, offset + after.length];
    const values = valuesOf(field);
    return values.map(v => ({
      label: v, kind: 'enum', detail: typeText(field),
      insertText: quoted || plainIsString(v) || field.type !== 'string' ? v : JSON.stringify(v), replace,
    }));
  }
  return [];
}

function valuesOf(field: JsonSchema): string[] {
  if (Array.isArray(field.enum)) return field.enum.map(String);
  if (field.const !== undefined) return [String(field.const)];
  if (field.type === 'boolean') return ['true', 'false'];
  return [];
}
