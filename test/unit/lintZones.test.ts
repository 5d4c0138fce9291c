/**
 * The floor plan's lint zones (eslint.config.mjs) bite: each fixture in test/fixtures/lint is linted as if it were the
 * file named on its `// as:` line, and must raise exactly the rule on its `// expect:` line (or nothing for `ok`).
 * A zone that stops reporting a forbidden import, or starts reporting an allowed one, fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'test/fixtures/lint');
const eslint = new ESLint({ cwd: root });

for (const name of fs.readdirSync(dir).filter(n => n.endsWith('.txt')).sort()) {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  const as = /^\/\/ as: (\S+)$/m.exec(text)?.[1];
  const expect = /^\/\/ expect: (\S+)$/m.exec(text)?.[1];
  test(`lint zone: ${name} (${as}) → ${expect}`, async () => {
    assert.ok(as && expect, `${name} needs "// as:" and "// expect:" lines`);
    const [result] = await eslint.lintText(text, { filePath: path.join(root, as) });
    const rules = (result?.messages ?? []).map(m => m.ruleId ?? `fatal: ${m.message}`);
    if (expect === 'ok') assert.deepEqual(rules, [], `${as} should lint clean`);
    else assert.deepEqual([...new Set(rules)], [expect], `${as} should be refused by ${expect}`);
  });
}
