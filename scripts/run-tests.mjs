#!/usr/bin/env node
// Runs every test suite with Node's test runner (TypeScript through tsx). Layers: unit, lsp, interop, e2e.
// Usage: node scripts/run-tests.mjs [layer...]     (default: all layers)
// Under CI=true a skipped test is a failure: every suite must find the real binaries it needs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const layers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'lsp', 'interop', 'e2e'];
const files = [];
for (const layer of layers) {
  const dir = path.join(root, 'test', layer);
  if (!fs.existsSync(dir)) continue;
  const walk = d => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== 'workspace' && e.name !== 'fixtures') walk(p); }
      else if (e.name.endsWith('.test.ts')) files.push(path.relative(root, p));
    }
  };
  walk(dir);
}
files.sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
});
process.stdout.write(r.stdout ?? '');
const num = key => Number((new RegExp(`^ℹ ${key} (\\d+)`, 'm').exec(r.stdout ?? '') ?? [])[1] ?? 0);
const passed = num('pass'), failed = num('fail'), skipped = num('skipped'), cancelled = num('cancelled');
let code = r.status ?? 1;
if (process.env.CI === 'true' && skipped > 0) {
  console.error(`\nCI=true: ${skipped} test(s) skipped; under CI every suite must run. Failing.`);
  code = 1;
}
console.log(`\n${passed} passed, ${failed + cancelled + (process.env.CI === 'true' ? skipped : 0)} failed, ${skipped} skipped`);
process.exit(code);
