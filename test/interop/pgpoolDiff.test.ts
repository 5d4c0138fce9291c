/**
 * Differential test: pgtls against the real Pgpool-II (Debian's 4.3.5) on a generated corpus.
 *
 * pgpool.conf: pgtls reports an `error` ⇔ pgpool refuses to start with the file, or (pgtls is a TLS checker) pgpool
 * starts with ssl on but serves no TLS: it only WARNs about a bad certificate, key, curve or cipher list and answers
 * 'N' to every SSLRequest, which a sandboxed start and a real SSLRequest + handshake observe. Things pgpool accepts
 * silently (unknown names, invalid booleans that become ON, stray tokens) may be pgtls warnings, never errors. When
 * pgpool reports a syntax error at line N, pgtls must have an error on line N too.
 *
 * pool_hba.conf: the lines with a `pool-hba/*` error == the lines pgpool rejects, and pgtls has an error ⇔ pgpool
 * rejects the file. Checked twice: alone in a folder (no cross-file rules) and beside the fixed pgpool.conf that the
 * oracle itself runs with (ssl = off, enable_pool_hba = on), so the cross-file rules are checked as well. The oracle's
 * own verdict is calibrated per file by a full sandboxed start and a connection (see pgpoolOracle.ts).
 *
 * Run: node --import tsx --test test/interop/pgpoolDiff.test.ts
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check, testService } from '../helpers';
import { assertTools, missing } from '../requires';
import { LineIndex } from '../../server/src/core/text';
import type { Problem, Settings } from '../../server/src/core/types';
import { type CorpusFile, pgpoolConfCorpus, poolHbaCorpus } from './corpus';
import { deploymentCorpus } from './deploymentCorpus';
import { type ConfVerdict, type FullStartVerdict, type HbaVerdict, PgpoolOracle, type SslVerdict, pgpoolBinary, pool, showLog } from './pgpoolOracle';

const TOOLS = [pgpoolBinary() ?? 'pgpool', 'ipcs', 'ipcrm', 'openssl', ...(process.getuid?.() === 0 ? ['setpriv', 'id'] : [])];

const CONF_SETTINGS: Partial<Settings> = { pgpoolVersion: '4.3', checkFiles: false };
/** For the few corpus files whose verdict depends on the files they name (none exist, beside pgtls's copy as beside pgpool's). */
const CONF_FILES_SETTINGS: Partial<Settings> = { pgpoolVersion: '4.3', checkFiles: true };
const HBA_ALONE_SETTINGS: Partial<Settings> = { pgpoolVersion: '4.3', checkFiles: false };
const HBA_SIBLING_SETTINGS: Partial<Settings> = { pgpoolVersion: '4.3', checkFiles: true };

/**
 * Known disagreements that are the oracle's own (4.3.5-specific) behaviour, by corpus entry name: the entry then runs
 * as a `todo`. Keep it empty unless a disagreement is really pgpool 4.3.5's and not pgtls's.
 */
const ORACLE_QUIRKS: Record<string, string> = {};

/** For the deployment-shaped files: pgpool.conf and the files beside it as pgtls runs them (the realistic default). */
const DEPLOY_SETTINGS: Partial<Settings> = { pgpoolVersion: '4.3', checkFiles: true };

/**
 * Known differences between the names pgpool logs as `unrecognized configuration parameter` and pgtls's
 * `unknown-parameter` findings, by corpus entry name, with the reason. Keep it empty unless the difference is
 * really pgpool 4.3.5's own behaviour. (A word that a split value leaves behind, e.g. `min` in
 * `child_life_time = 5 min`, is reported once by pgtls as the split, value-needs-quoting or syntax-error, whose span
 * holds the word: the comparison counts that as agreement and says how often it happened.)
 */
const NAME_DIFFERENCES: Record<string, string> = {};

/**
 * Rules whose verdict on the deployment-shaped files depends on files that exist only where pgpool runs (certificate
 * paths inside the container) or on the machine: left out of the start/refuse comparison there, on purpose.
 */
const PATH_DEPENDENT = /^(pgpool-conf\/ssl-|cert\/|pgtls\/)/;

interface NameCheck { failures: string[]; exact: boolean; bySplit: number; pgpool: string[]; pgtls: string[] }

/**
 * The names pgpool logged as unrecognised against pgtls's unknown-parameter findings over the same files: equal when
 * pgpool applied the whole file; when it stopped at a FATAL (or a syntax error, before applying anything) the names
 * it did log must be among pgtls's.
 */
function compareNames(v: ConfVerdict, checked: readonly { text: string; problems: readonly Problem[] }[]): NameCheck {
  const pgtls = new Set<string>();
  const splits: string[] = [];
  for (const f of checked) {
    for (const p of f.problems) {
      const t = f.text.slice(p.span[0], p.span[1]);
      if (p.rule === 'pgpool-conf/unknown-parameter') pgtls.add(t);
      else if (p.rule === 'pgpool-conf/value-needs-quoting' || p.rule === 'pgpool-conf/syntax-error') splits.push(t);
    }
  }
  const pgpool = new Set(v.unrecognized);
  const bySplit = [...pgpool].filter(n => !pgtls.has(n) && splits.some(t => t.split(/[^A-Za-z0-9_\u0080-\uffff]+/).includes(n)));
  const failures: string[] = [];
  const missing = [...pgpool].filter(n => !pgtls.has(n) && !bySplit.includes(n));
  if (missing.length) failures.push(`pgpool logs unrecognized configuration parameter for ${JSON.stringify(missing)}, pgtls has no unknown-parameter for them`);
  const extra = [...pgtls].filter(n => !pgpool.has(n));
  if (v.accepted && extra.length) failures.push(`pgtls reports unknown-parameter for ${JSON.stringify(extra)}, which pgpool applies (it logs no "unrecognized configuration parameter")`);
  return { failures, exact: v.accepted, bySplit: bySplit.length, pgpool: [...pgpool].sort(), pgtls: [...pgtls].sort() };
}

/** The file with line numbers; control characters shown, very long lines cut. */
function numbered(text: string): string {
  if (text === '') return '    (empty file)';
  return text.split('\n').map((l, i) => {
    const shown = JSON.stringify(l).slice(1, -1);
    return `${String(i + 1).padStart(4)}| ${shown.length > 160 ? `${shown.slice(0, 160)}… (${l.length} chars)` : shown}`;
  }).join('\n');
}

function describe(text: string, problems: readonly Problem[]): string {
  if (problems.length === 0) return '    (no problems)';
  const idx = new LineIndex(text);
  return problems.map(p => {
    const s = idx.positionAt(p.span[0]);
    const e = idx.positionAt(p.span[1]);
    return `    ${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1} ${p.severity} ${p.rule}: ${p.message}`;
  }).join('\n');
}

function errorLines(text: string, problems: readonly Problem[], prefix = ''): number[] {
  const idx = new LineIndex(text);
  return [...new Set(problems.filter(p => p.severity === 'error' && p.rule.startsWith(prefix)).map(p => idx.positionAt(p.span[0]).line + 1))]
    .sort((a, b) => a - b);
}

function indent(s: string): string {
  return s.split('\n').map(l => `    ${l}`).join('\n');
}

function confReport(e: CorpusFile, v: ConfVerdict, ssl: SslVerdict | undefined, problems: readonly Problem[], why: string): string {
  return [
    `${e.name} (${e.note}): ${why}`,
    '--- file ---', numbered(e.text),
    `--- pgpool: ${v.accepted ? 'ACCEPTS (would start)' : 'REJECTS (would not start)'}, exit ${v.exitCode}${v.crashed ? `, crashed ${v.crashed}` : ''} ---`,
    indent(showLog(v.log.filter(m => !/^(could not read pid file|initializing pool configuration)$/.test(m.text))) || '(nothing logged)'),
    ...(ssl ? [`--- pgpool with ssl on, sandboxed start: ${ssl.started ? `SSLRequest answered ${ssl.probe}` : 'did not start'} ---`,
      indent(showLog(ssl.log.filter(m => m.level === 'WARNING' || m.level === 'ERROR' || m.level === 'FATAL')) || '(no warnings)')] : []),
    '--- pgtls problems ---', describe(e.text, problems),
  ].join('\n');
}

function hbaReport(e: CorpusFile, v: HbaVerdict, full: FullStartVerdict, mode: string, problems: readonly Problem[], why: string): string {
  const log = v.log.filter(m => !/^could not open pid file/.test(m.text));
  return [
    `${e.name} (${e.note}) [pgtls ${mode}]: ${why}`,
    '--- file ---', numbered(e.text),
    `--- pgpool: file ${v.rejected ? 'REJECTED' : 'loaded'}; error lines ${JSON.stringify(v.errorLines)}; kept-with-a-message lines ${JSON.stringify(v.noteLines)}`
      + `${v.attributed.length ? `; traced to a line by loading it alone: ${v.attributed.map(a => `${a.line}: ${a.message.slice(0, 100)}`).join('; ')}` : ''}`
      + `${v.fileErrors.length ? `; whole-file: ${v.fileErrors.join('; ')}` : ''} ---`,
    indent(showLog(log) || '(nothing logged)'),
    `    (full start: connection answered "${full.probe}")`,
    '--- pgtls problems ---', describe(e.text, problems),
  ].join('\n');
}

test('differential: pgtls vs the real Pgpool-II', { skip: missing(...TOOLS), timeout: 10 * 60_000 }, async t => {
  assertTools(...TOOLS);
  const service = testService();
  const oracle = PgpoolOracle.create();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-diff-'));
  const t0 = Date.now();
  try {
    t.diagnostic(`oracle: ${oracle.binary} ${oracle.version}`);
    const confCorpus = pgpoolConfCorpus();
    const hbaCorpus = poolHbaCorpus();

    const nameStats = { files: 0, exact: 0, names: 0, bySplit: 0, templates: 0 };
    await t.test('pgpool.conf', async t => {
      const start = Date.now();
      const verdicts = await pool(confCorpus, 4, e => oracle.checkConf(e.text));
      // ssl on (or an invalid boolean, which is ON, or an incomplete trace): does pgpool really serve TLS?
      const ssl = await pool(confCorpus, 2, (e, i) => verdicts[i]!.accepted && verdicts[i]!.sslOn !== false ? oracle.confSslStart(e.text) : Promise.resolve(undefined));
      const accepted = verdicts.filter(v => v.accepted).length;
      const sslOff = ssl.filter(s => s && !s.works).length;
      t.diagnostic(`${confCorpus.length} files, pgpool accepts ${accepted}, rejects ${confCorpus.length - accepted}; `
        + `${ssl.filter(Boolean).length} accepted files have ssl on, pgpool serves no TLS for ${sslOff} (oracle ${Date.now() - start} ms)`);
      await t.test('oracle calibration: the TLS probe tells a working from a broken setup', async () => {
        const { cert, key } = oracle.makeTestCert();
        const good = await oracle.confSslStart(`ssl = on\nssl_cert = '${cert}'\nssl_key = '${key}'\n`);
        assert.ok(good.works, `pgpool with a valid certificate: ${good.probe}\n${showLog(good.log)}`);
        const bad = await oracle.confSslStart(`ssl = on\nssl_cert = '${cert}'\nssl_key = '${key}'\nssl_ciphers = 'NOTACIPHER'\n`);
        assert.ok(bad.started && !bad.works, `pgpool with ssl_ciphers = 'NOTACIPHER': ${bad.probe}\n${showLog(bad.log)}`);
      });
      await t.test('corpus is large and has both verdicts', () => {
        assert.ok(confCorpus.length >= 50, `only ${confCorpus.length} pgpool.conf files`);
        assert.ok(accepted > 0 && accepted < confCorpus.length, `pgpool accepts ${accepted} of ${confCorpus.length}: the test could not fail both ways`);
        assert.equal(new Set(confCorpus.map(e => e.name)).size, confCorpus.length, 'corpus names are unique');
      });
      for (const [i, e] of confCorpus.entries()) {
        const v = verdicts[i]!;
        const s = ssl[i];
        await t.test(e.name, { todo: ORACLE_QUIRKS[e.name] }, () => {
          const dir = path.join(work, 'conf', e.name);
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, 'pgpool.conf');
          fs.writeFileSync(file, e.text);
          const problems = check(service, file, e.text, e.checkFiles ? CONF_FILES_SETTINGS : CONF_SETTINGS);
          const report = (why: string) => confReport(e, v, s, problems, why);
          const internal = problems.filter(p => p.rule === 'pgtls/internal-error');
          assert.equal(internal.length, 0, report('pgtls failed internally'));
          const pgtlsErrors = problems.filter(p => p.severity === 'error');
          // pgpool's verdict: it refuses to start, or (a TLS checker's concern) it starts with ssl on but serves no TLS.
          const tlsBroken = s !== undefined && !s.works;
          if (s && !s.started) assert.fail(report('oracle: pgpool accepted the file in the parse run but did not start'));
          if (pgtlsErrors.length > 0 && v.accepted && !tlsBroken) assert.fail(report('pgtls reports an error, but pgpool accepts the file (and TLS works or ssl is off)'));
          if (pgtlsErrors.length === 0 && !v.accepted) assert.fail(report('pgpool rejects the file, but pgtls reports no error'));
          if (pgtlsErrors.length === 0 && tlsBroken) assert.fail(report('pgpool starts with ssl on but serves no TLS (answers N to SSLRequest), and pgtls reports no error'));
          const names = compareNames(v, [{ text: e.text, problems }]);
          nameStats.files++; nameStats.exact += names.exact ? 1 : 0; nameStats.names += names.pgpool.length; nameStats.bySplit += names.bySplit;
          if (names.failures.length && !NAME_DIFFERENCES[e.name]) assert.fail(report(names.failures.join('; ')));
          // pgpool's only diagnostic with a line number is a syntax error: pgtls must flag that line.
          for (const err of v.errors) {
            const m = /parse error at line (\d+) /.exec(err);
            if (!m) continue;
            const line = Number(m[1]);
            assert.ok(errorLines(e.text, problems).includes(line), report(`pgpool reports a syntax error at line ${line}; pgtls has no error on that line`));
          }
        });
      }
    });

    await t.test('pgpool.conf in the shapes of public deployments: unrecognised names and the start verdict', async t => {
      const corpus = deploymentCorpus();
      const start = Date.now();
      const verdicts = await pool(corpus, 4, e => oracle.checkConf(e.text, e.files));
      const accepted = verdicts.filter(v => v.accepted).length;
      t.diagnostic(`${corpus.length} files (${corpus.filter(e => Object.keys(e.files ?? {}).some(f => f.endsWith('.conf'))).length} with includes), pgpool accepts ${accepted}, `
        + `rejects ${corpus.length - accepted}; ${verdicts.reduce((n, v) => n + new Set(v.unrecognized).size, 0)} unrecognised names logged (oracle ${Date.now() - start} ms)`);
      await t.test('corpus: large, both verdicts, old names, includes, no log level that hides names', () => {
        assert.ok(corpus.length >= 300, `only ${corpus.length} files`);
        assert.ok(accepted > corpus.length / 3 && accepted < corpus.length, `pgpool accepts ${accepted} of ${corpus.length}`);
        assert.equal(new Set(corpus.map(e => e.name)).size, corpus.length, 'corpus names are unique');
        const all = new Set(verdicts.flatMap(v => v.unrecognized));
        for (const n of ['master_slave_mode', 'black_function_list', 'other_pgpool_hostname0', 'heartbeat_destination0', 'wd_hostname', 'parallel_mode', 'unix_socket_directories', 'ssl_cert_file']) {
          assert.ok(all.has(n), `no file makes pgpool log ${n}`);
        }
        for (const e of corpus) {
          // log_min_messages above INFO would hide the names logged after it: the corpus sets it only last.
          const lines = e.text.split('\n').filter(l => l.trim() !== '');
          lines.forEach((l, i) => assert.ok(!/^log_min_messages/.test(l) || i === lines.length - 1, `${e.name}: log_min_messages before the end`));
        }
      });
      for (const [i, e] of corpus.entries()) {
        const v = verdicts[i]!;
        await t.test(e.name, { todo: NAME_DIFFERENCES[e.name] }, () => {
          const dir = path.join(work, 'deploy', e.name);
          fs.mkdirSync(dir, { recursive: true });
          for (const [rel, body] of Object.entries(e.files ?? {})) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), body);
          }
          fs.writeFileSync(path.join(dir, 'pgpool.conf'), e.text);
          const checked = [{ name: 'pgpool.conf', text: e.text, problems: check(service, path.join(dir, 'pgpool.conf'), e.text, DEPLOY_SETTINGS) }];
          for (const [rel, body] of Object.entries(e.files ?? {})) {
            if (rel.endsWith('.conf')) checked.push({ name: rel, text: body, problems: check(service, path.join(dir, rel), body, DEPLOY_SETTINGS, 'pgpool-conf') });
          }
          const all = checked.flatMap(f => f.problems);
          const report = (why: string) => [
            confReport(e, v, undefined, checked[0]!.problems, why),
            ...checked.slice(1).map(f => `--- included ${f.name} ---\n${numbered(f.text)}\n--- its pgtls problems ---\n${describe(f.text, f.problems)}`),
          ].join('\n');
          assert.equal(all.filter(p => p.rule === 'pgtls/internal-error').length, 0, report('pgtls failed internally'));
          const names = compareNames(v, checked);
          nameStats.files++; nameStats.exact += names.exact ? 1 : 0; nameStats.names += names.pgpool.length; nameStats.bySplit += names.bySplit;
          if (names.failures.length) assert.fail(report(names.failures.join('; ')));
          // A template (pgtls notes its `${VAR}` placeholders) is not the file Pgpool-II reads: envsubst renders it first,
          // and pgtls leaves its placeholder lines unjudged on purpose, so pgpool refusing the raw template is no verdict
          // on the deployment. pgtls must still report no error where pgpool starts.
          const template = all.some(p => p.rule === 'pgpool-conf/template-placeholders');
          if (template) nameStats.templates++;
          // The start verdict, without the rules that depend on paths inside the container.
          const errors = all.filter(p => p.severity === 'error' && !PATH_DEPENDENT.test(p.rule));
          if (!v.accepted && errors.length === 0 && !template) assert.fail(report('pgpool refuses to start, but pgtls reports no error'));
          if (v.accepted && errors.length > 0) assert.fail(report('pgtls reports an error, but pgpool starts'));
          for (const err of template ? [] : v.errors) {
            const m = /configuration file "([^"]*)".*parse error at line (\d+) /.exec(err);
            if (!m) continue;
            const f = checked.find(x => m[1]!.endsWith(`/${x.name}`));
            assert.ok(f && errorLines(f.text, f.problems).includes(Number(m[2])), report(`pgpool reports a syntax error at line ${m[2]} of ${m[1]}; pgtls has no error there`));
          }
        });
      }
    });
    t.diagnostic(`names: ${nameStats.files} files compared (${nameStats.exact} exactly, the rest up to pgpool's first FATAL), `
      + `${nameStats.names} unrecognised names logged by pgpool, ${nameStats.bySplit} of them reported by pgtls as the split value that made them; ${nameStats.templates} templates (placeholders noted by pgtls), where a refusal of the raw file is not held against pgtls`);

    await t.test('pool_hba.conf', async t => {
      const start = Date.now();
      const verdicts = await pool(hbaCorpus, 4, e => oracle.checkHba(e.text));
      const fast = Date.now() - start;
      const full = await pool(hbaCorpus, 2, e => oracle.hbaFullStart(e.text));
      const rejected = verdicts.filter(v => v.rejected).length;
      t.diagnostic(`${hbaCorpus.length} files, pgpool rejects ${rejected}, loads ${hbaCorpus.length - rejected} `
        + `(oracle ${fast} ms; full starts for calibration ${Date.now() - start - fast} ms)`);
      await t.test('corpus is large and has both verdicts', () => {
        assert.ok(hbaCorpus.length >= 50, `only ${hbaCorpus.length} pool_hba.conf files`);
        assert.ok(rejected > 0 && rejected < hbaCorpus.length, `pgpool rejects ${rejected} of ${hbaCorpus.length}: the test could not fail both ways`);
        assert.equal(new Set(hbaCorpus.map(e => e.name)).size, hbaCorpus.length, 'corpus names are unique');
      });
      await t.test('oracle calibration: the fast run agrees with a full start and a connection', () => {
        const bad: string[] = [];
        hbaCorpus.forEach((e, i) => {
          const v = verdicts[i]!;
          const f = full[i]!;
          if (!f.started) bad.push(`${e.name}: the full start did not reach "successfully started"\n${indent(showLog(f.log))}`);
          else if (f.probeSaysRejected !== v.rejected) {
            bad.push(`${e.name}: fast run says ${v.rejected ? 'rejected' : 'loaded'}, but the connection got "${f.probe}"\n${numbered(e.text)}\n${indent(showLog(v.log))}`);
          } else if (JSON.stringify(f.contextLines) !== JSON.stringify(v.contextLines)) {
            bad.push(`${e.name}: fast run lines ${JSON.stringify(v.contextLines)}, full start lines ${JSON.stringify(f.contextLines)}`);
          }
        });
        assert.deepEqual(bad, [], `oracle inconsistent (fix pgpoolOracle.ts, not pgtls):\n${bad.join('\n\n')}`);
      });
      for (const [i, e] of hbaCorpus.entries()) {
        const v = verdicts[i]!;
        const f = full[i]!;
        await t.test(e.name, { todo: ORACLE_QUIRKS[e.name] }, () => {
          const alone = path.join(work, 'hba-alone', e.name);
          const sibling = path.join(work, 'hba-sibling', e.name);
          fs.mkdirSync(alone, { recursive: true });
          fs.mkdirSync(sibling, { recursive: true });
          fs.writeFileSync(path.join(alone, 'pool_hba.conf'), e.text);
          fs.writeFileSync(path.join(sibling, 'pool_hba.conf'), e.text);
          fs.writeFileSync(path.join(sibling, 'pgpool.conf'), oracle.fixedConf(sibling));
          const failures: string[] = [];
          for (const [mode, dir, settings] of [['alone', alone, HBA_ALONE_SETTINGS], ['beside the fixed pgpool.conf', sibling, HBA_SIBLING_SETTINGS]] as const) {
            const problems = check(service, path.join(dir, 'pool_hba.conf'), e.text, settings);
            const report = (why: string) => failures.push(hbaReport(e, v, f, mode, problems, why));
            if (problems.some(p => p.rule === 'pgtls/internal-error')) { report('pgtls failed internally'); continue; }
            const anyError = problems.some(p => p.severity === 'error');
            const lines = errorLines(e.text, problems, 'pool-hba/');
            if (anyError !== v.rejected) report(v.rejected ? 'pgpool rejects the file, but pgtls reports no error' : 'pgtls reports an error, but pgpool loads the file');
            // Line sets are compared when pgpool's verdict is about lines (not "contains no entries" and the like).
            else if (v.fileErrors.length === 0 && JSON.stringify(lines) !== JSON.stringify(v.errorLines)) {
              report(`error lines differ: pgtls ${JSON.stringify(lines)}, pgpool ${JSON.stringify(v.errorLines)}`);
            }
          }
          if (failures.length) assert.fail(failures.join('\n\n'));
        });
      }
    });
    t.diagnostic(`total ${Date.now() - t0} ms`);
  } finally {
    oracle.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
