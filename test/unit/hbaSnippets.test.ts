/** Every pool_hba.conf snippet, with its placeholders at their defaults, validates without any problem. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, check, describeProblem, testService } from '../helpers';

const service = testService();

/** `${1:default}` → default, `${1|a,b|}` → a, `$1`/`$0` → nothing (nested placeholders resolve from the inside). */
export function expandSnippet(body: string): string {
  let s = body;
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\$\{\d+\}/g, '').replace(/\$\d+/g, '');
}

test('snippet expansion', () => {
  assert.equal(expandSnippet('hostssl ${1:all} ${2:all} ${3:::1/128} cert$0'), 'hostssl all all ::1/128 cert');
  assert.equal(expandSnippet('a ${1|x,y|} $2 ${3}'), 'a x  ');
});

const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/pool-hba.json'), 'utf8')) as Record<string, { prefix: string | string[]; body: string | string[]; description?: string }>;

test('pool-hba snippets exist', () => {
  assert.ok(Object.keys(snippets).length >= 5);
  assert.ok(Object.values(snippets).some(s => [s.body].flat().join('\n').includes(' cert')), 'a certificate snippet');
  assert.ok(Object.values(snippets).some(s => [s.body].flat().join('\n').includes('scram-sha-256')), 'a SCRAM snippet');
});

for (const [name, s] of Object.entries(snippets)) {
  test(`pool-hba snippet "${name}" validates clean`, () => {
    const text = expandSnippet([s.body].flat().join('\n')) + '\n';
    // A folder without pgpool.conf: the snippet alone must be a valid, advice-free pool_hba.conf.
    const file = path.join(ROOT, 'test', 'no-such-folder', 'pool_hba.conf');
    const problems = check(service, file, text);
    assert.deepEqual(problems.map(p => `${describeProblem(text, p)} ${p.message}`), [], text);
    assert.ok(s.description && s.description.length > 20, 'has a description');
  });
}
