/**
 * Sibling files are parsed again only when their text changed (core/textCache.ts, service.ts `parseSibling`): the
 * CRD of `pgtls.crdPaths` used to be parsed on every validation (a 2 MB CRD: 150–210 ms per keystroke). Counted
 * with the YAML mode's parse, and checked that an edit of the CRD on disk is seen at once.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTextCache } from '../../server/src/core/textCache';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { MODES } from '../../server/src/languages/registry';
import { testService } from '../helpers';

test('the text cache: a hit only for the same text, the least recently used go first, a text over the limit is not kept', () => {
  const cache = createTextCache<string>(10, 2);
  let made = 0;
  const get = (k: string, t: string) => cache.get(k, t, () => `${t}#${++made}`);
  assert.equal(get('a', 'aaa'), 'aaa#1');
  assert.equal(get('a', 'aaa'), 'aaa#1');
  assert.equal(get('a', 'aab'), 'aab#2', 'another text is made again');
  assert.equal(get('b', 'bbb'), 'bbb#3');
  assert.equal(get('a', 'aab'), 'aab#2');
  assert.equal(get('c', 'ccc'), 'ccc#4', 'a third entry pushes out the least recently used (b)');
  assert.equal(cache.size, 2);
  assert.equal(get('b', 'bbb'), 'bbb#5');
  assert.equal(get('d', 'ddddddddddd'), 'ddddddddddd#6', 'over maxChars: made, not kept');
  assert.equal(get('d', 'ddddddddddd'), 'ddddddddddd#7');
  assert.equal(get('e', 'eeeeeeee'), 'eeeeeeee#8');
  assert.equal(cache.size, 1, 'the characters held stay under the limit');
});

const CRD = (maxLength: number) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: string, maxLength: ${maxLength} }
`;

test('a CRD of pgtls.crdPaths is parsed once while its text stays the same, and again when it changes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-crdpaths-'));
  const yaml = MODES.find(m => m.id === 'yaml')!;
  const parse = yaml.parse;
  let crdParses = 0;
  const crdFile = path.join(dir, 'widgets.crd.yaml');
  (yaml as { parse: typeof parse }).parse = (doc, previous) => {
    if (doc.path === crdFile) crdParses++;
    return parse.call(yaml, doc, previous);
  };
  try {
    fs.writeFileSync(crdFile, CRD(3));
    const service = testService();
    const settings = { ...DEFAULT_SETTINGS, crdPaths: [crdFile] };
    const cr = { path: path.join(dir, 'widget.yaml'), languageId: 'yaml' as const, text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: large }\n' };
    const rules = () => service.validate(cr, service.parse(cr), settings).map(p => p.rule);
    const first = rules();
    assert.ok(first.length > 0, 'size "large" is longer than the CRD allows');
    for (let i = 0; i < 5; i++) assert.deepEqual(rules(), first);
    assert.equal(crdParses, 1, 'the unchanged CRD was parsed once for six validations');
    fs.writeFileSync(crdFile, CRD(10));
    assert.deepEqual(rules(), [], 'the edited CRD is read and used at once');
    assert.equal(crdParses, 2);
  } finally {
    (yaml as { parse: typeof parse }).parse = parse;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
