/**
 * Value checkers for parameters with their own syntax: the `*_redirect_preference_list` family
 * (src/utils/regex_array.c `extract_string_tokens2`, pool_config_variables.c `check_redirect_node_spec`) and the
 * POSIX extended regular expressions Pgpool-II compiles from them with glibc `regcomp`.
 */
import type { Span } from '../../../core/types';

/** MAX_NUM_BACKENDS: node numbers in a redirect list must be below it. */
const MAX_NUM_BACKENDS = 128;

export interface ValueFinding {
  span: Span;
  message: string;
  /** Pgpool-II does not refuse this; it silently drops or mismatches something. */
  warning?: boolean;
  /** A replacement for `span` that fixes the problem. */
  fix?: { span: Span; newText: string };
}

/**
 * Checks `dbname_regex:node_spec[(weight)],...`. Entries are split on `,` (empty ones skipped, no trimming); an
 * entry without `:` silently ends the list (the entries after it are dropped); the node spec is `primary`, `standby`
 * (any case) or a node number below 128; the left side must be a non-empty regular expression.
 * `offset` is where `value` starts in the document (spans point at the entry).
 */
export function checkRedirectList(value: string, offset: number): ValueFinding[] {
  const out: ValueFinding[] = [];
  let pos = 0;
  for (const entry of value.split(',')) {
    const start = pos;
    pos += entry.length + 1;
    if (entry === '') continue;
    const span: Span = [offset + start, offset + start + entry.length];
    const colon = entry.indexOf(':');
    if (colon < 0) {
      const rest = value.slice(start + entry.length + 1).split(',').filter(s => s !== '').length;
      out.push({
        span, warning: true,
        message: `the entry \`${entry}\` has no \`:node\` part, so Pgpool-II silently stops reading the list here${rest ? ` and drops the ${rest} entr${rest === 1 ? 'y' : 'ies'} after it` : ''}; write \`${entry}:primary\`, \`${entry}:standby\` or \`${entry}:<node number>\`.`,
      });
      return out;
    }
    const left = entry.slice(0, colon);
    const afterColon = entry.slice(colon + 1);
    const paren = afterColon.indexOf('(');
    const spec = paren < 0 ? afterColon : afterColon.slice(0, paren);
    if (!validNodeSpec(spec)) {
      out.push({
        span,
        message: `the node \`${spec}\` in \`${entry}\` is not \`primary\`, \`standby\` or a node number from 0 to ${MAX_NUM_BACKENDS - 1}${/^\s|\s$/.test(spec) ? ' (blanks are not trimmed)' : ''}, so Pgpool-II refuses to start; fix the node.`,
      });
      return out; // Pgpool-II stops at the first bad entry
    }
    if (left === '') {
      out.push({ span, message: `the entry \`${entry}\` has an empty name pattern before \`:\`, so Pgpool-II refuses to start; put a regular expression before \`:\`.` });
      return out;
    }
    const err = posixEreError(left);
    if (err) {
      out.push({ span, message: `\`${left}\` is not a valid POSIX regular expression (${err}), so Pgpool-II refuses to start; fix the pattern.` });
      return out;
    }
    if (/^\s|\s$/.test(left)) {
      // Pgpool-II does not trim entries and anchors each pattern (`^…$`), so the blank must match too.
      const trimmed = left.trim();
      const lead = left.length - left.trimStart().length;
      out.push({
        span: [offset + start, offset + start + colon], warning: true,
        message: `the pattern \`${left}\` ${/^\s/.test(left) ? 'starts' : 'ends'} with a blank, which Pgpool-II keeps (it does not trim list entries and anchors each pattern as \`^…$\`), so it never matches \`${trimmed}\`; remove the blank${lead > 0 ? ' after the comma' : ''}.`,
        fix: { span: [offset + start, offset + start + colon], newText: trimmed },
      });
    }
  }
  return out;
}

function validNodeSpec(spec: string): boolean {
  const s = spec.toLowerCase();
  if (s === 'primary' || s === 'standby') return true;
  if (!/^[0-9]+$/.test(spec)) return false;
  return Number(spec) < MAX_NUM_BACKENDS;
}

const CLASSES = new Set(['alpha', 'digit', 'alnum', 'upper', 'lower', 'space', 'blank', 'punct', 'print', 'graph', 'cntrl', 'xdigit']);
const DUP_MAX = 32767;

/**
 * Why glibc's `regcomp(REG_EXTENDED)` would reject `^pattern$`, or `undefined`. Covers the mistakes seen in practice
 * (checked against Pgpool-II 4.3.5): a repetition with nothing before it, an unclosed `[`, `(` or `{`, a bad
 * interval, an unknown character class, a reversed range. It errs on the side of accepting.
 */
export function posixEreError(p: string): string | undefined {
  let canRepeat = false; // after the implicit leading `^`
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    switch (c) {
      case '\\':
        i++; // escapes the next character (a trailing backslash escapes the appended `$`)
        canRepeat = true;
        break;
      case '[': {
        const end = bracketEnd(p, i);
        if (typeof end === 'string') return end;
        i = end;
        canRepeat = true;
        break;
      }
      case '(':
        depth++;
        canRepeat = false;
        break;
      case ')':
        if (depth > 0) depth--;
        canRepeat = true;
        break;
      case '|':
      case '^':
      case '$':
        canRepeat = false;
        break;
      case '*':
      case '+':
      case '?':
        if (!canRepeat) return `\`${c}\` has nothing to repeat`;
        break;
      case '{': {
        if (!canRepeat) return '`{` has nothing to repeat';
        const m = /^\{([0-9]*)(,([0-9]*))?\}/.exec(p.slice(i));
        if (!m || (m[1] === '' && m[2] === undefined)) return 'invalid `{…}` interval';
        if (Number(m[1] || 0) > DUP_MAX || Number(m[3] || 0) > DUP_MAX) return 'interval bound too large';
        i += m[0].length - 1;
        break;
      }
      default:
        canRepeat = true;
    }
  }
  if (depth > 0) return 'unclosed `(`';
  return undefined;
}

/** Index of the `]` that closes the bracket expression opened at `i`, or the reason it is invalid. */
function bracketEnd(p: string, i: number): number | string {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  let prev: string | undefined;
  while (j < p.length) {
    const c = p[j]!;
    if (c === ']') return j;
    if (c === '[' && (p[j + 1] === ':' || p[j + 1] === '.' || p[j + 1] === '=')) {
      const kind = p[j + 1]!;
      const close = p.indexOf(`${kind}]`, j + 2);
      if (close < 0) return 'unclosed `[`';
      if (kind === ':' && !CLASSES.has(p.slice(j + 2, close))) return `unknown character class \`${p.slice(j + 2, close)}\``;
      j = close + 2;
      prev = undefined;
      continue;
    }
    if (c === '-' && prev !== undefined && p[j + 1] !== undefined && p[j + 1] !== ']') {
      const hi = p[j + 1]!;
      if (hi.charCodeAt(0) < prev.charCodeAt(0)) return `reversed range \`${prev}-${hi}\``;
      j += 2;
      prev = undefined;
      continue;
    }
    prev = c;
    j++;
  }
  return 'unclosed `[`';
}
