/**
 * The lookups the rules repeat on every run, which are indexed for speed (data.ts findPair, workspace.ts find): the
 * indexes must answer exactly as a scan would — last duplicate key wins, explicit keys before merged ones, names and
 * namespaces matched as before, in document order.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isScalar } from 'yaml';
import type { ValidateContext } from '../../server/src/core/language';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { locate, stringAt } from '../../server/src/languages/k8s/data';
import { parseK8s } from '../../server/src/languages/k8s/parse';
import { WorkspaceResources } from '../../server/src/languages/k8s/workspace';

const docOf = (text: string) => parseK8s(text).documents[0]!.part.doc!;

test('locate: the last of duplicate keys wins, explicit keys win over merged ones, merges are followed', () => {
  const doc = docOf([
    'base: &b { name: merged, port: 1 }',
    'spec:',
    '  <<: *b',
    '  name: first',
    '  mode: a',
    '  name: second',
    '',
  ].join('\n'));
  assert.equal(stringAt(doc, ['spec', 'name'])?.value, 'second');
  const port = locate(doc, ['spec', 'port']);
  assert.equal(port.length, 3);
  assert.ok(isScalar(port[2]!.node) && port[2]!.node.value === 1, 'found through the merge key');
  assert.equal(locate(doc, ['spec', 'missing']).length, 2, 'stops at the first absent segment');
  // Asked twice (the index is built on the first call): the same answer.
  assert.equal(stringAt(doc, ['spec', 'name'])?.value, 'second');
  assert.equal(stringAt(doc, ['spec', 'mode'])?.value, 'a');
});

test('locate: keys that are numbers or booleans are found by their JSON spelling', () => {
  const doc = docOf('data:\n  1: one\n  true: yes-key\n  null: nothing\n');
  assert.equal(stringAt(doc, ['data', '1'])?.value, 'one');
  assert.equal(stringAt(doc, ['data', 'true'])?.value, 'yes-key');
  assert.equal(stringAt(doc, ['data', 'null'])?.value, 'nothing');
});

test('WorkspaceResources.find: kind, name, apiVersion and namespace as before, in document order', () => {
  const text = [
    'apiVersion: v1\nkind: Secret\nmetadata: { name: tls, namespace: a }\n',
    'apiVersion: v1\nkind: Secret\nmetadata: { name: tls, namespace: b }\n',
    'apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\n',
    'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: tls, namespace: a }\n',
    'apiVersion: v2\nkind: Secret\nmetadata: { name: other, namespace: a }\n',
    'kind: Secret\nmetadata: { namespace: a }\n',
  ].join('---\n');
  const file = parseK8s(text);
  const ctx = { settings: DEFAULT_SETTINGS, env: {}, parseSibling: () => undefined, report: () => undefined } as unknown as ValidateContext;
  const ws = new WorkspaceResources(ctx, '/nonexistent/pgtls-lookup/all.yaml', file);
  const where = (found: { doc: { base: number } }[]) => found.map(d => file.documents.indexOf(file.documents.find(x => x.base === d.doc.base)!));
  assert.deepEqual(where(ws.find('Secret', 'tls')), [0, 1, 2]);
  assert.deepEqual(where(ws.find('Secret', 'tls', 'a')), [0, 2], 'an unset namespace matches any');
  assert.deepEqual(where(ws.find('Secret', 'tls', 'b', 'v1')), [1, 2]);
  assert.deepEqual(where(ws.find('Secret', 'other', 'a', 'v1')), [], 'apiVersion filters');
  assert.deepEqual(where(ws.find('Secret', 'other', 'a')), [4]);
  assert.deepEqual(where(ws.find('Issuer', 'tls', 'a')), [3]);
  assert.deepEqual(where(ws.find('Issuer', 'nope')), []);
  assert.deepEqual(where(ws.find('Secret', 'tls')), [0, 1, 2], 'asking again gives the same answer');
});
