/**
 * Every Kubernetes fixture and published example, with its values replaced by values of the wrong type (a map where
 * a string belongs, a list, null, a number, a long string, a binary-looking base64 blob): the rules must report or stay
 * silent, never fail (`pgtls/internal-error` is what the mode reports when a rule throws).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, visit, type Node } from 'yaml';
import { ROOT, check, testService } from '../helpers';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = [null, 0, -1, 1e308, true, 'x', '', [], {}, ['a', { b: 1 }], { a: { b: [1, 2] } }, 'A'.repeat(5000), 'AAEC/w==', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'];

test('wrong types anywhere in the Kubernetes fixtures never make a rule fail', () => {
  const service = testService();
  const files = [...yamlFiles(path.join(ROOT, 'test/fixtures')), ...yamlFiles(path.join(ROOT, 'examples'))]
    .filter(f => /apiVersion:/.test(fs.readFileSync(f, 'utf8')));
  assert.ok(files.length > 50, `found ${files.length} YAML fixtures`);
  const random = rng(20261123);
  let variants = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (let round = 0; round < 6; round++) {
      const all = parseAllDocuments(text);
      if (!Array.isArray(all)) continue;
      const docs = all.filter(d => d.errors.length === 0); // fixtures of syntax errors: nothing to mutate
      for (const doc of docs) {
        // Replace about one value in five (keys of apiVersion/kind stay, so the document stays ours).
        visit(doc, {
          Pair(_, pair) {
            const key = isScalar(pair.key) ? String(pair.key.value) : '';
            if (key === 'apiVersion' || key === 'kind' || random() > 0.2) return undefined;
            pair.value = doc.createNode(REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)]) as Node;
            return undefined;
          },
          Seq(_, seq) { if (isSeq(seq) && random() < 0.05) seq.items.push(doc.createNode({ weird: [null] })); },
          Map(_, map) { if (isMap(map) && random() < 0.02) map.items.reverse(); },
        });
      }
      let mutated: string;
      try {
        mutated = docs.map(d => d.toString()).join('---\n');
      } catch {
        continue; // a replaced value held an anchor that a later alias needs: not a YAML text any more
      }
      const problems = check(service, path.join(path.dirname(file), `fuzz-${round}.yaml`), mutated);
      variants++;
      const crashes = problems.filter(p => p.rule === 'pgtls/internal-error');
      assert.deepEqual(crashes.map(c => c.message), [], `${path.relative(ROOT, file)} round ${round}:\n${mutated}`);
    }
  }
  assert.ok(variants > 300);
});
