/**
 * The check hooks of PostgreSQL's string parameters that can refuse a value at startup, as pure functions of the
 * value: each returns undefined when PostgreSQL accepts it (or when the outcome depends on the server's machine),
 * else a short reason. Sources (PostgreSQL 15): varlena.c SplitIdentifierString; variable.c check_datestyle,
 * check_timezone, check_log_timezone, check_client_encoding; elog.c check_log_destination; encnames.c
 * pg_char_to_encoding; syncrep_scanner.l / syncrep_gram.y; guc.c check_recovery_target*; pg_lsn.c
 * pg_lsn_in_internal. Every verdict was checked with `postgres -C` of the real PostgreSQL 15.
 */

/** `scanner_isspace`: blank, tab, newline, carriage return, form feed (not vertical tab). */
function scannerSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** `SplitIdentifierString(value, sep)`: the identifiers (unquoted ones lower-cased), or undefined on a syntax error. */
export function splitIdentifiers(s: string, sep = ','): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (scannerSpace(s[i])) i++;
  if (i >= s.length) return out;
  for (;;) {
    let name: string;
    if (s[i] === '"') {
      name = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) return undefined;
        name += s.slice(j, q);
        if (s[q + 1] !== '"') { i = q + 1; break; }
        name += '"';
        j = q + 2;
      }
    } else {
      const start = i;
      while (i < s.length && s[i] !== sep && !scannerSpace(s[i])) i++;
      if (i === start) return undefined;
      name = s.slice(start, i).replace(/[A-Z]/g, c => c.toLowerCase());
    }
    while (scannerSpace(s[i])) i++;
    out.push(name);
    if (s[i] === sep) {
      i++;
      while (scannerSpace(s[i])) i++;
    } else if (i >= s.length) return out;
    else return undefined;
  }
}

const LIST = 'the list syntax is invalid (names separated by commas)';

/** `check_datestyle`: one output style (ISO, SQL, Postgres, German) and one field order (DMY/Euro, MDY/US/NonEuro, YMD), no two different of either. */
export function checkDateStyle(value: string): string | undefined {
  const toks = splitIdentifiers(value);
  if (!toks) return LIST;
  let style: string | undefined;
  let order: string | undefined;
  let conflict = false;
  const set = (kind: 'style' | 'order', v: string): void => {
    const cur = kind === 'style' ? style : order;
    if (cur !== undefined && cur !== v) conflict = true;
    if (kind === 'style') style = v; else order = v;
  };
  for (const t of toks) {
    const l = t.toLowerCase();
    if (l === 'iso') set('style', 'iso');
    else if (l === 'sql') set('style', 'sql');
    else if (l.startsWith('postgres')) set('style', 'postgres');
    else if (l === 'german') set('style', 'german');
    else if (l === 'ymd') set('order', 'ymd');
    else if (l === 'dmy' || l.startsWith('euro')) set('order', 'dmy');
    else if (l === 'mdy' || l === 'us' || l.startsWith('noneuro')) set('order', 'mdy');
    else if (l !== 'default') return `\`${t}\` is not a DateStyle key word`;
  }
  return conflict ? 'it names two different output styles or two different field orders ("Conflicting datestyle specifications")' : undefined;
}

/** `check_log_destination` (PostgreSQL 15 on Linux): stderr, csvlog, jsonlog, syslog; eventlog exists on Windows only. */
export function checkLogDestination(value: string): string | undefined {
  const toks = splitIdentifiers(value);
  if (!toks) return LIST;
  const bad = toks.find(t => !['stderr', 'csvlog', 'jsonlog', 'syslog'].includes(t.toLowerCase()));
  if (bad === undefined) return undefined;
  return bad.toLowerCase() === 'eventlog' ? '`eventlog` exists only on Windows builds' : `\`${bad}\` is not a log destination`;
}

/** `check_search_path`: only the list syntax is checked at startup (schemas that do not exist are fine). */
export function checkSearchPath(value: string): string | undefined {
  return splitIdentifiers(value) ? undefined : `${LIST}; quote names with blanks or capitals in double quotes`;
}

/** pg_encname_tbl of encnames.c: every key PostgreSQL matches after dropping non-alphanumerics and lower-casing. */
const ENCODING_KEYS = new Set([
  'abc', 'alt', 'big5', 'euccn', 'eucjis2004', 'eucjp', 'euckr', 'euctw', 'gb18030', 'gbk', 'iso88591', 'iso885910',
  'iso885913', 'iso885914', 'iso885915', 'iso885916', 'iso88592', 'iso88593', 'iso88594', 'iso88595', 'iso88596',
  'iso88597', 'iso88598', 'iso88599', 'johab', 'koi8', 'koi8r', 'koi8u', 'latin1', 'latin10', 'latin2', 'latin3',
  'latin4', 'latin5', 'latin6', 'latin7', 'latin8', 'latin9', 'mskanji', 'muleinternal', 'shiftjis', 'shiftjis2004',
  'sjis', 'sqlascii', 'tcvn', 'tcvn5712', 'uhc', 'unicode', 'utf8', 'vscii', 'win', 'win1250', 'win1251', 'win1252',
  'win1253', 'win1254', 'win1255', 'win1256', 'win1257', 'win1258', 'win866', 'win874', 'win932', 'win936', 'win949',
  'win950', 'windows1250', 'windows1251', 'windows1252', 'windows1253', 'windows1254', 'windows1255', 'windows1256',
  'windows1257', 'windows1258', 'windows866', 'windows874', 'windows932', 'windows936', 'windows949', 'windows950',
]);

/** `check_client_encoding` at startup: the name must be an encoding (any client encoding; conversions are checked per session). */
export function checkClientEncoding(value: string): string | undefined {
  if (value === '' || utf8Length(value) >= 64) return 'it is not an encoding name';
  const key = value.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return ENCODING_KEYS.has(key) ? undefined : `\`${value}\` is not an encoding PostgreSQL knows`;
}

/** `check_synchronous_standby_names`: `name, ...`, `N (names)`, `FIRST N (names)` or `ANY N (names)`, N ≥ 1. */
export function checkSyncStandbyNames(value: string): string | undefined {
  if (value === '') return undefined;
  const toks = syncrepTokens(value);
  if (typeof toks === 'string') return toks;
  let i = 0;
  const peek = (): string => toks[i]?.t ?? 'END';
  const near = (): string => (i < toks.length ? `syntax error at or near "${toks[i]!.text}"` : 'syntax error at end of input');
  const list = (): boolean => {
    for (;;) {
      if (peek() !== 'NAME' && peek() !== 'NUM') return false;
      i++;
      if (peek() !== ',') return true;
      i++;
    }
  };
  let num: string | undefined;
  if (peek() === 'ANY' || peek() === 'FIRST') {
    i++;
    if (peek() !== 'NUM') return near();
    num = toks[i++]!.text;
  } else if (peek() === 'NUM' && toks[i + 1]?.t === '(') num = toks[i++]!.text;
  if (num !== undefined) {
    if (peek() !== '(') return near();
    i++;
    if (!list()) return near();
    if (peek() !== ')') return near();
    i++;
  } else if (!list()) return near();
  if (i < toks.length) return near();
  const n = num === undefined ? 1 : atoi(num);
  return n <= 0 ? `the number of synchronous standbys (${n}) must be greater than zero` : undefined;
}

/** C `atoi` on glibc: strtol (saturating at the long range), then truncated to int. */
function atoi(digits: string): number {
  let v = BigInt(digits);
  if (v > 9223372036854775807n) v = 9223372036854775807n;
  return Number(BigInt.asIntN(32, v));
}

interface Tok { t: 'NAME' | 'NUM' | 'ANY' | 'FIRST' | ',' | '(' | ')' | 'JUNK'; text: string }

/** syncrep_scanner.l: identifiers (letters, `_`, bytes ≥ 0x80; then also digits and `$`), digits, `*`, quoted names. */
function syncrepTokens(s: string): Tok[] | string {
  const out: Tok[] = [];
  const bytes = Array.from(new TextEncoder().encode(s), b => String.fromCharCode(b)).join('');
  const identStart = /[A-Za-z_\u0080-\u00ff]/;
  const identCont = /[A-Za-z_0-9$\u0080-\u00ff]/;
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (/[ \t\n\r\f\v]/.test(c)) { i++; continue; }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        const q = bytes.indexOf('"', j);
        if (q < 0) return 'unterminated quoted identifier';
        if (bytes[q + 1] === '"') { j = q + 2; continue; }
        out.push({ t: 'NAME', text: bytes.slice(i, q + 1) });
        i = q + 1;
        break;
      }
      continue;
    }
    if (identStart.test(c)) {
      let j = i + 1;
      while (j < bytes.length && identCont.test(bytes[j]!)) j++;
      const word = bytes.slice(i, j);
      const l = word.toLowerCase();
      out.push({ t: l === 'any' ? 'ANY' : l === 'first' ? 'FIRST' : 'NAME', text: word });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < bytes.length && /[0-9]/.test(bytes[j]!)) j++;
      out.push({ t: 'NUM', text: bytes.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '*') out.push({ t: 'NAME', text: c });
    else if (c === ',' || c === '(' || c === ')') out.push({ t: c, text: c });
    else out.push({ t: 'JUNK', text: c });
    i++;
  }
  return out;
}

/** `pg_lsn_in_internal`: 1–8 hex digits, `/`, 1–8 hex digits, nothing else. */
export function checkLsn(value: string): string | undefined {
  if (value === '') return undefined;
  return /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(value) ? undefined : 'it is not an LSN (two hexadecimal numbers like `0/16B3748`)';
}

/** `check_recovery_target`: `immediate` (exactly, lower case) or empty. */
export function checkRecoveryTarget(value: string): string | undefined {
  return value === '' || value === 'immediate' ? undefined : 'the only allowed value is `immediate` (lower case)';
}

/** `check_recovery_target_name`: shorter than MAXFNAMELEN (64) bytes. */
export function checkRecoveryTargetName(value: string): string | undefined {
  return utf8Length(value) >= 64 ? 'it is longer than 63 bytes' : undefined;
}

/** `check_recovery_target_time`: the relative words are refused; other timestamps are not modelled (no verdict). */
export function checkRecoveryTargetTime(value: string): string | undefined {
  return ['now', 'today', 'tomorrow', 'yesterday'].includes(value) ? `\`${value}\` is relative; write an absolute timestamp` : undefined;
}

/** `check_recovery_target_timeline` and `_xid`: glibc strtoul/strtou64 with base 0 only fails on overflow (ERANGE). */
export function checkUnsignedOverflow(value: string): string | undefined {
  const m = /^[ \t\n\v\f\r]*[+-]?(0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))/.exec(value);
  if (!m) return undefined;
  const v = m[2] ? BigInt(`0x${m[2]}`) : m[3] ? BigInt(`0o${m[3].length > 1 ? m[3].slice(1) : '0'}`) : BigInt(m[4]!);
  return v > 18446744073709551615n ? 'the number is beyond the 64-bit range' : undefined;
}

/**
 * `check_timezone` / `check_log_timezone` (pg_tzset): a number of hours below 168 either way (TimeZone only; also
 * `interval '…'`, not modelled), a zone file name of the tz database (any letter case; `posix/` copies too, not the
 * leap-second `right/` zones), or a POSIX TZ string (`EST5EDT`, `<+03>-3`, `+5`: an abbreviation, possibly empty, then an offset; its full
 * grammar is not modelled, so anything of that shape passes). `zones` holds the lower-cased names.
 */
export function checkTimeZone(value: string, zones: ReadonlySet<string>, log: boolean): string | undefined {
  if (!log) {
    if (/^interval/i.test(value) || /^[ \t\n\v\f\r]*[+-]?(0[xX][0-9a-fA-F.]|nan)/i.test(value)) return undefined;
    const num = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[ \t\n\v\f\r]*[+-]?(inf|infinity)$/i.exec(value);
    if (num) return Math.abs(Number(value.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'))) < 168 ? undefined : 'the UTC offset is out of range (under 168 hours either way)';
  }
  if (utf8Length(value) > 255) return 'the name is too long';
  const name = (value.startsWith(':') ? value.slice(1) : value).toLowerCase();
  if (name.startsWith('right/')) return 'the `right/` zones use leap seconds, which PostgreSQL does not support';
  if (zones.has(name) || (name.startsWith('posix/') && zones.has(name.slice(6)))) return undefined;
  if (/^(<[^>]*>|[^<0-9,+-]*)[+-]?[0-9]/.test(value)) return undefined;
  return `\`${value}\` is not a time zone of PostgreSQL's tz database nor a POSIX time zone string`;
}

/** A comma list of key words (SplitIdentifierString / SplitGUCList, compared ignoring case): createrole_self_grant (16+), debug_io_direct (16+, Linux has O_DIRECT). */
export function checkKeywordList(value: string, words: readonly string[]): string | undefined {
  const toks = splitIdentifiers(value);
  if (!toks) return LIST;
  const bad = toks.find(t => !words.includes(t.toLowerCase()));
  return bad === undefined ? undefined : `\`${bad}\` is not one of ${words.map(w => `\`${w}\``).join(', ')}`;
}

/** `check_synchronized_standby_slots` (17) at startup: the list syntax (whether the slots exist is looked up later). */
export function checkSlotList(value: string): string | undefined {
  return splitIdentifiers(value) ? undefined : LIST;
}

/** `check_role`: only `none` (exactly): roles cannot be looked up while the file is read. */
export function checkRole(value: string): string | undefined {
  return value === 'none' ? undefined : 'roles cannot be looked up while the configuration file is read, so only `none` is accepted';
}

/** `check_session_authorization`: users cannot be looked up while the file is read, so every value is refused. */
export function checkSessionAuthorization(): string {
  return 'users cannot be looked up while the configuration file is read, so PostgreSQL refuses any value here';
}
