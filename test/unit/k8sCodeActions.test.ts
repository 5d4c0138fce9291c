/**
 * The command-only quick fix on a reference to a missing Secret: "Create certificates and Secrets for this resource…"
 * runs `pgtls.createTlsSetForResource` on the resource under the diagnostic (an offset into the file, also in a
 * multi-document file), and `service.fixes()` hands it out beside edit fixes; fixes with neither are dropped.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type Fix, type Problem, type SourceDocument } from '../../server/src/core/types';
import { presetAt } from '../../server/src/certService';
import { testService } from '../helpers';

const service = testService();

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: c1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  spiloFSGroup: 103
  tls: { secretName: c1-tls }
`;

function validate(text: string): Problem[] {
  // An empty folder of its own: nothing beside the file provides the Secret.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-k8s-ca-')), 'cpo.yaml');
  const doc: SourceDocument = { path: file, text, languageId: 'yaml', version: 1 };
  return service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
}

const commandFix = (p: Problem): Fix => {
  assert.equal(p.fixes?.length, 1, JSON.stringify(p.fixes));
  return p.fixes![0]!;
};

test('secret/not-found carries a command-only fix that runs pgtls.createTlsSetForResource at the reference', () => {
  const ps = validate(CPO);
  assert.deepEqual(ps.map(p => p.rule), ['secret/not-found']);
  const fix = commandFix(ps[0]!);
  const at = CPO.indexOf('c1-tls');
  assert.deepEqual(ps[0]!.span, [at, at + 'c1-tls'.length]);
  // Exactly these fields: no `preferred` ("auto fix" never runs it), no edits.
  assert.deepEqual(fix, {
    title: 'Create certificates and Secrets for this resource…',
    edits: [],
    command: { title: 'Create certificates and Secrets for this resource…', command: 'pgtls.createTlsSetForResource', arguments: [{ offset: at }] },
  });
  // The offset names this resource for the command's preset.
  assert.equal(presetAt(CPO, at)?.name, 'c1');
});

test('in a multi-document file the offset is file-relative and names the resource of that document', () => {
  const other = CPO.replace('name: c1,', 'name: c2,').replace('c1-tls', 'c2-tls');
  const text = `${CPO}---\n${other}`;
  const ps = validate(text);
  assert.deepEqual(ps.map(p => p.rule), ['secret/not-found', 'secret/not-found']);
  const offsets = ps.map(p => (commandFix(p).command!.arguments![0] as { offset: number }).offset);
  assert.deepEqual(offsets, [text.indexOf('c1-tls'), text.indexOf('c2-tls')]);
  assert.deepEqual(ps.map(p => p.span[0]), offsets, 'the offset is the start of the diagnostic');
  assert.deepEqual(offsets.map(o => presetAt(text, o)?.name), ['c1', 'c2']);
});

test('service.fixes() returns command-only fixes and drops fixes with neither edits nor a command', () => {
  const [p] = validate(CPO);
  const fixes = service.fixes([p!], p!.span);
  assert.deepEqual(fixes.map(f => f.fix.command?.command), ['pgtls.createTlsSetForResource']);
  const empty: Problem = { ...p!, fixes: [{ title: 'nothing', edits: [] }] };
  assert.deepEqual(service.fixes([empty], p!.span), []);
  // Applying the edits of every fix (what the CLI-side tests do) is a no-op for the command-only one.
  for (const { fix } of fixes) assert.deepEqual(fix.edits, []);
});
