/**
 * One file of `pgtls check`: read (a regular file within the size limit), validated through the façade (with the
 * parse the run's index still holds, so that it is not parsed twice), and turned into JSON diagnostics; the main
 * thread and the workers (cli/checkJobs.ts) run the same code.
 */
import * as path from 'node:path';
import { LineIndex, type RunIndex, type Service } from '../service';
import type { Problem, Settings } from '../core/types';
import { FileReadError, MAX_CONFIG_BYTES, formatBytes, readRegularText } from '../node/readFiles';
import type { FileOutcome, JsonDiagnostic, Positions } from './checkOutput';
import { STDIN_NAME, placeOf, sourcedDocuments } from './stream';

export interface FileResult {
  file: string;
  text: string;
  problems: Problem[];
  /** Read from standard input: a YAML stream whose documents may name their Helm templates. */
  stream?: boolean;
  /** Not checked after all: it was no regular file when it was opened. */
  skipped?: { reason: 'not-regular'; detail?: string };
}

/** How `checkFiles` reads standard input (`-`), and the service that checks it (one that reads no file beside it). */
export interface StdinInput {
  read(): string;
  service(): Service;
}

/** A file `--max-file-size` keeps out: one `pgtls/file-too-large` finding (the façade's rule for a file it does not validate). */
function tooLargeResult(file: string, e: FileReadError, maxBytes: number): FileResult {
  const size = e.detail ? `${formatBytes(Number(e.detail))}, ` : '';
  return { file, text: '', problems: [{
    rule: 'pgtls/file-too-large', span: [0, 0], severity: 'warning',
    message: `This file is too large to check (${size}more than the ${formatBytes(maxBytes)} pgtls check reads), so it was not read. Split it with include files, or raise the limit with --max-file-size.`,
  }] };
}

/** Reads and validates one file (`index`: the run's, whose cached parse of the file is used when it has one). */
export function checkFile(service: Service, file: string, settings: Settings, maxBytes = MAX_CONFIG_BYTES, index?: RunIndex): FileResult {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readRegularText(abs, { maxBytes });
  } catch (e) {
    if (e instanceof FileReadError && e.reason === 'too-large') return tooLargeResult(file, e, maxBytes);
    if (e instanceof FileReadError && e.reason === 'not-regular') return { file, text: '', problems: [], skipped: { reason: 'not-regular', ...(e.detail ? { detail: e.detail } : {}) } };
    return { file, text: '', problems: [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: `Cannot read the file: ${(e as Error).message}.` }] };
  }
  const languageId = service.languageOf(abs)!;
  const doc = { path: abs, text, languageId };
  const parsed = languageId === 'yaml' && index ? index.parsedFor(abs, text, () => service.parse(doc)) : service.parse(doc);
  return { file, text, problems: service.validate(doc, parsed, settings) };
}

/** One file's outcome for the printer (cli/checkOutput.ts): its JSON diagnostics; the text is not kept. */
export function checkOne(service: Service, file: string, settings: Settings, maxBytes = MAX_CONFIG_BYTES, index?: RunIndex, stdin?: StdinInput): FileOutcome {
  const r = file === STDIN_NAME && stdin ? checkStdin(stdin, settings, maxBytes) : checkFile(service, file, settings, maxBytes, index);
  return { file: r.file, diags: toJsonDiagnostics([r]), ...(r.skipped ? { skipped: r.skipped } : {}) };
}

/** Every file in turn (the outcome of each, text kept): for callers that want results rather than output. */
export function checkFiles(service: Service, files: string[], settings: Settings, stdin?: StdinInput, maxBytes = MAX_CONFIG_BYTES): FileResult[] {
  return files.map(f => (f === STDIN_NAME && stdin ? checkStdin(stdin, settings, maxBytes) : checkFile(service, f, settings, maxBytes)));
}

/**
 * A YAML stream on standard input, checked as one file: the documents of a rendered overlay or chart are complete
 * resources, and the resources they refer to are in the stream, not in the current folder.
 */
function checkStdin(stdin: StdinInput, settings: Settings, maxBytes: number): FileResult {
  let text: string;
  try {
    text = stdin.read();
  } catch (e) {
    if (e instanceof FileReadError && e.reason === 'too-large') {
      return { file: STDIN_NAME, text: '', stream: true, problems: [{
        rule: 'pgtls/file-too-large', span: [0, 0], severity: 'warning', message: `Standard input holds more than the ${formatBytes(maxBytes)} pgtls check reads, so it was not checked; raise the limit with --max-file-size.`,
      }] };
    }
    return { file: STDIN_NAME, text: '', stream: true, problems: [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: `Cannot read standard input: ${(e as Error).message}.` }] };
  }
  const service = stdin.service();
  const doc = { path: path.resolve(STDIN_NAME), text, languageId: 'yaml' as const };
  return { file: STDIN_NAME, text, stream: true, problems: service.validate(doc, service.parse(doc), settings) };
}

export function toJsonDiagnostics(results: FileResult[]): JsonDiagnostic[] {
  const out: JsonDiagnostic[] = [];
  for (const r of results) {
    const index = new LineIndex(r.text);
    const docs = r.stream ? sourcedDocuments(r.text) : [];
    for (const p of r.problems) {
      const s = index.positionAt(p.span[0]);
      const e = index.positionAt(p.span[1]);
      const at: Positions = { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
      const base = { severity: p.severity, rule: p.rule, message: p.message };
      if (!r.stream) {
        out.push({ file: r.file, ...at, ...base });
        continue;
      }
      const place = placeOf(docs, r.text, p.span[0]);
      if (place.source === undefined || place.firstLine === undefined) {
        out.push({ file: r.file, ...at, ...base, stream: at });
        continue;
      }
      const first = place.firstLine;
      out.push({
        file: place.source, line: Math.max(1, at.line - first), column: at.column, endLine: Math.max(1, at.endLine - first), endColumn: at.endColumn,
        ...base, source: place.source, stream: at,
      });
    }
  }
  return out;
}

