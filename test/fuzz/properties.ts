/**
 * The invariants every language keeps on any text, checked on one fuzz case through the real façade (createService
 * on the Node.js environment) and through the language's mode itself (the façade turns a mode's exception into
 * `pgtls/internal-error` or an empty answer and clamps spans, so only the mode shows what it really does):
 *
 * - parse() and validate() never throw and never report `pgtls/internal-error`; every problem has a registered rule id,
 *   a non-empty message and a span inside the document, and so do its fixes' edits (which never overlap); the spans
 *   the checks hand to `report` are inside the document before the façade clamps them;
 * - validation is deterministic: the same text again, a fresh service, and a parse that reuses the parse of another
 *   text all give identical problems;
 * - hover, completion, definition, outline, folding, formatting, links and the suppression anchors never throw, on any
 *   offset, and every span they return is inside the document (outline: a symbol's span holds its selection and its
 *   children's spans; formatting edits never overlap);
 * - where the language formats: the formatted text parses to the same values and gets the same findings (line, rule,
 *   severity, message), only blanks (and `=`) change, and formatting again changes nothing (the invariant of
 *   test/unit/formatting.test.ts), also for a random range;
 * - fix-all, suppression comments, quick fixes, lenses and the TLS files never throw, and their edits are inside;
 * - time is bounded: each operation above finishes within BUDGET_MS (a safety bound against hangs and blow-ups on
 *   small inputs, not a benchmark).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FeatureContext, LanguageMode, ValidateContext } from '../../server/src/core/language';
import { CORE } from '../../server/src/core/rules';
import type { LanguageId, Problem, ServiceEnv, Settings, SourceDocument, Span, TextEdit } from '../../server/src/core/types';
import { MODES, RULES } from '../../server/src/languages/registry';
import { createService, MAX_FILE_CHARS, type ParsedFile, type Service } from '../../server/src/service';
import { LineIndex } from '../../server/src/core/text';
import { testEnv } from '../helpers';
import { applyMutations, type Mutation } from './text';
import type { World } from './world';

/** The bound of one operation (a parse and a validation, one feature call): a safety bound, not a benchmark. */
export const BUDGET_MS = 2000;

export const FILE_NAMES: Record<LanguageId, string> = {
  'pgpool-conf': 'pgpool.conf', 'pool-hba': 'pool_hba.conf', 'pg-hba': 'pg_hba.conf', 'pool-passwd': 'pool_passwd', 'pgbouncer-ini': 'pgbouncer.ini',
  'pg-ident': 'pg_ident.conf', 'postgresql-conf': 'postgresql.conf', 'pgbouncer-userlist': 'userlist.txt', 'pgbouncer-hba': 'pgbouncer_hba.conf', yaml: 'fuzz.yaml',
};

/** One case: a text of a language, where it lives, the settings, and the places the features are asked about. */
export interface FuzzCase {
  languageId: LanguageId;
  text: string;
  /** In the world's folder (real certificates and siblings beside it) or in a folder that does not exist. */
  inWorld: boolean;
  settings: Settings;
  /** Offsets for hover, completion, definition and the comment anchors (taken modulo length + 1). */
  offsets: number[];
  /** The edit that makes the "previous" text whose parse the façade may reuse. */
  edit: Mutation;
  /** A range to format (offsets modulo length + 1). */
  range: [number, number];
}

export class FuzzContext {
  readonly service: Service;
  readonly formats: ReadonlySet<LanguageId>;
  constructor(readonly world: World) {
    this.service = createService(this.env());
    this.formats = new Set(this.service.formattingLanguages());
  }
  /** A new Node.js environment with the run's clock. */
  env(): ServiceEnv {
    const now = this.world.now;
    return testEnv({ now: () => new Date(now) });
  }
}

const MODE_BY_ID = new Map<LanguageId, LanguageMode>(MODES.map(m => [m.id, m]));

function timed<T>(what: string, f: () => T): T {
  const t = performance.now();
  const r = f();
  const ms = performance.now() - t;
  if (ms > BUDGET_MS) assert.fail(`${what} took ${Math.round(ms)} ms (bound ${BUDGET_MS} ms)`);
  return r;
}

function inside(span: Span, length: number, what: string): void {
  assert.ok(Array.isArray(span) && span.length === 2 && Number.isInteger(span[0]) && Number.isInteger(span[1]), `${what}: span ${JSON.stringify(span)} is not two integers`);
  assert.ok(span[0] >= 0 && span[0] <= span[1] && span[1] <= length, `${what}: span [${span[0]}, ${span[1]}] is not inside the document of ${length} characters`);
}

/** Edits inside the document that do not overlap one another (an editor refuses overlapping edits). */
function editsOk(edits: readonly TextEdit[], length: number, what: string): void {
  for (const e of edits) {
    inside(e.span, length, what);
    assert.equal(typeof e.newText, 'string', `${what}: an edit without text`);
  }
  const sorted = [...edits].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!.span, b = sorted[i]!.span;
    assert.ok(b[0] >= a[1], `${what}: edits [${a}] and [${b}] overlap`);
  }
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span[0] - a.span[0] || b.span[1] - a.span[1])) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return out;
}

/** The façade's problems keep their promises. */
export function problemsOk(problems: readonly Problem[], length: number): void {
  for (const p of problems) {
    const what = `${p.rule} at [${p.span}]`;
    assert.ok(RULES.has(p.rule), `unregistered rule ${p.rule}`);
    assert.notEqual(p.rule, CORE['internal-error'].id, `internal error: ${p.message}`);
    assert.ok(typeof p.message === 'string' && p.message.trim().length > 0, `${what}: empty message`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(p.severity), `${what}: severity ${p.severity}`);
    inside(p.span, length, what);
    for (const fix of p.fixes ?? []) {
      assert.ok(fix.title.trim().length > 0, `${what}: a fix without a title`);
      editsOk(fix.edits, length, `${what}, fix "${fix.title}"`);
    }
  }
}

const docOf = (c: FuzzCase, world: World, text = c.text): SourceDocument => ({
  path: path.join(c.inWorld ? world.dir : world.absent, FILE_NAMES[c.languageId]), text, languageId: c.languageId, version: 1,
});

const skippedByFacade = (text: string): boolean => text.length > MAX_FILE_CHARS || text.slice(0, 8192).includes('\0');

/** Checks one case; throws (an assertion) on the first broken invariant. */
export function checkCase(ctx: FuzzContext, c: FuzzCase): void {
  const { service } = ctx;
  const doc = docOf(c, ctx.world);
  const len = c.text.length;
  const offsets = [0, len, ...c.offsets.map(o => o % (len + 1))];

  const parsed = timed('parse', () => service.parse(doc));
  const problems = timed('validate', () => service.validate(doc, parsed, c.settings));
  problemsOk(problems, len);

  // deterministic: again, on a fresh service, and through a parse that reuses the parse of another text
  assert.deepEqual(service.validate(doc, service.parse(doc), c.settings), problems, 'validating the same text again gives other problems');
  const fresh = createService(ctx.env());
  assert.deepEqual(fresh.validate(doc, fresh.parse(doc), c.settings), problems, 'a fresh service gives other problems');
  const before = service.parse(docOf(c, ctx.world, applyMutations(c.text, [c.edit])));
  assert.deepEqual(service.validate(doc, timed('parse (reusing a previous parse)', () => service.parse(doc, before)), c.settings), problems,
    'a parse that reuses the parse of the previous text gives other problems');

  modeInvariants(ctx, c, doc, offsets);
  facadeFeatures(ctx, c, doc, parsed, problems, offsets);
  if (ctx.formats.has(c.languageId) && !parsed.skipped) formatting(ctx, c, doc, parsed);
}

/** A `parseSibling` like the façade's (each sibling parsed once, through its mode). */
function siblingParser(env: ServiceEnv): ValidateContext['parseSibling'] {
  const cache = new Map<string, { doc: SourceDocument; file: unknown } | undefined>();
  return <T>(p: string, languageId: LanguageId) => {
    const key = `${languageId}\0${p}`;
    if (!cache.has(key)) {
      const text = env.readText(p);
      const sdoc: SourceDocument = { path: p, text: text ?? '', languageId };
      cache.set(key, text === undefined || skippedByFacade(text) ? undefined : { doc: sdoc, file: MODE_BY_ID.get(languageId)!.parse(sdoc) });
    }
    return cache.get(key) as { doc: SourceDocument; file: T } | undefined;
  };
}

/** The mode itself, without the façade's guards: no exception, and spans inside the document. */
function modeInvariants(ctx: FuzzContext, c: FuzzCase, doc: SourceDocument, offsets: number[]): void {
  const mode = MODE_BY_ID.get(c.languageId)!;
  const len = c.text.length;
  const env = ctx.env();
  const file = timed('mode parse', () => mode.parse(doc));
  const raw: { rule: string; span: Span; message: string }[] = [];
  const vctx: ValidateContext = {
    settings: c.settings, env, parseSibling: siblingParser(env),
    report(rule, span, message) {
      assert.equal(RULES.get(rule.id), rule, `rule ${rule.id} is not the registered one`);
      raw.push({ rule: rule.id, span: [...span] as Span, message });
    },
  };
  timed('mode validate', () => mode.validate(doc, file, vctx));
  for (const f of raw) {
    inside(f.span, len, `${f.rule} as reported by the check`);
    assert.notEqual(f.rule, CORE['internal-error'].id, `internal error: ${f.message}`);
    assert.ok(f.message.trim().length > 0, `${f.rule}: empty message`);
  }
  const fctx: FeatureContext = { settings: c.settings, env, parseSibling: siblingParser(env) };
  for (const o of offsets) {
    const h = timed(`hover at ${o}`, () => mode.hover?.(doc, file, o, fctx));
    if (h) { inside(h.span, len, `hover at ${o}`); assert.ok(h.markdown.length > 0, `hover at ${o}: empty`); }
    for (const item of timed(`completion at ${o}`, () => mode.complete?.(doc, file, o, fctx) ?? [])) {
      assert.ok(typeof item.label === 'string' && item.label.length > 0, `completion at ${o}: an item without a label`);
      if (item.replace) inside(item.replace, len, `completion ${item.label} at ${o}`);
    }
    for (const d of timed(`definition at ${o}`, () => mode.definition?.(doc, file, o, fctx) ?? [])) assert.ok(d.span[0] >= 0 && d.span[0] <= d.span[1], `definition at ${o}: span ${d.span}`);
    const anchor = mode.commentAnchor?.(file, o);
    if (anchor !== undefined) assert.ok(Number.isInteger(anchor) && anchor >= 0 && anchor <= o, `comment anchor of ${o}: ${anchor}`);
    if (mode.checksAt) assert.equal(typeof mode.checksAt(file, o), 'boolean');
  }
  const symbols = timed('symbols', () => mode.symbols?.(doc, file) ?? []);
  const walk = (s: (typeof symbols)[number], parent?: Span): void => {
    assert.ok(s.name.length > 0, 'a symbol without a name');
    inside(s.span, len, `symbol ${s.name}`);
    assert.ok(s.span[0] <= s.selection[0] && s.selection[1] <= s.span[1], `symbol ${s.name}: selection [${s.selection}] outside its span [${s.span}]`);
    if (parent) assert.ok(parent[0] <= s.span[0] && s.span[1] <= parent[1], `symbol ${s.name}: span [${s.span}] outside its parent's [${parent}]`);
    for (const child of s.children ?? []) walk(child, s.span);
  };
  symbols.forEach(s => walk(s));
  for (const f of timed('folding', () => mode.folding?.(doc, file) ?? [])) inside(f.span, len, 'folding');
  if (mode.format) {
    editsOk(timed('format', () => mode.format!(doc, file, {})), len, 'format');
    const range: Span = [Math.min(...c.range) % (len + 1), Math.max(...c.range) % (len + 1)];
    if (range[0] <= range[1]) editsOk(timed('format range', () => mode.format!(doc, file, { range })), len, `format of [${range}]`);
  }
  for (const l of timed('links', () => mode.links?.(doc, file, fctx) ?? [])) {
    inside(l.span, len, 'link');
    assert.ok(l.target.length > 0, 'a link without a target');
  }
}

/** The façade's own work on top of the modes: fix-all, suppression comments, quick fixes, lenses, TLS files. */
function facadeFeatures(ctx: FuzzContext, c: FuzzCase, doc: SourceDocument, parsed: ParsedFile, problems: Problem[], offsets: number[]): void {
  const { service } = ctx;
  const len = c.text.length;
  const all = timed('fix all', () => service.fixAll(doc, parsed, c.settings));
  editsOk(all.edits, len, 'fix all');
  if (all.edits.length) {
    const fixedDoc = { ...doc, text: applyEdits(c.text, all.edits) };
    problemsOk(timed('validate after fix all', () => service.validate(fixedDoc, service.parse(fixedDoc), c.settings)), fixedDoc.text.length);
  }
  const comments = timed('suppressions', () => service.suppressions(doc, parsed, problems));
  assert.equal(comments.length, problems.length, 'one list of suppression fixes per problem');
  for (const fixes of comments) for (const f of fixes) editsOk(f.edits, len, `suppression "${f.title}"`);
  for (const o of offsets) for (const { fix } of service.fixes(problems, [o, o])) editsOk(fix.edits, len, `quick fix "${fix.title}"`);
  for (const lens of timed('certificate lenses', () => service.certLenses(doc, parsed, c.settings))) inside(lens.span, len, 'certificate lens');
  timed('TLS files', () => service.tlsFiles(doc, parsed, c.settings));
}

/** The parse without positions (spans, offsets and whole texts dropped), as test/unit/formatting.test.ts compares it. */
function meaning(service: Service, doc: SourceDocument): string {
  return JSON.stringify(service.parse(doc).file, (k, v) => {
    if (k === 'start' || k === 'end' || k === 'text' || k === 'source') return undefined;
    if (Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'number')) return undefined;
    if (v instanceof Map) return [...v.entries()];
    return v;
  });
}

function findings(service: Service, doc: SourceDocument, settings: Settings): string[] {
  const index = new LineIndex(doc.text);
  return service.validate(doc, service.parse(doc), settings).map(p => `${index.positionAt(p.span[0]).line + 1} ${p.rule} ${p.severity} ${p.message}`).sort();
}

/** Formatting never changes meaning (whole document and a range), touches only blanks, and is idempotent. */
function formatting(ctx: FuzzContext, c: FuzzCase, doc: SourceDocument, parsed: ParsedFile): void {
  const { service } = ctx;
  const formatted = applyEdits(c.text, timed('format', () => service.format(doc, parsed, {})));
  const check = (out: string, what: string, again: boolean): void => {
    if (out === c.text) return;
    const strip = (s: string) => s.replace(/[ \t=]/g, '');
    assert.equal(strip(out), strip(c.text), `${what} changed more than blanks:\n${JSON.stringify(out)}`);
    const outDoc = { ...doc, text: out };
    assert.equal(meaning(service, outDoc), meaning(service, doc), `${what} changed the parse:\n${JSON.stringify(out)}`);
    assert.deepEqual(findings(service, outDoc, c.settings), findings(service, doc, c.settings), `${what} changed the findings:\n${JSON.stringify(out)}`);
    if (again) assert.equal(applyEdits(out, service.format(outDoc, service.parse(outDoc), {})), out, `formatting again changes the text:\n${JSON.stringify(out)}`);
  };
  check(formatted, 'formatting', true);
  const len = c.text.length;
  const range: Span = [Math.min(...c.range) % (len + 1), Math.max(...c.range) % (len + 1)];
  if (range[0] <= range[1]) check(applyEdits(c.text, service.format(doc, parsed, { range })), `formatting [${range}]`, false);
}
