/**
 * Suites that need a real binary (pgpool, postgres, openssl, code-server, nvim, chromium) call `requireTool`.
 * Locally a missing tool skips the test with a loud reason; under CI=true it fails the test instead.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : undefined;
  try {
    return execFileSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Returns the missing tools' reason, or undefined when all are present. Use: `test(name, { skip: missing(...) }, fn)`. */
export function missing(...tools: string[]): string | undefined | false {
  const absent = tools.filter(t => !which(t));
  if (absent.length === 0) return undefined;
  const reason = `SKIPPED: needs ${absent.join(', ')} on PATH (install with .ci/run)`;
  if (process.env.CI === 'true') {
    // Under CI a skip is a failure: return false so the test runs and fails on its own missing-tool assertion.
    return false;
  }
  process.stderr.write(`\n*** ${reason} ***\n`);
  return reason;
}

/** Asserts inside a test that the tools exist (fails with a clear message under CI). */
export function assertTools(...tools: string[]): void {
  const absent = tools.filter(t => !which(t));
  if (absent.length) throw new Error(`required tool(s) missing: ${absent.join(', ')}; .ci/run installs them`);
}
