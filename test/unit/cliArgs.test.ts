/**
 * The one argument parser and usage-error path of the CLI (server/src/cli/args.ts), shared by check, rules, cert and
 * inspect; and the check help derived from the settings spec.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { UsageError, parseArgs } from '../../server/src/cli/args';
import { runCertCli } from '../../server/src/cli/cert';
import { checkOptionsHelp, parseCheckArgs } from '../../server/src/cli/check';
import { runCli } from '../../server/src/cli/main';
import { SETTINGS_SPEC, SETTING_KEYS } from '../../server/src/core/settings';
import { testService } from '../helpers';

function capture() {
  let out = '';
  let err = '';
  return { io: { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } }, get out() { return out; }, get err() { return err; } };
}

test('parseArgs: values, repeated lists, booleans, file arguments and --', () => {
  const p = parseArgs(['--a', '1', '--l=x', '--l', 'y', '--b', 'file', '--', '--not-a-flag'], { flags: { a: 'string', l: 'list', b: 'bool' }, positional: true });
  assert.deepEqual([...p.values], [['a', ['1']], ['l', ['x', 'y']]]);
  assert.deepEqual([...p.bools], ['b']);
  assert.deepEqual(p.positional, ['file', '--not-a-flag']);
  assert.deepEqual(parseArgs(['--user', 'u'], { flags: { 'client-user': 'string' }, aliases: { user: 'client-user' } }).values.get('client-user'), ['u']);
});

test('parseArgs: every mistake is a UsageError, naming the command when there is one', () => {
  const spec = { flags: { a: 'string', b: 'bool' }, command: 'cert x' } as const;
  for (const [args, message] of [
    [['--zz'], 'unknown option --zz for cert x'],
    [['-z'], 'unknown option -z for cert x'],
    [['--a'], '--a needs a value'],
    [['--a', '--b'], '--a needs a value'],
    [['--a', '1', '--a', '2'], '--a given more than once'],
    [['--b=1'], '--b takes no value'],
    [['stray'], 'unexpected argument "stray" for cert x'],
    [['--', 'f'], 'cert x takes no file arguments'],
  ] as [string[], string][]) {
    assert.throws(() => parseArgs(args, spec), (e: unknown) => e instanceof UsageError && e.message === message, args.join(' '));
  }
  assert.throws(() => parseArgs(['--zz'], { flags: {} }), { message: 'unknown option --zz' });
});

test('check, rules, cert and inspect report usage errors the same way: exit 2, one message, where the help is', async () => {
  assert.throws(() => parseCheckArgs(['--frobnicate', '.']), UsageError);
  for (const [argv, message, help] of [
    [['check', '--frobnicate', '.'], 'unknown option --frobnicate', 'pgtls --help'],
    [['rules', '--format', 'xml'], '--format must be text or json, not "xml"', 'pgtls --help'],
    [['rules', '--frobnicate'], 'unknown option --frobnicate', 'pgtls --help'],
    [['cert', 'set', '--frobnicate'], 'unknown option --frobnicate for cert set', 'pgtls cert --help'],
    [['inspect', '--frobnicate', 'x'], 'unknown option --frobnicate for inspect', 'pgtls cert --help'],
  ] as [string[], string, string][]) {
    const c = capture();
    const code = argv[0] === 'check' || argv[0] === 'rules' ? await runCli(argv, c.io, testService()) : await runCertCli(argv, c.io);
    assert.equal(code, 2, argv.join(' '));
    assert.equal(c.err, `pgtls: ${message}\nRun "${help}" for usage.\n`, argv.join(' '));
    assert.equal(c.out, '');
  }
});

test('check: a repeated setting flag is checked each time and the last one counts', () => {
  assert.equal(parseCheckArgs(['--pgpool-version', '4.3', '--pgpool-version=4.5', 'x']).settings.pgpoolVersion, '4.5');
  assert.throws(() => parseCheckArgs(['--pgpool-version', '3.9', '--pgpool-version', '4.5', 'x']), /--pgpool-version must be one of/);
  assert.equal(parseCheckArgs(['--no-file-checks', 'x']).settings.checkFiles, false);
  assert.equal(parseCheckArgs(['--format', 'json', '--format', 'sarif', 'x']).format, 'sarif');
});

test('the check help names every setting flag with the values and the default of the settings spec', () => {
  const help = checkOptionsHelp();
  for (const k of SETTING_KEYS) {
    const spec = SETTINGS_SPEC[k];
    if (!spec.flag) continue;
    const line = help.split('\n').find(l => l.trimStart().startsWith(`${spec.flag} `) || l.trim() === spec.flag || l.trimStart().startsWith(`${spec.flag}  `));
    assert.ok(line, `${spec.flag} is in the help`);
    if ('enum' in spec) assert.ok(line.includes(`${spec.enum.join(', ')} (default ${String(spec.default)})`), line);
  }
});
