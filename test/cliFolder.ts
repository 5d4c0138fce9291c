/**
 * Shared by the folder suites (deployments, k8s corpus): copy a fixture folder to a temp folder, run its setup.sh
 * there (certificates and keys are made with the fixture lib, never committed), and run the built CLI
 * `pgtls check --format json` in it as a user would, with findings' files made folder-relative.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';

/** The fixture lib that setup.sh scripts source through $PGTLS_FIXTURE_LIB. */
export const FIXTURE_LIB = path.join(ROOT, 'test/fixtures/_lib');

/** One finding of `pgtls check --format json`, its file relative to the checked folder. */
export interface CliFinding { file: string; line: number; severity: 'error' | 'warning' | 'info' | 'hint'; rule: string; message: string }

/** A temp copy of `src`, after its setup.sh (if any) ran there; setup.sh itself is removed from the copy. */
export function prepareFolder(src: string, prefix: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(src, tmp, { recursive: true });
  if (fs.existsSync(path.join(tmp, 'setup.sh'))) {
    execFileSync('bash', ['setup.sh'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGTLS_FIXTURE_LIB: FIXTURE_LIB } });
    fs.rmSync(path.join(tmp, 'setup.sh'));
  }
  return tmp;
}

/** Runs `node [nodeArgs] cli check --format json [args]` in `dir`; asserts exit 0 or 1 and returns the findings. */
export function runCheckJson(cli: string, dir: string, args: string[], nodeArgs: string[] = []): CliFinding[] {
  const all = ['check', '--format', 'json', ...args];
  const r = spawnSync(process.execPath, [...nodeArgs, cli, ...all], { cwd: dir, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `pgtls ${all.join(' ')} exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { diagnostics: CliFinding[] };
  return out.diagnostics.map(d => ({ ...d, file: path.relative(dir, path.resolve(dir, d.file)).split(path.sep).join('/') }));
}
