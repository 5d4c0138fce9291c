/**
 * The structure of pgbouncer.ini as PgBouncer loads it: syntax errors, sections, settings outside a section, the
 * missing `[pgbouncer]` section, unknown `[pgbouncer]` settings (with did-you-mean), values of the wrong type,
 * duplicates, comments written after a value, the connection strings of `[databases]`, `[users]` and `[peers]`, and
 * `%include` files. Every failure of PgBouncer's loader ends in "FATAL cannot load config file": PgBouncer does not
 * start (a reload keeps the old configuration).
 */
import { isAbsolutePath } from '../../../core/deployPaths';
import { didYouMean } from '../../../core/text';
import { pathLocator, reportNotChecked, describeLocated } from '../../../deploy';
import { CONN_SECTIONS, type Entry, type Statement } from '../model';
import { R } from '../rules';
import { type Check, MAX_INCLUDE, code } from './common';
import { valueProblem } from './values';

/** The refusal with the log line that comes before "FATAL cannot load config file". */
const refuses = (log: string): string => `PgBouncer does not start (its log: "${log}", then "FATAL cannot load config file")`;

const WHY: Record<string, string> = {
  'no-equals': 'PgBouncer expects a key (letters, digits, `_ . - *`) followed by `=`',
  'unclosed-section': 'the section name has no closing `]` on its line',
  'unclosed-quote': 'the quoted key has no closing `\'`',
  'empty-quoted-key': 'the quoted key is empty',
};

export function checkStructure(c: Check): void {
  const { file, ctx, release } = c;
  for (const st of file.statements) {
    if (st.kind === 'syntax-error') {
      const quoted = st.why === 'no-equals' && file.text.charCodeAt(st.span[0]) === 39 && !release.quotedKeys;
      const why = quoted ? `a key in quotes is read only from PgBouncer 1.25 on (pgtls.pgbouncerVersion is ${c.version})` : WHY[st.why]!;
      ctx.report(R['syntax-error'], st.span, `PgBouncer cannot read this line: ${why}, so ${refuses('syntax error in configuration')}.`);
    } else if (st.kind === 'section' && !release.sections.includes(st.name)) {
      const [best] = didYouMean(st.name, release.sections, 1);
      const peers = st.name === 'peers' ? ` ([peers] needs PgBouncer 1.19 or later; pgtls.pgbouncerVersion is ${c.version})` : '';
      ctx.report(R['unknown-section'], st.nameSpan, `PgBouncer has no section ${code(`[${st.name}]`)}${peers}: ${refuses('invalid section')}. Section names are case-sensitive: use ${release.sections.map(s => `[${s}]`).join(', ')}${best ? ` (did you mean [${best}]?)` : ''}.`,
        best ? { fixes: [{ title: `Change to [${best}]`, edits: [{ span: st.nameSpan, newText: best }], preferred: true }] } : undefined);
    } else if (st.kind === 'include') checkInclude(c, st);
  }
  if (c.depth === 0 && !c.sawMain && !c.hasIncludes && file.entries.length + file.statements.length > 0) {
    ctx.report(R['missing-main-section'], [0, 0], `There is no [pgbouncer] section: ${refuses('main section missing from config file')}. Add a [pgbouncer] section with at least \`listen_port\`, \`auth_type\` and \`auth_file\`.`);
  }
  const seen = new Map<string, Entry>();
  for (const e of file.entries) {
    if (e.section === undefined) {
      ctx.report(R['setting-outside-section'], e.st.keySpan, `\`${e.st.key}\` comes before any section header: ${refuses('value without section')}. Move it under [pgbouncer] (or the section it belongs to).`);
      continue;
    }
    if (!release.sections.includes(e.section)) continue;
    if (e.st.quotedKey && !release.quotedKeys) {
      ctx.report(R['syntax-error'], e.st.keySpan, `PgBouncer ${c.version} cannot read a key in quotes (that needs 1.25; pgtls.pgbouncerVersion is ${c.version}), so it stops loading ("syntax error in configuration") and does not start. Write the key without quotes.`);
      continue;
    }
    const dupKey = `${e.section}\0${e.st.key}`;
    const prev = seen.get(dupKey);
    if (prev) {
      ctx.report(R['duplicate-setting'], e.st.keySpan, `\`${e.st.key}\` is already set on line ${lineOf(file.text, prev.st.span[0])} of [${e.section}]: PgBouncer uses this later value.`, {
        related: [{ file: file.path, span: prev.st.keySpan, message: 'the earlier value, overridden' }],
      });
    }
    seen.set(dupKey, e);
    if (e.section === 'pgbouncer') checkSetting(c, e);
    else if (CONN_SECTIONS.has(e.section)) checkConnString(c, e);
  }
}

const lineOf = (text: string, at: number): number => text.slice(0, at).split('\n').length;

function checkSetting(c: Check, e: Entry): void {
  const { st } = e;
  const p = c.release.params[st.key];
  if (!p || (p.onlyIf === 'WIN32')) {
    const since = c.cat.since.get(st.key);
    const later = since && !p ? ` (it exists from PgBouncer ${since} on; pgtls.pgbouncerVersion is ${c.version})` : p ? ' (only on Windows)' : '';
    const names = Object.keys(c.release.params);
    const best = later ? [] : didYouMean(st.key.toLowerCase(), names, 3);
    const hint = best.length ? ` Did you mean ${best.map(b => `\`${b}\``).join(' or ')}?` : ' Names are case-sensitive.';
    c.ctx.report(R['unknown-setting'], st.keySpan, `PgBouncer has no setting \`${st.key}\`${later}: ${refuses(`unknown parameter: pgbouncer/${st.key}`)}.${later ? '' : hint}`,
      best.length ? { fixes: best.map((b, i) => ({ title: `Change to ${b}`, edits: [{ span: st.keySpan, newText: b }], preferred: i === 0 && best.length === 1 })) } : undefined);
    return;
  }
  const why = valueProblem(p, st.value);
  if (why) {
    const shown = st.value === '' ? 'The empty value' : `The value ${code(st.value)}`;
    c.ctx.report(R['invalid-value'], st.valueSpan[1] > st.valueSpan[0] ? st.valueSpan : st.keySpan, `${shown} of \`${st.key}\` ${why}: ${refuses(`invalid value … for parameter ${st.key}`)}.`);
    return;
  }
  const hash = /\s[;#]/.exec(st.value);
  if (hash && p.type === 'str') {
    const at = st.valueSpan[0] + hash.index + 1;
    c.ctx.report(R['comment-in-value'], [at, st.valueSpan[1]], `pgbouncer.ini has no comments after a value: ${code(st.value.slice(hash.index + 1))} is part of \`${st.key}\`'s value. Put the comment on a line of its own.`);
  }
}

function checkConnString(c: Check, e: Entry): void {
  const { st, conn } = e;
  const section = e.section!;
  if (section === 'databases' && st.key === 'pgbouncer') {
    c.ctx.report(R['connection-string'], st.keySpan, `The database name \`pgbouncer\` is reserved for PgBouncer's admin console: ${refuses('database name \"pgbouncer\" is reserved')}. Use another name.`);
    return;
  }
  if (!conn || (section === 'databases' && st.key === '*')) return;
  const allowed = section === 'databases' ? c.release.databases : section === 'users' ? c.release.users : c.release.peers;
  for (const pair of conn.pairs) {
    if (!allowed.includes(pair.key)) {
      const [best] = didYouMean(pair.key, allowed, 1);
      c.ctx.report(R['connection-string'], pair.keySpan, `PgBouncer ${c.version} does not know \`${pair.key}\` in a [${section}] entry: ${refuses('unrecognized connection parameter')}. Use ${best ? `\`${best}\`` : `one of ${allowed.map(k => `\`${k}\``).join(', ')}`}.`,
        best ? { fixes: [{ title: `Change to ${best}`, edits: [{ span: pair.keySpan, newText: best }], preferred: true }] } : undefined);
      continue;
    }
    // Values that are numbers or pool modes; the password is never shown.
    const shown = pair.key === 'password' ? 'the value' : code(pair.value);
    if (pair.key === 'pool_mode' && !['session', 'transaction', 'statement'].includes(pair.value.toLowerCase())) {
      c.ctx.report(R['connection-string'], pair.valueSpan, `\`pool_mode=${pair.value}\` is not session, transaction or statement: ${refuses('invalid pool mode')}.`);
    } else if (['port', 'pool_size', 'min_pool_size', 'reserve_pool', 'reserve_pool_size', 'max_db_connections', 'max_db_client_connections', 'max_user_connections', 'max_user_client_connections'].includes(pair.key) && !/^[0-9]+$/.test(pair.value)) {
      // loader.c reads these with atoi() in every release 1.18–1.25: refused only when a port reads as 0, else the
      // leading number (or 0) is used.
      const n = /^[ \t]*[+-]?[0-9]+/.exec(pair.value);
      const read = n ? String(Number(n[0].trim())) : '0';
      if (pair.key === 'port' && read === '0') {
        c.ctx.report(R['connection-string'], pair.valueSpan, `\`port\` must be a number, not ${shown}: ${refuses(`invalid port: ${pair.value}`)}.`);
        continue;
      }
      c.ctx.report(R['connection-string'], pair.valueSpan, `\`${pair.key}\` should be a plain number, not ${shown}: PgBouncer reads it with atoi() and uses ${code(read)}${pair.key === 'port' && Number(read) < 0 ? ', a port no server listens on' : ''}. Write the number you mean.`, { severity: 'warning' });
    }
  }
  if (conn.error) {
    const why = conn.error.why === 'unclosed-quote' ? 'a value in quotes has no closing `\'`' : conn.error.why === 'empty-value' ? 'a value is empty (`key=` or `key=\'\'`)' : 'a key has no `=` (pairs are `key=value`, separated by spaces)';
    c.ctx.report(R['connection-string'], conn.error.span[1] > conn.error.span[0] ? conn.error.span : st.valueSpan, `PgBouncer cannot read this connection string: ${why}, so ${refuses('syntax error in connection string')}.`);
  }
}

function checkInclude(c: Check, st: Extract<Statement, { kind: 'include' }>): void {
  const { path: written, valueSpan: span } = st;
  const r = c.followed.get(st);
  if (r?.depthExceeded) {
    c.ctx.report(R['include-missing'], span, `\`%include\` files nest more than ${MAX_INCLUDE} levels deep here (a file including itself?): ${refuses('include nesting level too deep')}. Break the loop.`);
    return;
  }
  if (r?.firstError) {
    const f = r.firstError;
    c.ctx.report(f.rule, span, `Line ${f.line} of the included file ${code(f.path, 80)}: ${f.message}`);
    return;
  }
  // PgBouncer opens a relative name from its working directory, not from the including file's folder: unknown here.
  if (!c.ctx.settings.checkFiles || !isAbsolutePath(written)) return;
  const loc = pathLocator(c.ctx, c.doc.path).locate(written);
  if (loc.status === 'unresolved') return;
  if (loc.status === 'unseen') { reportNotChecked(c.ctx, loc, span, '`%include`: '); return; }
  if (!loc.stat) {
    c.ctx.report(R['include-missing'], span, `\`%include\`: ${describeLocated(loc, s => code(s, 80))} does not exist: PgBouncer does not start ("could not load file"). Fix the path or the path mapping.`);
  } else if (!loc.stat.isFile) {
    // PgBouncer 1.18.0 starts with a folder here: libusual's load_file reads it as an empty file.
    c.ctx.report(R['include-missing'], span, `\`%include\`: ${describeLocated(loc, s => code(s, 80))} is not a regular file: PgBouncer reads it as empty and starts without its settings. Name the file to include.`, { severity: 'warning' });
  }
}
