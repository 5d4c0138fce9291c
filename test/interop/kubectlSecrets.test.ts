/**
 * The Secrets pgtls writes are what `kubectl create secret generic NAME --from-file=KEY=PATH … --dry-run=client -o
 * yaml` prints for the same files, byte for byte except kubectl's `creationTimestamp: null` line (a null field the
 * API server ignores; newer kubectl versions drop it too).
 *
 * Two layers:
 * - a recorded fixture (always runs): kubectl's output for fixed stand-in files, recorded with kubectl v1.32.4 and
 *   with Debian 12's kubernetes-client v1.20.2, which printed identical bytes;
 * - the real kubectl (when on PATH; under CI=true it must be): for every operator, `pgtls cert set` + `pgtls cert
 *   secrets`, then the kubectl command written above each Secret is run through the shell and its output compared.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCertCli } from '../../server/src/cli/cert';
import { secretObject, toYaml } from '../../server/src/certs/manifests';
import { assertTools, missing } from '../requires';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-kubectl-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** kubectl's output without the creationTimestamp line. */
const normalise = (s: string) => s.replace(/^ {2}creationTimestamp: null\n/m, '');

// Stand-in file contents (not keys) and what kubectl printed for them.
const enc = (s: string) => new TextEncoder().encode(s);
const FIXTURE_FILES = {
  'server.crt': enc('-----BEGIN CERTIFICATE-----\nMIIBfixtureCERT\n-----END CERTIFICATE-----\n'),
  'server.key': enc('-----BEGIN PRIVATE KEY-----\nMIGHfixtureKEYnotAkey\n-----END PRIVATE KEY-----\n'),
  'ca.crt': enc('-----BEGIN CERTIFICATE-----\nMIIBfixtureCA\n-----END CERTIFICATE-----\n'),
  'bin.pk8': Uint8Array.from({ length: 256 }, (_, i) => i),
  'Z-extra.txt': enc('x'),
};

// kubectl create secret generic fixture-tls --type=kubernetes.io/tls --from-file=tls.crt=server.crt
//   --from-file=tls.key=server.key --from-file=ca.crt=ca.crt --namespace=db --dry-run=client -o yaml
const KUBECTL_TLS = `apiVersion: v1
data:
  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmaXh0dXJlQ0EKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmaXh0dXJlQ0VSVAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hmaXh0dXJlS0VZbm90QWtleQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==
kind: Secret
metadata:
  creationTimestamp: null
  name: fixture-tls
  namespace: db
type: kubernetes.io/tls
`;

// kubectl create secret generic fixture-opaque --from-file=root.crt=ca.crt --from-file=root.pk8=bin.pk8
//   --from-file=Z-extra.txt --dry-run=client -o yaml
const KUBECTL_OPAQUE = `apiVersion: v1
data:
  Z-extra.txt: eA==
  root.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmaXh0dXJlQ0EKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
  root.pk8: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==
kind: Secret
metadata:
  creationTimestamp: null
  name: fixture-opaque
`;

describe('recorded kubectl output', () => {
  test('a kubernetes.io/tls Secret with a namespace', () => {
    const ours = toYaml(secretObject({
      name: 'fixture-tls', namespace: 'db', type: 'kubernetes.io/tls',
      data: { 'tls.crt': FIXTURE_FILES['server.crt'], 'tls.key': FIXTURE_FILES['server.key'], 'ca.crt': FIXTURE_FILES['ca.crt'] },
    }));
    assert.equal(ours, normalise(KUBECTL_TLS));
  });

  test('an Opaque Secret: no type, no namespace, binary data, bytewise key order (Z before r)', () => {
    const ours = toYaml(secretObject({
      name: 'fixture-opaque',
      data: { 'root.crt': FIXTURE_FILES['ca.crt'], 'root.pk8': FIXTURE_FILES['bin.pk8'], 'Z-extra.txt': FIXTURE_FILES['Z-extra.txt'] },
    }));
    assert.equal(ours, normalise(KUBECTL_OPAQUE));
  });

  test('the same through the real kubectl, when present', { skip: missing('kubectl') }, () => {
    assertTools('kubectl');
    const dir = fs.mkdtempSync(path.join(root, 'fixture-'));
    for (const [name, bytes] of Object.entries(FIXTURE_FILES)) fs.writeFileSync(path.join(dir, name), bytes);
    const run = (args: string[]) => normalise(execFileSync('kubectl', args, { cwd: dir, encoding: 'utf8', env: kubectlEnv() }));
    assert.equal(run(['create', 'secret', 'generic', 'fixture-tls', '--type=kubernetes.io/tls', '--from-file=tls.crt=server.crt',
      '--from-file=tls.key=server.key', '--from-file=ca.crt=ca.crt', '--namespace=db', '--dry-run=client', '-o', 'yaml']), normalise(KUBECTL_TLS));
    assert.equal(run(['create', 'secret', 'generic', 'fixture-opaque', '--from-file=root.crt=ca.crt', '--from-file=root.pk8=bin.pk8',
      '--from-file=Z-extra.txt', '--dry-run=client', '-o', 'yaml']), normalise(KUBECTL_OPAQUE));
  });
});

/** No cluster, no user kubeconfig: the output must not depend on the machine's kubectl setup. */
function kubectlEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: path.join(root, 'no-kubeconfig'), HOME: root };
}

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
};

/** Splits rendered manifests into documents: the comment lines above each, and the YAML without comments. */
function splitDocuments(text: string): { comments: string[]; yaml: string }[] {
  return text.split(/^---\n/m).map(chunk => {
    const lines = chunk.split('\n');
    return {
      comments: lines.filter(l => l.startsWith('# ')).map(l => l.slice(2)),
      yaml: lines.filter(l => l !== '' && !l.startsWith('#')).map(l => `${l}\n`).join(''),
    };
  });
}

const CASES: { operator: string; args: string[]; secrets: number }[] = [
  { operator: 'percona', args: ['--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg'], secrets: 3 },
  { operator: 'percona (no root CA)', args: ['--operator', 'percona', '--name', 'cluster1', '--no-root-ca'], secrets: 2 },
  { operator: 'cpo (one Secret)', args: ['--operator', 'cpo', '--name', 'acid', '--namespace', 'db'], secrets: 1 },
  { operator: 'cpo (two Secrets)', args: ['--operator', 'cpo', '--name', 'acid', '--namespace', 'db', '--layout', 'two'], secrets: 2 },
  { operator: 'kubedb', args: ['--operator', 'kubedb', '--name', 'pp', '--namespace', 'demo', '--certificate'], secrets: 1 },
];

describe('generated Secrets against the real kubectl', () => {
  for (const c of CASES) {
    test(c.operator, { skip: missing('kubectl') }, async () => {
      assertTools('kubectl');
      const work = fs.mkdtempSync(path.join(root, 'case-'));
      const certs = path.join(work, 'my certs'); // a space: the commands in the comments must quote it
      const operatorArgs = c.args.filter(a => a !== '--no-root-ca' && a !== '--certificate' && a !== '--layout' && a !== 'two');
      const gen = io();
      assert.equal(await runCertCli(['cert', 'set', '--out', certs, ...operatorArgs], gen.io), 0, gen.err.join(''));
      const sec = io();
      assert.equal(await runCertCli(['cert', 'secrets', '--from', certs, ...c.args], sec.io), 0, sec.err.join(''));
      const documents = splitDocuments(sec.out.join(''));
      const secrets = documents.filter(d => /^kind: Secret$/m.test(d.yaml));
      assert.equal(secrets.length, c.secrets);
      for (const d of secrets) {
        const command = d.comments.find(l => l.startsWith('kubectl create secret generic '));
        assert.ok(command, 'each Secret is preceded by its kubectl command');
        const printed = execFileSync('sh', ['-c', command], { cwd: work, encoding: 'utf8', env: kubectlEnv() });
        assert.equal(d.yaml, normalise(printed), `${command}`);
      }
    });
  }
});
