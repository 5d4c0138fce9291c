/**
 * `pgtls check`'s output, streamed: each file's findings are printed as soon as they are known (in the run's file
 * order; cli/checkJobs.ts puts the workers' results back in order), and only counts are kept until the end. The bytes
 * are those of the whole output formatted at once: text lines, then the summary; JSON and SARIF as
 * `JSON.stringify(…, null, 2)` would write them, their `diagnostics`/`results` arrays written one element at a time.
 */
import * as path from 'node:path';
import type { Problem, RuleMeta } from '../core/types';
import type { CliIo } from './args';
import { jsonSummary, textSummary, type CheckReport } from './checkSummary';
import { REPOSITORY_URL } from '../protocol';

/** The version `pgtls --version` and the SARIF output report. */
export const VERSION = '0.1.0';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type CheckFormat = (typeof FORMATS)[number];

/** 1-based positions of a finding. */
export interface Positions {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonDiagnostic extends Positions {
  /** The path as given; for standard input `-`, or the Helm template (`# Source:`) the finding's document came from. */
  file: string;
  severity: Problem['severity'];
  rule: string;
  message: string;
  /** Standard input only: the Helm template of the finding's document (`line` then counts from the line after its `# Source:` comment). */
  source?: string;
  /** Standard input only: where the finding is in the stream. */
  stream?: Positions;
}

/** One file's result as the printer takes it: its findings as JSON diagnostics, or why it was not checked after all. */
export interface FileOutcome {
  file: string;
  diags: JsonDiagnostic[];
  /** Not checked after all: it was no regular file when it was opened. */
  skipped?: { reason: 'not-regular'; detail?: string };
}

const level = (s: Problem['severity']) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');

/** `text` indented as the element of an array nested `depth` levels deep in `JSON.stringify(…, null, 2)`. */
const element = (value: unknown, depth: number): string => {
  const pad = ' '.repeat(2 * depth);
  return pad + JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
};

/** The SARIF document around its results, split where the results go (`head`, `tail`), and the document without any. */
function sarifFrame(rules: readonly RuleMeta[]): { head: string; tail: string; empty: string } {
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: {
        driver: {
          name: 'pgtls', version: VERSION, ...(REPOSITORY_URL === undefined ? {} : { informationUri: REPOSITORY_URL }),
          rules: rules.map(r => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: level(r.severity) } })),
        },
      },
      results: [] as unknown[],
    }],
  };
  const empty = JSON.stringify(sarif, null, 2) + '\n';
  const at = empty.lastIndexOf('"results": []');
  return { head: empty.slice(0, at) + '"results": [\n', tail: '\n      ]' + empty.slice(at + '"results": []'.length), empty };
}

export class CheckPrinter {
  private checked = 0;
  private readonly counts = { error: 0, warning: 0, note: 0 };
  private written = 0;
  private sarif: { head: string; tail: string; empty: string; index: Map<string, number> } | undefined;

  constructor(private readonly format: CheckFormat, private readonly io: CliIo, rules: () => readonly RuleMeta[], private readonly report: CheckReport) {
    if (format === 'sarif') {
      const all = rules();
      this.sarif = { ...sarifFrame(all), index: new Map(all.map((r, i) => [r.id, i])) };
    }
  }

  get filesChecked(): number {
    return this.checked;
  }

  get errors(): number {
    return this.counts.error;
  }

  /** Prints one file's findings (the next file in the run's order). */
  add(o: FileOutcome): void {
    if (o.skipped) {
      this.io.err(`pgtls: skipped ${o.file}: not a regular file${o.skipped.detail ? ` (${o.skipped.detail})` : ''}; pgtls reads only regular files\n`);
      this.report.skipped.push({ path: o.file, ...o.skipped });
      return;
    }
    this.checked++;
    for (const d of o.diags) this.counts[d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note']++;
    if (!o.diags.length) return;
    if (this.format === 'text') {
      this.io.out(o.diags.map(d => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.rule}: ${d.message}${d.source && d.stream ? ` (standard input ${d.stream.line}:${d.stream.column})` : ''}\n`).join(''));
      return;
    }
    const parts: string[] = [];
    for (const d of o.diags) {
      const first = this.written++ === 0;
      if (this.format === 'json') parts.push(first ? '{\n  "diagnostics": [\n' : ',\n', element(d, 2));
      else parts.push(first ? this.sarif!.head : ',\n', element(this.sarifResult(d), 4));
    }
    this.io.out(parts.join(''));
  }

  /** The summary (text, JSON) or the end of the document (SARIF). */
  finish(): void {
    const { error, warning, note } = this.counts;
    if (this.format === 'text') {
      const files = this.checked;
      const summary = `${files} file${files === 1 ? '' : 's'} checked: ${error} error(s), ${warning} warning(s), ${note} note(s).`;
      this.io.out([summary, ...textSummary(this.report)].join('\n') + '\n');
    } else if (this.format === 'json') {
      const summary = JSON.stringify(jsonSummary(this.checked, this.report), null, 2).replace(/\n/g, '\n  ');
      this.io.out(`${this.written ? '\n  ]' : '{\n  "diagnostics": []'},\n  "summary": ${summary}\n}\n`);
    } else this.io.out(this.written ? this.sarif!.tail : this.sarif!.empty);
  }

  private sarifResult(d: JsonDiagnostic): unknown {
    return {
      ruleId: d.rule,
      ruleIndex: this.sarif!.index.get(d.rule),
      level: level(d.severity),
      message: { text: d.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: d.file.split(path.sep).join('/') },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
        },
      }],
    };
  }
}
