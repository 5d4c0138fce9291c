/**
 * Overlays (issue 10): what a kustomization says about its files (k8s/kustomize.ts, pure), which YAML files are patches
 * (k8s/patches.ts, through the workspace index or the folders without one), how a patch is checked (no missing
 * required fields or absent-field rules; types, values and TLS rules stay), and where a finding in a Helm stream
 * came from (cli/stream.ts).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServiceEnv, WorkspaceFile } from '../../server/src/core/types';
import { isKustomizationPath, kustomizationRefs, resolveEntry } from '../../server/src/languages/k8s/kustomize';
import Ajv from 'ajv';
import { patchUseOf, patchValidator } from '../../server/src/languages/k8s/patches';
import { placeOf, sourcedDocuments } from '../../server/src/cli/stream';
import { check, testEnv, testService } from '../helpers';

test('kustomizationRefs: patches, strategic-merge and JSON 6902 paths, resources, bases and components, resolved against the folder', () => {
  const text = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../../base',
    '  - extra/secret.yaml',
    '  - https://github.com/org/repo//deploy?ref=v1',
    'bases: [../old-base]',
    'components:',
    '  - ../../components/tls',
    'patches:',
    '  - path: tls-patch.yaml',
    '  - patch: |-',
    '      - op: replace',
    '        path: /spec/tlsOnly',
    '        value: true',
    '    target: { kind: PerconaPGCluster }',
    '  - path: ./patches/../patches/pgbouncer.yaml',
    'patchesStrategicMerge:',
    '  - legacy.yaml',
    '  - |-',
    '    apiVersion: v1',
    '    kind: Secret',
    'patchesJson6902:',
    '  - target: { kind: PerconaPGCluster, name: c }',
    '    path: ops.yaml',
    '',
  ].join('\n');
  assert.deepEqual(kustomizationRefs(text, '/repo/overlays/prod/kustomization.yaml'), [
    { path: '/repo/base', use: 'resource' },
    { path: '/repo/overlays/prod/extra/secret.yaml', use: 'resource' },
    { path: '/repo/overlays/old-base', use: 'resource' },
    { path: '/repo/components/tls', use: 'component' },
    { path: '/repo/overlays/prod/tls-patch.yaml', use: 'patch' },
    { path: '/repo/overlays/prod/patches/pgbouncer.yaml', use: 'patch' },
    { path: '/repo/overlays/prod/legacy.yaml', use: 'patch' },
    { path: '/repo/overlays/prod/ops.yaml', use: 'json6902' },
  ]);
});

test('kustomizationRefs: bad input gives what could be read, never an exception', () => {
  for (const text of ['', 'patches: [', '- a\n- b\n', 'patches: 3\nresources: { a: 1 }\n', 'patches:\n  - path: 7\n  - null\n  - [x]\n', 'a: &a [*a]\n', '\u0000\u0001']) {
    assert.deepEqual(kustomizationRefs(text, '/k/kustomization.yaml'), [], JSON.stringify(text));
  }
  assert.deepEqual(kustomizationRefs('resources: [a.yaml, 5, {x: 1}]\n', '/k/kustomization.yaml'), [{ path: '/k/a.yaml', use: 'resource' }]);
});

test('resolveEntry: dot segments, Windows folders, remote and absolute entries', () => {
  assert.equal(resolveEntry('/a/b', '../../../c.yaml'), '/c.yaml');
  assert.equal(resolveEntry('/a/b', './c/./d.yaml'), '/a/b/c/d.yaml');
  assert.equal(resolveEntry('C:\\repo\\overlays', '..\\base\\x.yaml'), 'C:\\repo\\base\\x.yaml');
  assert.equal(resolveEntry('rel/dir', '../../../x.yaml'), '../x.yaml');
  assert.equal(resolveEntry('/a', 'github.com/org/repo/deploy'), undefined);
  assert.equal(resolveEntry('/a', 'git@github.com:org/repo.git'), undefined);
  assert.equal(resolveEntry('/a', '/etc/x.yaml'), undefined);
  assert.equal(resolveEntry('/a', '   '), undefined);
});

test('isKustomizationPath: the three names kustomize recognises, nothing else', () => {
  for (const p of ['/x/kustomization.yaml', '/x/kustomization.yml', '/x/Kustomization', 'C:\\x\\kustomization.yaml']) assert.ok(isKustomizationPath(p), p);
  for (const p of ['/x/my-kustomization.yaml', '/x/Kustomization.yaml', '/x/kustomization.json', '/x/patch.yaml']) assert.ok(!isKustomizationPath(p), p);
});

/** An environment with a workspace index over in-memory files. */
function workspaceEnv(files: Record<string, string>): ServiceEnv {
  const list: WorkspaceFile[] = Object.entries(files).map(([p, text]) => ({ path: p, languageId: 'yaml', version: 1, text: () => text }));
  return testEnv({ readText: p => files[p], workspace: { roots: () => ['/ws'], files: () => list } });
}

test('patchUseOf (workspace index): a patch, a JSON 6902 file, a resource wins over a patch, an unrelated file', () => {
  const env = workspaceEnv({
    '/ws/overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: tls.yaml\n  - path: shared.yaml\npatchesJson6902:\n  - path: ops.yaml\n',
    '/ws/other/kustomization.yml': 'resources:\n  - ../overlays/prod/shared.yaml\n',
    '/ws/overlays/prod/tls.yaml': '', '/ws/overlays/prod/ops.yaml': '', '/ws/overlays/prod/shared.yaml': '', '/ws/base/cluster.yaml': '',
  });
  assert.equal(patchUseOf(env, '/ws/overlays/prod/tls.yaml'), 'patch');
  assert.equal(patchUseOf(env, '/ws/overlays/prod/ops.yaml'), 'json6902');
  assert.equal(patchUseOf(env, '/ws/overlays/prod/shared.yaml'), undefined, 'also a resource of another kustomization');
  assert.equal(patchUseOf(env, '/ws/base/cluster.yaml'), undefined);
});

test('patchUseOf (no index): the kustomization of a folder above the file, and one beside it in a component', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-kustomize-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('overlays/prod/kustomization.yaml', 'resources: [../../base]\ncomponents: [../../components/tls]\npatches:\n  - path: patches/tls.yaml\n');
  write('overlays/prod/patches/tls.yaml', '');
  write('components/tls/Kustomization', 'kind: Component\npatchesStrategicMerge: [cert.yaml]\n');
  write('components/tls/cert.yaml', '');
  write('sibling/kustomization.yaml', 'patches:\n  - path: ../elsewhere/far.yaml\n');
  write('elsewhere/far.yaml', '');
  const noIndex = testEnv({ roots: () => [dir] });
  assert.equal(patchUseOf(noIndex, path.join(dir, 'overlays/prod/patches/tls.yaml')), 'patch');
  assert.equal(patchUseOf(noIndex, path.join(dir, 'components/tls/cert.yaml')), 'patch');
  assert.equal(patchUseOf(noIndex, path.join(dir, 'elsewhere/far.yaml')), 'patch', 'found by the listing of the workspace folder');
  const noListing = testEnv({ roots: () => [dir], listFiles: undefined });
  assert.equal(patchUseOf(noListing, path.join(dir, 'elsewhere/far.yaml')), undefined, 'without a listing only the folders above are looked at');
});

const PATCH = [
  'apiVersion: pgv2.percona.com/v2',
  'kind: PerconaPGCluster',
  'metadata:',
  '  name: cluster1',
  'spec:',
  '  tlsOnly: "yes"',
  '  secrets:',
  '    customTLSSecret:',
  '      name: cluster1-ssl',
  '  instances:',
  '    - name: instance1',
  '      $patch: delete',
  '',
].join('\n');

test('a patch is checked as a patch: types stay, required fields, absent-field rules and $ directives do not', () => {
  const env = workspaceEnv({ '/ws/o/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: tls.yaml\n', '/ws/o/tls.yaml': PATCH });
  const asPatch = check(testService(env), '/ws/o/tls.yaml', PATCH).map(p => p.rule);
  // cluster1-ssl is in no file of the workspace: a note, which a patch gets like any resource.
  assert.deepEqual(asPatch, ['schema/wrong-type', 'secret/not-found']);
  // The same text as a whole resource (no kustomization names it): everything it lacks is reported.
  const asResource = check(testService(workspaceEnv({ '/ws/o/tls.yaml': PATCH })), '/ws/o/tls.yaml', PATCH).map(p => p.rule);
  assert.ok(asResource.includes('schema/missing-field'), asResource.join());
  assert.ok(asResource.includes('percona/twin-secrets'), asResource.join());
  assert.ok(asResource.includes('schema/wrong-type'), asResource.join());
});

test('patchValidator: leaves out required fields (also anyOf branches of them) and $ directive keys, keeps the rest', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile({
    type: 'object', required: ['name'], additionalProperties: false,
    properties: {
      name: { type: 'string' },
      port: { type: 'integer' },
      ref: { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] },
      mixed: { anyOf: [{ type: 'object', required: ['a'] }, { type: 'string' }] },
    },
  });
  const v = patchValidator(validate);
  assert.equal(v({ ref: {}, $patch: 'replace', '$setElementOrder/ports': [] }), true);
  assert.equal(v.errors, null);
  assert.equal(validate({ ref: {}, $patch: 'replace' }), false, 'the plain validator does report them');
  assert.equal(v({ port: 'x', other: 1 }), false);
  assert.deepEqual(v.errors!.map(e => e.keyword).sort(), ['additionalProperties', 'type']);
  assert.equal(v({ mixed: 5 }), false, 'a failed anyOf with a branch that is not only a missing field stays');
});

test('a JSON 6902 operations file is no resource: nothing reported, whatever its values', () => {
  const ops = '- op: replace\n  path: /spec/tlsOnly\n  value: "yes"\n- op: add\n  path: /spec/secrets\n  value: { customTLSSecret: {} }\n';
  const env = workspaceEnv({ '/ws/o/kustomization.yaml': 'patchesJson6902:\n  - path: ops.yaml\n', '/ws/o/ops.yaml': ops });
  assert.deepEqual(check(testService(env), '/ws/o/ops.yaml', ops), []);
});

test('sourcedDocuments/placeOf: the template of a Helm document, its first line, and documents without a comment', () => {
  const text = [
    '---', // 0
    '# Source: pg/templates/a.yaml', // 1
    'apiVersion: v1', // 2
    'kind: Secret', // 3
    '---', // 4
    'apiVersion: v1', // 5: no comment (a kustomize-like document)
    'kind: ConfigMap', // 6
    '---', // 7
    '# a comment first', // 8
    '# Source: pg/templates/b.yaml', // 9
    'kind: x', // 10
    '# Source: not/a/header.yaml', // 11: after content, not the document's header
    '',
  ].join('\n');
  const docs = sourcedDocuments(text);
  assert.deepEqual(docs.map(d => [d.source, d.commentLine]), [['pg/templates/a.yaml', 1], ['pg/templates/b.yaml', 9]]);
  const at = (line: number) => text.split('\n').slice(0, line).join('\n').length + (line ? 1 : 0);
  assert.deepEqual(placeOf(docs, text, at(3)), { source: 'pg/templates/a.yaml', firstLine: 2 });
  assert.deepEqual(placeOf(docs, text, at(6)), {});
  assert.deepEqual(placeOf(docs, text, at(11)), { source: 'pg/templates/b.yaml', firstLine: 10 });
  assert.deepEqual(placeOf([], text, 3), {});
  assert.deepEqual(sourcedDocuments(''), []);
  assert.deepEqual(sourcedDocuments('# Source: x.yaml\r\nkind: a\r\n').map(d => d.source), ['x.yaml']);
});
