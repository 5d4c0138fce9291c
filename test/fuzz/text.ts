/**
 * Hostile text for the fuzz suite: characters and strings that break naive readers (quotes, escapes, control
 * characters, a BOM, lone surrogates, long runs), line ends of every kind, and the document-level mutations that turn
 * a realistic file into a broken one. Shared by the arbitraries of every language.
 */
import fc from 'fast-check';

/** Characters that mean something to some reader, or to none. NUL is left to `mutation` (a NUL early in a file makes the façade skip it as binary). */
export const HOSTILE_CHARS = [
  '\\', "'", '"', '#', ';', '=', ' ', '\t', '\r', '\n', '\uFEFF', '\u00A0', '\u2028', '\u0085', '\u{1F600}', '\uD800', '\uDC00',
  '\x7F', '\x01', '\x1B', '$', '{', '}', '[', ']', '@', '%', ',', '/', '*', '+', ':', '&', '!', '|', '>', '-', '.', 'é', 'ß', 'İ', '\u0301',
];

export const hostileChar = fc.constantFrom(...HOSTILE_CHARS);

const noNul = (s: string): string => s.replace(/\0/g, '\x01');

/** Short strings of any kind: every code point, graphemes, or ASCII mixed with hostile characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }).map(noNul),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: fc.oneof(hostileChar, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 24 }),
);

/** A long run of one piece: lines past 8 KiB (pgpool's fgets buffer, the binary guard's window), tokens past 255 bytes. */
export const longRun: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', 'x ', "'", '\\', ',', 'é', '\u{1F600}', '# ', ' ', '"', "''", '\\\n', '=', '[', '('), fc.integer({ min: 200, max: 9000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)));

/** An identifier-ish word, sometimes odd. */
export const word: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('postgres', 'alice', 'bob', 'app', 'db', 'all', 'x', 'pgpool', 'replicator', 'admin', 'user_1', 'ÄÖÜ', 'a-b', 'A') },
  // names every JavaScript object has: a lookup in a plain object by a user's word must not find them
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: hostileString },
);

/** Paths a configuration names: relative names (resolved next to the file), absent absolute paths, placeholders, odd ones. */
export const pathValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('server.crt', 'server.key', 'ca.crt', 'client.crt', 'client.key', 'bad.crt', 'empty.crt', 'ed.crt', 'ed.key', 'old.crt', 'ca.key', 'extra.conf', 'userlist.txt', 'pool_passwd', 'missing.crt', 'sub/', '.', '..') },
  { weight: 2, arbitrary: fc.constantFrom('/nonexistent/pgtls-fuzz/server.crt', '/srv/pgtls-fuzz-absent/ca.crt', '/nonexistent/pgtls-fuzz/', '../nonexistent/../x.key', 'C:\\certs\\a.pem', '~/x.crt', '$PGDATA/server.crt', '${CERT_DIR}/tls.crt', '{{ .Values.tls.cert }}', "it's.crt", 'a b.crt', 'ünï.crt', '') },
  { weight: 1, arbitrary: hostileString },
);

/** Writes `inner` as a value in one of the ways people (and attackers) quote. */
export function quoted(inner: string, style: number, q = "'"): string {
  switch (style % 7) {
    case 0: return inner;
    case 1: return `${q}${inner.split(q).join(q + q)}${q}`;
    case 2: return `${q}${inner.split(q).join('\\' + q)}${q}`;
    case 3: return `${q}${inner}`;
    case 4: return `"${inner}"`;
    case 5: return `${q}${inner}${q}`;
    default: return `${q}${inner}\\${q}`;
  }
}

export const quoteStyle = fc.nat({ max: 6 });

/** A line ending; `mixed` cycles through several. */
export const eolArb = fc.oneof({ weight: 6, arbitrary: fc.constant('\n') }, { weight: 2, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constant('\r') });

/** One edit of a finished document: delete `del` characters at `at` (taken modulo the length) and insert `ins`. */
export interface Mutation { at: number; del: number; ins: string }

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  del: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 12 }) }),
  ins: fc.oneof(
    { weight: 4, arbitrary: hostileChar },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.constant('\0') },
    { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\\\n', '"', "'", '#', '\t') },
  ),
});

export function applyMutations(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    out = out.slice(0, at) + m.ins + out.slice(at + m.del);
  }
  return out;
}

export interface DocumentShape {
  bom: boolean;
  lines: string[];
  eol: string;
  /** Line ends used in turn instead of `eol` (mixed line ends). */
  mixed: string[] | null;
  finalEol: boolean;
  mutations: readonly Mutation[];
}

export function joinDocument(d: DocumentShape): string {
  let text = d.bom ? '\uFEFF' : '';
  d.lines.forEach((l, i) => {
    text += l;
    if (i < d.lines.length - 1 || d.finalEol) text += d.mixed?.length ? d.mixed[i % d.mixed.length]! : d.eol;
  });
  return applyMutations(text, d.mutations);
}

/** A document of lines drawn from `line`, with a BOM now and then, every kind of line end, and a few mutations. */
export function documentArb(line: fc.Arbitrary<string>, maxLines = 24): fc.Arbitrary<string> {
  return fc.record({
    bom: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    lines: fc.array(line, { maxLength: maxLines }),
    eol: eolArb,
    mixed: fc.option(fc.array(eolArb, { minLength: 2, maxLength: 4 }), { freq: 8 }),
    finalEol: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    mutations: fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) }),
  }).map(joinDocument);
}

/** Pieces of PostgreSQL regular expressions (ARE), the traps of JavaScript habits included. */
export const REGEX_PIECES = [
  '^', '$', '(', ')', '(?:', '(?=', '(?!', '(?<=', '(?<!', '[', ']', '[^', '[:alpha:]', '[[:digit:]]', '[[:nope:]]', '[[.a.]]', '[[=a=]]',
  '\\d', '\\w', '\\s', '\\D', '\\b', '\\y', '\\m', '\\M', '\\A', '\\Z', '\\z', '\\1', '\\2', '\\9', '\\10', '\\k<n>', '\\p{L}', '\\x41', '\\u00e9',
  '\\U0001F600', '\\0', '\\', '{2}', '{2,', '{,3}', '{300}', '{2,1}', '{', '}', '*', '+', '?', '*?', '+?', '??', '**', '|', '.', 'a', 'b', '-',
  'z-a', '@', '\\.', 'example', '***:', '***=', '(?i)', '(?x)', '(?b)', '(?q)', '(?z)', '(?<name>', '(?P<n>', '\\Q', '\\E', '#', ' ', '"',
];

export const regexArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...REGEX_PIECES), { maxLength: 14 }).map(p => p.join('')) },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('(', '[', '(?:', 'a{1,2}', '\\'), fc.integer({ min: 50, max: 3000 })).map(([s, n]) => s.repeat(n)) },
);
