/**
 * One folder walker: `pgtls check DIR` and the language server's workspace index (`ServiceEnv.listFiles`) see the
 * same files; dependency, VCS, build and hidden folders are skipped, except a folder named explicitly.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectFiles } from '../../server/src/cli/check';
import { nodeEnv } from '../../server/src/node/env';
import { SCHEMAS, testService } from '../helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-walk-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const service = testService();

function tree(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(root, 't'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'kind: ConfigMap\n');
  }
  return dir;
}

/** In the order a depth-first walk with sorted entries gives (the order `pgtls check` has always reported). */
const WALKED = ['app.yaml', 'b/c/deep.yaml', 'b/deploy.yml', 'z.yaml'];
const SKIPPED = [
  '.git/hooks.yaml', 'node_modules/pkg/chart.yaml', '.venv/lib/x.yaml', 'vendor/dep/x.yaml', '.hidden/x.yaml',
  'dist/x.yaml', 'out/x.yaml', '.cache/x.yaml', '.e2e/x.yaml', '.hg/x.yaml', '.svn/x.yaml', 'b/.terraform/x.yaml',
];

test('the CLI and the language server list the same files', () => {
  const dir = tree([...WALKED, ...SKIPPED, 'notes.txt']);
  const warnings: string[] = [];
  const cli = collectFiles(service, [dir], m => warnings.push(m)).map(f => path.relative(dir, f));
  const env = nodeEnv(SCHEMAS).listFiles!(dir, { extensions: ['.yaml', '.yml'], maxDepth: 32, maxFiles: 1000 }).map(f => path.relative(dir, f));
  assert.deepEqual(cli, WALKED.map(f => f.split('/').join(path.sep)), 'the CLI reports in path order');
  assert.deepEqual([...env].sort(), [...cli].sort());
  assert.deepEqual(warnings, []);
});

test('a hidden or skipped folder named explicitly is walked', () => {
  const dir = tree(['.hidden/x.yaml', '.hidden/.inner/y.yaml', 'vendor/v.yaml']);
  const cli = collectFiles(service, [path.join(dir, '.hidden'), path.join(dir, 'vendor')], () => undefined).map(f => path.relative(dir, f));
  assert.deepEqual(cli, [path.join('.hidden', 'x.yaml'), path.join('vendor', 'v.yaml')]);
  const env = nodeEnv(SCHEMAS).listFiles!(path.join(dir, '.hidden'), { extensions: ['.yaml'], maxDepth: 5, maxFiles: 10 });
  assert.deepEqual(env.map(f => path.relative(dir, f)), [path.join('.hidden', 'x.yaml')]);
});

test('the language server keeps its bounds: depth and file count, shallow files first', () => {
  const dir = tree(['a/b/c/d.yaml', 'z.yaml', 'y.yaml']);
  const list = (maxDepth: number, maxFiles: number) => nodeEnv(SCHEMAS).listFiles!(dir, { extensions: ['.yaml'], maxDepth, maxFiles }).map(f => path.relative(dir, f));
  assert.deepEqual(list(2, 10), ['y.yaml', 'z.yaml']);
  assert.deepEqual(list(3, 10), ['y.yaml', 'z.yaml', path.join('a', 'b', 'c', 'd.yaml')]);
  assert.deepEqual(list(3, 1), ['y.yaml']);
});
