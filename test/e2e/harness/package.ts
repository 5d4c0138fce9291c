/**
 * Builds pgtls.vsix the way a release does (`npm run package`: production bundles, then `vsce package`), but in a
 * staging folder, so the repo's dist/ (used by other suites running at the same time) is never rewritten.
 * The stage holds copies of the manifest and of everything .vscodeignore ships, and links to the sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessGroup } from './processes';
import { REPO } from './tools';

const COPIED = ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'esbuild.mjs', 'schemas', 'snippets', 'syntaxes',
  'CHANGELOG.md', 'media', 'docs'];
// scripts: `npm run build` runs scripts/gen-k8s-validators.ts before esbuild.
const LINKED = ['client', 'server', 'scripts', 'node_modules', 'tsconfig.json'];

export async function buildVsix(tmp: string, group: ProcessGroup): Promise<string> {
  const stage = path.join(tmp, 'package');
  fs.mkdirSync(stage, { recursive: true });
  for (const name of COPIED) {
    const from = path.join(REPO, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, name), { recursive: true });
  }
  for (const name of LINKED) fs.symlinkSync(path.join(REPO, name), path.join(stage, name));
  const r = await group.run('npm', ['run', 'package', '--silent'], {
    cwd: stage, timeoutMs: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const vsix = path.join(stage, 'pgtls.vsix');
  if (r.code !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return vsix;
}
