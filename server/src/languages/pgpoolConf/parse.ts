/**
 * pgpool.conf parser: Pgpool-II's statement loop (`ParseConfigFile` in src/config/pool_config.l) over the exact lexer
 * in lexer.ts. A statement is `KEY [=] <any one token>`; nothing requires a line break after the value, so a value the
 * lexer splits in two silently becomes two statements. Where Pgpool-II stops at the first syntax error, this parser
 * records it and goes on at the next line. On top of Pgpool-II's view it works out, per statement, the "run" of text
 * the user meant as the value, to explain splits and syntax errors and to offer the quoting fix.
 */
import type { Fix, SourceDocument, Span } from '../../core/types';
import { Lexer, Tok } from './lexer';
import type {
  Assignment, BomProblem, Include, PgpoolConfFile, QuotingProblem, SyntaxError, TokenKind, ValueSplit,
} from './model';

/**
 * The array parameters of every supported version (same in 4.3 … 4.7): a key made of one of these names plus digits
 * is that parameter for one node. The catalogue holds the same list; a unit test keeps the two equal.
 */
export const ARRAY_PARAMS: readonly string[] = [
  'backend_application_name', 'backend_data_directory', 'backend_flag', 'backend_hostname', 'backend_port',
  'backend_weight', 'connect_timeout', 'health_check_database', 'health_check_max_retries', 'health_check_password',
  'health_check_period', 'health_check_retry_delay', 'health_check_timeout', 'health_check_user', 'heartbeat_device',
  'heartbeat_hostname', 'heartbeat_port', 'hostname', 'pgpool_port', 'wd_port',
];
const ARRAYS_LONGEST_FIRST = [...ARRAY_PARAMS].sort((a, b) => b.length - a.length);

const KIND: Record<Tok, TokenKind> = {
  [Tok.Key]: 'key', [Tok.Integer]: 'integer', [Tok.Real]: 'real', [Tok.String]: 'string', [Tok.Unquoted]: 'unquoted',
  [Tok.Equals]: 'equals', [Tok.Eol]: 'eol', [Tok.Error]: 'error', [Tok.Eof]: 'eol',
};

/** The units Pgpool-II accepts (case-sensitive). */
const SAFE_UNITS = new Set(['us', 'ms', 's', 'min', 'h', 'd', 'B', 'kB', 'MB', 'GB', 'TB']);

const UNIT_WORDS = new Set(['us', 'ms', 's', 'min', 'h', 'd', 'B', 'kB', 'MB', 'GB', 'TB',
  'sec', 'secs', 'second', 'seconds', 'minute', 'minutes', 'mins', 'hour', 'hours', 'day', 'days', 'msec', 'kb', 'mb', 'gb', 'tb']);

/** Splits `backend_hostname12` into its array name and index; other keys are their own name. */
export function splitKey(key: string): { name: string; index?: number } {
  const last = key.charCodeAt(key.length - 1);
  if (!(last >= 48 && last <= 57)) return { name: key };
  for (const name of ARRAYS_LONGEST_FIRST) {
    if (key.length > name.length && key.startsWith(name) && /^[0-9]+$/.test(key.slice(name.length))) {
      return { name, index: Number(key.slice(name.length)) };
    }
  }
  return { name: key };
}

/** The value Pgpool-II stores for a value token: a quoted string loses its quotes (and nothing else). */
export function tokenValue(kind: Tok, text: string): string {
  if (kind === Tok.String) return text.slice(1, -1);
  if (kind === Tok.Eol || kind === Tok.Eof) return '';
  return text;
}

interface RunToken { kind: Tok; start: number; end: number }

/** The text the user meant as the value of one statement: the value token and what follows it on the line. */
interface Run {
  /** The statement (assignment or include) whose value this is. */
  target: Assignment | Include;
  key: string;
  /** The value token and the token after it (the rest only counts). */
  tokens: RunToken[];
  count: number;
  start: number;
  end: number;
}

/** Parses a pgpool.conf the way Pgpool-II does; never throws, linear in the text length. */
export function parsePgpoolConf(doc: SourceDocument): PgpoolConfFile {
  return new Parser(doc.text, doc.path).parse();
}

class Parser {
  private readonly assignments: Assignment[] = [];
  private readonly syntaxErrors: SyntaxError[] = [];
  private readonly includes: Include[] = [];
  private readonly quotingProblems: QuotingProblem[] = [];
  private line = 0;
  /** The run of the last statement whose value may have been split, while the loop is still inside that line. */
  private run: Run | undefined;
  /** Assignments created inside the current run (dropped if the run ends in a syntax error). */
  private phantomsFrom = -1;

  private readonly runLexer: Lexer;
  private readonly peekLexer: Lexer;

  constructor(private readonly text: string, private readonly path: string) {
    this.runLexer = new Lexer(text);
    this.peekLexer = new Lexer(text);
  }

  parse(): PgpoolConfFile {
    const lx = new Lexer(this.text);
    for (;;) {
      let t = lx.next();
      if (t === Tok.Eof) { this.closeRun(); break; }
      if (t === Tok.Eol) { this.closeRun(); this.line++; continue; }
      if (t !== Tok.Key) {
        this.syntaxError(t, lx.start, lx.end);
        // Recover at the next line, as an editor user expects; Pgpool-II itself stops here.
        while (t !== Tok.Eol && t !== Tok.Eof) t = lx.next();
        this.run = undefined;
        if (t === Tok.Eof) break;
        this.line++;
        continue;
      }
      const keySpan: Span = [lx.start, lx.end];
      const key = this.text.slice(lx.start, lx.end);
      const keyLine = this.line;
      let v = lx.next();
      let equalsSpan: Span | undefined;
      if (v === Tok.Equals) { equalsSpan = [lx.start, lx.end]; v = lx.next(); }
      const missing = v === Tok.Eol || v === Tok.Eof;
      // A missing value gets an empty span right after the `=` (or the name): where the value belongs. Not where the
      // line ends, which can be after a comment, or between the `\r` and the `\n` of a CRLF line break.
      const gap = equalsSpan ? equalsSpan[1] : keySpan[1];
      const valueSpan: Span = missing ? [gap, gap] : [lx.start, lx.end];
      const raw = this.text.slice(valueSpan[0], valueSpan[1]);
      const phantom = this.run !== undefined && keySpan[0] < this.run.end;
      let target: Assignment | Include;
      if (key === 'include' && !phantom) {
        target = { keySpan, value: tokenValue(v, raw), valueSpan, line: keyLine, ...(missing ? { missingValue: true } : {}) };
        this.includes.push(target);
      } else {
        const a: Assignment = {
          key, keySpan, ...splitKey(key), value: tokenValue(v, raw), valueSpan, valueKind: KIND[v], line: keyLine,
        };
        if (equalsSpan) a.equalsSpan = equalsSpan;
        if (missing) a.missingValue = true;
        if (phantom) a.phantom = true;
        this.assignments.push(a);
        target = a;
      }
      if (!phantom) {
        // A new statement of its own: the previous value's run (if any) ended without a syntax error.
        this.closeRun();
        if (!missing) this.openRun(target, key, v, valueSpan[0], valueSpan[1]);
      }
      if (v === Tok.Eol) { this.closeRun(); this.line++; continue; }
      if (v === Tok.Eof) { this.closeRun(); break; }
    }
    const file: PgpoolConfFile = {
      path: this.path, assignments: this.assignments, syntaxErrors: this.syntaxErrors,
      includes: this.includes, quotingProblems: this.quotingProblems,
    };
    const bom = checkBom(this.text, file);
    if (bom) file.bom = bom;
    return file;
  }

  /**
   * Collects the tokens after a value up to the end of the line or to what looks like the next real statement
   * (a name followed by `=`, after a blank or right after a quoted string). Linear overall: the tokens a run covers
   * belong to no other run.
   */
  private openRun(target: Assignment | Include, key: string, kind: Tok, start: number, end: number): void {
    const tokens: RunToken[] = [{ kind, start, end }];
    const lx = this.runLexer.reset(end);
    let count = 1;
    let prevKind = kind;
    let prevEnd = end;
    for (;;) {
      const t = lx.next();
      if (t === Tok.Eol || t === Tok.Eof) break;
      // a `#` on the last line without a newline: its own syntax error, not part of the value
      if (t === Tok.Error && this.text.charCodeAt(lx.start) === 35) break;
      const s = lx.start;
      const e = lx.end;
      if (t === Tok.Key && (s > prevEnd || prevKind === Tok.String)) {
        const peek = this.peekLexer.reset(e);
        if (peek.next() === Tok.Equals) break;
      }
      if (count < 2) tokens.push({ kind: t, start: s, end: e });
      count++;
      prevKind = t;
      prevEnd = e;
    }
    this.run = { target, key, tokens, count, start, end: prevEnd };
    this.phantomsFrom = this.assignments.length;
  }

  /** The loop left the run without a syntax error: if the value was split, Pgpool-II silently misreads it. */
  private closeRun(): void {
    const run = this.run;
    this.run = undefined;
    if (!run || run.count < 2) return;
    const d = describeRun(this.text, run, false);
    this.quotingProblems.push({
      span: [run.start, run.end], message: d.message, ...(d.fixes.length ? { fixes: d.fixes } : {}), ...splitOf(run, d),
    });
  }

  private syntaxError(t: Tok, start: number, end: number): void {
    const run = this.run;
    const c = this.text.charCodeAt(start);
    if (t === Tok.Error && c === 35) {
      this.syntaxErrors.push({
        span: [start, end],
        message: 'Pgpool-II only recognises a `#` comment that ends with a line break, so this comment on the last line is a syntax error and Pgpool-II does not start; add a newline at the end of the file.',
        fixes: [{ title: 'Add a newline at the end of the file', edits: [{ span: [this.text.length, this.text.length], newText: '\n' }], preferred: true }],
      });
      this.dropRunPhantoms();
      return;
    }
    if (run && run.count >= 2) {
      const d = describeRun(this.text, run, true);
      this.syntaxErrors.push({
        span: [run.start, run.end], message: d.message, ...(d.fixes.length ? { fixes: d.fixes } : {}), ...splitOf(run, d),
      });
      // The statement never happens in Pgpool-II; keep what the user meant so that later checks see it.
      if (d.intended !== undefined) {
        const a = run.target;
        a.value = d.intended;
        a.valueSpan = [run.start, run.end];
        if ('valueKind' in a) { a.valueKind = 'unquoted'; a.recovered = true; }
      }
      this.dropRunPhantoms();
      return;
    }
    this.dropRunPhantoms();
    this.syntaxErrors.push({ span: [start, end], message: statementStartError(t, this.text.slice(start, end)) });
  }

  private dropRunPhantoms(): void {
    if (this.run && this.phantomsFrom >= 0) this.assignments.length = this.phantomsFrom;
    this.run = undefined;
  }
}

/** The message for a token that cannot start a statement (not following a value on the same line). */
function statementStartError(t: Tok, text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  switch (t) {
    case Tok.Integer:
    case Tok.Real:
      return /[A-Za-z_]/.test(text)
        ? `A parameter name cannot start with a digit or a sign: Pgpool-II stops with a syntax error at \`${shown}\` and does not start; check the name.`
        : `A statement cannot start with the number \`${shown}\`: Pgpool-II stops with a syntax error and does not start; write \`name = value\`.`;
    case Tok.Unquoted:
      return `\`${shown}\` is not a valid parameter name (only letters, digits and \`_\`), so Pgpool-II stops with a syntax error and does not start; check the name.`;
    case Tok.String:
      return `A quoted string cannot start a statement: Pgpool-II stops with a syntax error at \`${shown}\` and does not start; write \`name = value\`.`;
    case Tok.Equals:
      return 'The parameter name is missing before `=`: Pgpool-II stops with a syntax error and does not start; write `name = value`.';
    default:
      if (text === '[') return 'pgpool.conf has no `[section]` headers: Pgpool-II stops with a syntax error at `[` and does not start; remove the line.';
      if (text === '"') return 'Double quotes are not quotes in pgpool.conf: Pgpool-II stops with a syntax error at `"` and does not start; use single quotes.';
      return `\`${shown}\` cannot start a statement: Pgpool-II stops with a syntax error there and does not start; write \`name = value\`.`;
  }
}

interface RunDescription {
  message: string;
  fixes: Fix[];
  /** The value the user meant (without the quotes the fix adds), when it can be told. */
  intended?: string;
  /** For an unquoted value: why it was split and what Pgpool-II does, to rebuild the advice per parameter type. */
  reason?: string;
  outcome?: string;
}

function splitOf(run: Run, d: RunDescription): { split?: ValueSplit } {
  if (d.reason === undefined || d.outcome === undefined) return {};
  const first = run.tokens[0]!;
  return { split: { target: run.target, reason: d.reason, outcome: d.outcome, first: [first.start, first.end], firstKind: KIND[first.kind] } };
}

/** Explains why a value's run went wrong, what Pgpool-II does with it, and how to quote it. */
function describeRun(text: string, run: Run, fatal: boolean): RunDescription {
  const first = run.tokens[0]!;
  const second = run.tokens[1]!;
  const full = text.slice(run.start, run.end);
  const firstText = text.slice(first.start, first.end);
  const secondText = text.slice(second.start, second.end);
  const k = `\`${run.key}\``;
  const outcome = fatal
    ? 'Pgpool-II stops with a syntax error and does not start'
    : `its value becomes \`${short(tokenValue(first.kind, firstText))}\` and the rest turns into other parameters`;
  const quote = (inner: string, title = 'Quote the value'): Fix[] =>
    inner.includes("'") || inner.includes('\n') ? [] : [{ title, edits: [{ span: [run.start, run.end], newText: `'${inner}'` }], preferred: true }];

  if (first.kind === Tok.String) {
    if (second.kind === Tok.String && second.start === first.end) {
      return { message: `${k}: pgpool.conf has no \`''\` escape: the value ends at the second quote, so ${outcome}; leave single quotes out of the value.`, fixes: [] };
    }
    return { message: `${k}: \`${short(secondText)}\` after the quoted value is not part of it, so ${outcome}; remove it or move it inside the quotes.`, fixes: [] };
  }
  if (first.kind === Tok.Error && firstText === '"') {
    const closed = full.length >= 2 && full.endsWith('"');
    const inner = closed ? full.slice(1, -1) : full.slice(1);
    return {
      message: `${k}: double quotes are not quotes in pgpool.conf, so ${outcome}; use single quotes: \`'${short(inner)}'\`.`,
      fixes: quote(inner, 'Use single quotes'),
      intended: inner,
    };
  }
  if (first.kind === Tok.Error && firstText === "'") {
    const inner = full.slice(1);
    return {
      message: `${k}: the quoted value has no closing quote on this line, so ${outcome}; end it with \`'\`.`,
      fixes: inner.includes("'") ? [] : [{ title: 'Add the closing quote', edits: [{ span: [run.end, run.end], newText: "'" }], preferred: true }],
      intended: inner,
    };
  }
  let reason: string;
  if ((first.kind === Tok.Integer || first.kind === Tok.Real) && second.kind === Tok.Key && second.start > first.end && UNIT_WORDS.has(secondText)) {
    reason = `a blank between a number and its unit splits the value, as Pgpool-II reads \`${firstText}\` and then a parameter named \`${secondText}\``;
    // An integer takes its unit right after it (`5min` is one token); a decimal number needs the quotes (`'1.5h'`).
    if (first.kind === Tok.Integer && run.count === 2 && /^[0-9]+$|^0x[0-9a-fA-F]+$/.test(firstText) && SAFE_UNITS.has(secondText)) {
      const joined = `${firstText}${secondText}`;
      return {
        message: `${k}: ${reason}, so ${outcome}; write \`${joined}\` or \`'${short(full)}'\`.`,
        fixes: [...quote(full), { title: `Change to ${joined}`, edits: [{ span: [run.start, run.end], newText: joined }] }],
        intended: full, reason, outcome,
      };
    }
  } else if (first.kind === Tok.Error && firstText === '/') {
    reason = 'Pgpool-II reads the leading `/` of an unquoted path as the whole value';
  } else if (/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/.test(full) || /^[0-9a-fA-F]*:[0-9a-fA-F:]*:/.test(full)) {
    reason = `Pgpool-II reads an unquoted IP address as numbers (\`${firstText}\` first)`;
  } else if (first.kind === Tok.Integer && /[eE]$/.test(firstText) && second.kind === Tok.Integer && second.start === first.end) {
    reason = `Pgpool-II reads an unquoted exponent as two numbers, \`${firstText}\` and \`${secondText}\``;
  } else if (/[ \t]/.test(full)) {
    reason = `an unquoted value ends at the first blank, after \`${firstText}\``;
  } else {
    const bad = firstBadChar(full);
    reason = bad === ',' ? 'a list cannot be written without quotes (`,` ends an unquoted value)'
      : bad ? `\`${bad}\` cannot appear in an unquoted value` : 'this value cannot be written without quotes';
  }
  return { message: `${k}: ${reason}, so ${outcome}; write \`'${short(full)}'\`.`, fixes: quote(full), intended: full, reason, outcome };
}

/** The first character that is not allowed in an unquoted word or number. */
function firstBadChar(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128
      || c === 45 || c === 46 || c === 58 || (c === 47 && i > 0);
    if (!ok) return s[i];
  }
  return undefined;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/**
 * A byte-order mark is blank to this parser (so the editor features work), but Pgpool-II reads its bytes as letters.
 * Re-run the first line Pgpool-II's way and report what changes.
 */
function checkBom(text: string, file: PgpoolConfFile): BomProblem | undefined {
  if (text.charCodeAt(0) !== 0xfeff) return undefined;
  let eol = text.indexOf('\n');
  if (eol < 0) eol = text.length;
  const lx = new Lexer(text, 0, eol, true);
  const stmts: { key: string; value: string }[] = [];
  let fatal = false;
  for (;;) {
    const t = lx.next();
    if (t === Tok.Eof) break;
    if (t !== Tok.Key) { fatal = true; break; }
    const key = text.slice(lx.start, lx.end);
    let v = lx.next();
    if (v === Tok.Equals) v = lx.next();
    stmts.push({ key, value: tokenValue(v, text.slice(lx.start, lx.end)) });
    if (v === Tok.Eof) break;
  }
  const ours = [...file.assignments, ...(file.includes ?? []).map(i => ({ ...i, key: 'include' }))]
    .filter(a => a.keySpan[0] < eol).sort((a, b) => a.keySpan[0] - b.keySpan[0]);
  const bomOnly = stmts.length === 1 && stmts[0]!.key === '\ufeff' && stmts[0]!.value === '' && ours.length === 0;
  if (!fatal && bomOnly) return undefined;
  if (fatal) {
    return { span: [0, 1], fatal: true, message: 'Pgpool-II does not skip a byte-order mark: it reads it as a parameter name, so the first line is a syntax error and Pgpool-II does not start; save the file as UTF-8 without BOM.' };
  }
  const firstKey = ours[0]?.key;
  const merged = firstKey !== undefined && stmts[0]?.key === `\ufeff${firstKey}`;
  return {
    span: [0, 1], fatal: false,
    message: merged
      ? `Pgpool-II does not skip a byte-order mark: it reads it as part of the name \`${firstKey}\`, which it then does not know, so it ignores this setting; save the file as UTF-8 without BOM.`
      : 'Pgpool-II does not skip a byte-order mark: it reads it as a parameter name and the first line means something else to it; save the file as UTF-8 without BOM.',
  };
}
