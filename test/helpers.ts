/** Shared test helpers: a real-service factory and the inline-expectation reader of fixtures. */
import * as path from 'node:path';
import { createService, type Service } from '../server/src/service';
import { nodeEnv } from '../server/src/node/env';
import { LineIndex } from '../server/src/core/text';
import { DEFAULT_SETTINGS, type LanguageId, type Problem, type ServiceEnv, type Settings, type SourceDocument } from '../server/src/core/types';

export const ROOT = path.resolve(__dirname, '..');
export const SCHEMAS = path.join(ROOT, 'schemas');

export function testEnv(overrides: Partial<ServiceEnv> = {}): ServiceEnv {
  return { ...nodeEnv(SCHEMAS), ...overrides };
}

export function testService(overrides: Partial<ServiceEnv> = {}): Service {
  return createService(testEnv(overrides));
}

/** Validates `text` as if it were the file at `filePath`; returns the problems. */
export function check(service: Service, filePath: string, text: string, settings: Partial<Settings> = {}, languageId?: LanguageId): Problem[] {
  const lang = languageId ?? service.languageOf(filePath);
  if (!lang) throw new Error(`no language for ${filePath}`);
  const doc: SourceDocument = { path: filePath, text, languageId: lang, version: 1 };
  return service.validate(doc, service.parse(doc), { ...DEFAULT_SETTINGS, ...settings });
}

/** `line:startCol-endLine:endCol rule` with 1-based lines and columns, the way fixtures write expectations. */
export function describeProblem(text: string, p: Pick<Problem, 'span' | 'rule'>, index = new LineIndex(text)): string {
  const s = index.positionAt(p.span[0]);
  const e = index.positionAt(p.span[1]);
  return `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1} ${p.rule}`;
}

/**
 * Reads the expectations written in a fixture. Two forms, both comment lines:
 *   `#   ^^^^ rule-id`   carets under the exact columns of the nearest non-marker line above
 *                       (`|` instead of carets marks an empty span at that column);
 *   `#! 3:5-3:9 rule-id` an explicit 1-based `line:col-endLine:endCol` (for spans at column 1 or over several lines).
 * Lines starting with `#=` are free-form notes and are ignored. `;` works in place of `#` (PgBouncer's auth_file has only
 * `;` comments).
 */
export function expectations(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const explicit = /^\s*[#;]!\s*(\d+:\d+-\d+:\d+)\s+(\S+)\s*$/.exec(line);
    if (explicit) { out.push(`${explicit[1]} ${explicit[2]}`); return; }
    const caret = /^(\s*[#;]\s*?)(\s*)(\^+|\|)\s+([a-z0-9-]+\/[a-z0-9-]+)\s*$/.exec(line);
    if (caret && target >= 0) {
      const col = caret[1]!.length + caret[2]!.length;
      const width = caret[3] === '|' ? 0 : caret[3]!.length;
      out.push(`${target + 1}:${col + 1}-${target + 1}:${col + width + 1} ${caret[4]}`);
      return;
    }
    target = i;
  });
  return out;
}

/**
 * Expands a VS Code snippet body the way the editor does when every placeholder keeps its default: `${1:x}` → x,
 * `${1|a,b|}` → a, `$1`/`${1}`/`$0` → nothing (nested placeholders from the inside out), `\$` → `$`.
 * Shared by the snippet tests (snippets/*.json).
 */
export function expandSnippet(body: string): string {
  let out = body;
  for (let i = 0; i < 10; i++) {
    const next = out
      .replace(/\$\{\d+:([^${}]*)\}/g, '$1')
      .replace(/\$\{\d+\|([^|,]*)[^|]*\|\}/g, '$1')
      .replace(/\$\{\d+\}/g, '')
      .replace(/\$\d+/g, '');
    if (next === out) break;
    out = next;
  }
  return out.replace(/\\([$}\\])/g, '$1');
}

/** mulberry32: a tiny seeded pseudo-random generator, so generated inputs are the same on every run and a failure can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
