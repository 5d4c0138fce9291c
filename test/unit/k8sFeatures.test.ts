/**
 * Editor features of the YAML mode through the façade (hover, completion, quick fixes), the workspace seen through
 * `env.workspace`, users' CRDs (schema, CEL, pgtls.crdPaths), and the precompiled validators being current.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument, type WorkspaceFile } from '../../server/src/core/types';
import { generate, OUT } from '../../scripts/gen-k8s-validators';
import { describeProblem, testService } from '../helpers';
import { issue } from './pgpoolConfTlsKit';
import * as x509 from '@peculiar/x509';

const service = testService();
const PATH = '/nonexistent/pgtls-k8s/pp.yaml';

const PP = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: pp
  namespace: demo
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres, namespace: demo }
  sslMode: disabled
  cientAuthMode: cert
  tls:
    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca }
    certificates:
      - alias: server
        privateKey: { encoding: pkcs8 }
`;

const docOf = (text: string, p = PATH): SourceDocument => ({ path: p, text, languageId: 'yaml', version: 1 });
const validate = (text: string, settings: Partial<Settings> = {}, svc = service, p = PATH): Problem[] => {
  const d = docOf(text, p);
  return svc.validate(d, svc.parse(d), { ...DEFAULT_SETTINGS, ...settings });
};
const applyFix = (text: string, p: Problem, i = 0): string => {
  const edits = [...p.fixes![i]!.edits].sort((a, b) => b.span[0] - a.span[0]);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return out;
};

test('quick fixes: did-you-mean for unknown keys, enum spelling and case; the fixed text validates clean', () => {
  let text = PP;
  for (let round = 0; round < 5; round++) {
    const problems = validate(text).filter(x => x.rule !== 'pgpool/cert-auth-ssl-disabled');
    if (!problems.length) break;
    const p = problems[0]!;
    assert.ok(p.fixes?.length, `${p.rule} at ${describeProblem(text, p)} has a fix`);
    assert.ok(p.fixes![0]!.preferred, 'the first fix is the preferred one');
    text = applyFix(text, p);
  }
  // What remains is K2: cert auth with sslMode disable is admitted by KubeDB but cannot work; it has no automatic fix.
  assert.deepEqual(validate(text).map(p => p.rule), ['pgpool/cert-auth-ssl-disabled']);
  assert.match(text, /clientAuthMode: cert/);
  assert.match(text, /sslMode: disable\n/);
  assert.match(text, /encoding: PKCS8/);
});

test('quick fixes keep quotes and quote values YAML would not read as strings', () => {
  const quoted = PP.replace('sslMode: disabled', 'sslMode: "Require"').replace('  cientAuthMode: cert\n', '');
  const p = validate(quoted).find(x => x.rule === 'schema/invalid-value' && x.message.includes('sslMode'))!;
  assert.match(applyFix(quoted, p), /sslMode: "require"/);
  const cpo = 'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata: { name: a }\nspec:\n  teamId: acid\n  numberOfInstances: "2"\n  volume: { size: 1Gi }\n  postgresql: { version: 17 }\n';
  const probs = validate(cpo);
  assert.deepEqual(probs.map(x => x.rule), ['schema/wrong-type', 'schema/wrong-type']);
  let fixed = cpo;
  for (const x of [...probs].reverse()) fixed = applyFix(fixed, x);
  assert.match(fixed, /numberOfInstances: 2\n/);
  assert.match(fixed, /version: "17"/);
  assert.deepEqual(validate(fixed), []);
});

test('hover: our description, allowed values, runtime default; the range is the key; values hover too', () => {
  const d = docOf(PP);
  const parsed = service.parse(d);
  const at = PP.indexOf('sslMode') + 3;
  const h = service.hover(d, parsed, at, DEFAULT_SETTINGS)!;
  assert.equal(PP.slice(h.span[0], h.span[1]), 'sslMode');
  assert.match(h.markdown, /\*\*sslMode\*\*/);
  assert.match(h.markdown, /`disable`, `allow`/);
  assert.match(h.markdown, /not disabled/i, 'our own description, with the docs trap');
  const enc = service.hover(d, parsed, PP.indexOf('encoding') + 2, DEFAULT_SETTINGS)!;
  assert.match(enc.markdown, /operator uses `PKCS1` at run time/);
  const value = service.hover(d, parsed, PP.indexOf('cert-manager.io') + 2, DEFAULT_SETTINGS)!;
  assert.equal(PP.slice(value.span[0], value.span[1]), 'apiGroup');
  assert.equal(service.hover(d, parsed, PP.indexOf('cientAuthMode') + 2, DEFAULT_SETTINGS), undefined, 'no hover on an unknown field');
  const unrelated = docOf('apiVersion: apps/v1\nkind: Deployment\nspec: {}\n');
  assert.equal(service.hover(unrelated, service.parse(unrelated), 25, DEFAULT_SETTINGS), undefined);
});

test('completion: keys not yet present (with docs), list items, enum and boolean values', () => {
  const text = `${PP.replace('  cientAuthMode: cert\n', '')}        \n  \n`;
  const d = docOf(text);
  const parsed = service.parse(d);
  const item = service.complete(d, parsed, text.length - 4, DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(item.includes('secretName') && item.includes('dnsNames'), item.join());
  assert.ok(!item.includes('alias') && !item.includes('privateKey'), 'present siblings are not offered');
  const spec = service.complete(d, parsed, text.length - 1, DEFAULT_SETTINGS);
  const labels = spec.map(c => c.label);
  assert.ok(labels.includes('clientAuthMode') && labels.includes('deletionPolicy'), labels.join());
  assert.ok(!labels.includes('sslMode') && !labels.includes('tls'));
  assert.match(spec.find(c => c.label === 'clientAuthMode')!.documentation!, /md5/);
  assert.equal(spec.find(c => c.label === 'clientAuthMode')!.insertText, 'clientAuthMode: ');

  const typing = PP.replace('sslMode: disabled', 'sslMode: ver');
  const dt = docOf(typing);
  const values = service.complete(dt, service.parse(dt), typing.indexOf('sslMode: ver') + 12, DEFAULT_SETTINGS);
  assert.deepEqual(values.map(v => v.label), ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);
  assert.equal(typing.slice(values[0]!.replace![0], values[0]!.replace![1]), 'ver');
  const partialKey = PP.replace('  cientAuthMode: cert\n', '  clie\n');
  const dk = docOf(partialKey);
  const keys = service.complete(dk, service.parse(dk), partialKey.indexOf('clie') + 4, DEFAULT_SETTINGS);
  assert.ok(keys.some(k => k.label === 'clientAuthMode'));
  assert.equal(partialKey.slice(keys[0]!.replace![0], keys[0]!.replace![1]), 'clie');
  const bool = 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c }\nspec:\n  tlsOnly: \n';
  const db = docOf(bool);
  assert.deepEqual(service.complete(db, service.parse(db), bool.indexOf('tlsOnly: ') + 9, DEFAULT_SETTINGS).map(c => c.label), ['true', 'false']);
});

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
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: { name: c1-tls, namespace: db }\ntype: kubernetes.io/tls\nstringData: { tls.crt: a, tls.key: b }\n';

test('workspace: a Secret in another file of env.workspace is found, parsed through the glue\'s cache when it offers one', () => {
  const files = new Map<string, string>([['/ws/secret.yaml', SECRET], ['/ws/other.yaml', 'not: ours\n']]);
  let parsedCalls = 0;
  const svc = testService({
    workspace: {
      roots: () => ['/ws'],
      *files(): Iterable<WorkspaceFile> {
        for (const [p, t] of files) yield { path: p, languageId: 'yaml', version: t.length, text: () => t };
      },
      parsed(f) { parsedCalls++; return svc.parse(docOf(f.text()!, f.path)); },
    },
  });
  assert.deepEqual(validate(CPO, {}, svc, '/ws/cpo.yaml'), []);
  assert.ok(parsedCalls >= 1);
  files.delete('/ws/secret.yaml');
  const notFound = validate(CPO, {}, svc, '/ws/cpo.yaml');
  assert.deepEqual(notFound.map(p => `${p.rule} ${p.severity}`), ['secret/not-found info']);
  assert.match(notFound[0]!.message, /not in the workspace/);
  files.set('/ws/secret.yaml', SECRET.replace('namespace: db', 'namespace: elsewhere'));
  assert.deepEqual(validate(CPO, {}, svc, '/ws/cpo.yaml').map(p => p.rule), ['secret/not-found'], 'another namespace does not count');
});

test('without a workspace index, the YAML files beside the file are the workspace', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-k8s-'));
  fs.writeFileSync(path.join(dir, 'secret.yml'), SECRET);
  assert.deepEqual(validate(CPO, {}, service, path.join(dir, 'cpo.yaml')), []);
  assert.deepEqual(validate(CPO, {}, service, path.join(dir, 'sub', 'cpo.yaml')).map(p => p.rule), ['secret/not-found']);
});

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: perconapgclusters.pgv2.percona.com }
spec:
  group: pgv2.percona.com
  scope: Namespaced
  names: { kind: PerconaPGCluster, plural: perconapgclusters }
  versions:
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [postgresVersion]
              properties:
                postgresVersion: { type: integer, minimum: 12, exclusiveMaximum: true, maximum: 19 }
                tls:
                  type: object
                  properties:
                    certManagementPolicy: { type: string, enum: [auto, userProvidedOnly, operatorProvidedOnly], default: auto }
                config:
                  type: object
                  properties:
                    parameters:
                      type: object
                      additionalProperties: { x-kubernetes-int-or-string: true }
                      x-kubernetes-validations:
                        - rule: '!has(self.ssl) && !self.exists(k, k.startsWith("ssl_"))'
                          message: TLS is always enabled
`;

test('a user\'s CRD for one of our kinds wins over our schema (a newer operator release), with its CEL rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-crd-'));
  const cr = 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c }\nspec:\n  postgresVersion: 17\n  tls: { certManagementPolicy: userProvidedOnly }\n  config:\n    parameters: { ssl_ciphers: HIGH, max_connections: 100 }\n';
  // Our 3.0.0 schema does not know certManagementPolicy (and wants instances and backups).
  assert.ok(validate(cr, {}, service, path.join(dir, 'c.yaml')).some(p => p.rule === 'schema/unknown-field'));
  // With the CRD listed in pgtls.crdPaths (a folder), the CRD decides.
  fs.mkdirSync(path.join(dir, 'crds'));
  fs.writeFileSync(path.join(dir, 'crds', 'percona.yaml'), CRD);
  const got = validate(cr, { crdPaths: [path.join(dir, 'crds')] }, service, path.join(dir, 'c.yaml'));
  assert.deepEqual(got.map(p => describeProblem(cr, p)), ['8:5-8:15 schema/cel-rule']);
  assert.match(got[0]!.message, /TLS is always enabled/);
  const bad = cr.replace('postgresVersion: 17', 'postgresVersion: 19').replace('userProvidedOnly', 'manual');
  assert.deepEqual(validate(bad, { crdPaths: [path.join(dir, 'crds', 'percona.yaml')] }, service, path.join(dir, 'c.yaml')).map(p => p.rule).sort(),
    ['schema/cel-rule', 'schema/invalid-value', 'schema/out-of-range']);
});

test('the precompiled validators are current (run npm run build after changing a schema)', () => {
  assert.equal(fs.readFileSync(OUT, 'utf8'), generate());
});

// ------------------------------------------------------------------------------------------------ editor features (issue 3)

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('hover over a Secret value: every certificate\'s subject, issuer, SANs, validity, key, signature, CA flag, fingerprint', async () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const svc = testService({ now: () => now });
  const from = new Date('2026-01-01T00:00:00Z'); // this test's clock is fixed: so are its certificates' dates
  const ca = await issue({ cn: 'db-ca', ca: true, kind: 'ec384', keyUsage: x509.KeyUsageFlags.keyCertSign, notBefore: from, notAfter: new Date('2027-01-01T00:00:00Z') });
  const leaf = await issue({
    cn: 'c1', issuer: ca, kind: 'rsa', notBefore: from, notAfter: new Date('2026-06-11T12:00:00Z'),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'c1.db.svc' }, { type: 'ip', value: '10.0.0.7' }]), new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1'])],
  });
  const old = await issue({ cn: 'old', notBefore: from, notAfter: new Date('2026-05-29T00:00:00Z') });
  const text = `apiVersion: v1
kind: Secret
metadata: { name: c1-tls, namespace: db }
type: kubernetes.io/tls
data:
  tls.crt: ${b64(leaf.certPem + ca.certPem)}
  tls.key: ${b64(leaf.keyPem)}
  password: ${b64('hunter2')}
  broken: "not base64!"
stringData:
  ca.crt: |
${old.certPem.trimEnd().split('\n').map(l => `    ${l}`).join('\n')}
`;
  const d = docOf(text, '/nonexistent/pgtls-hover/secret.yaml');
  const parsed = svc.parse(d);
  const hoverAt = (needle: string, delta = 3) => svc.hover(d, parsed, text.indexOf(needle) + delta, { ...DEFAULT_SETTINGS, expiryWarningDays: 30 });

  const h = hoverAt(b64(leaf.certPem + ca.certPem).slice(0, 20))!;
  assert.equal(text.slice(h.span[0], h.span[1]), b64(leaf.certPem + ca.certPem), 'the range is the value');
  const md = h.markdown;
  assert.match(md, /`tls\.crt` \(base64-decoded `data`\): 2 certificates/);
  assert.match(md, /\*\*Certificate 1 of 2\*\*\n- Subject: `CN=c1`\n- Issuer: `CN=db-ca`\n- SANs: `DNS:c1\.db\.svc`, `IP:10\.0\.0\.7`/);
  assert.match(md, /- Valid: 2026-01-01T00:00:00Z to 2026-06-11T12:00:00Z: expires in 10 days \(within the 30-day warning period/);
  assert.match(md, /- Key: RSA 2048 bits/);
  assert.match(md, /- Signature: `ecdsa-with-SHA384`/, 'signed by the EC P-384 CA');
  assert.match(md, /- Extended key usage: serverAuth/);
  assert.match(md, /- CA: no\n/);
  assert.match(md, /\*\*Certificate 2 of 2\*\*\n- Subject: `CN=db-ca`\n- Issuer: `CN=db-ca` \(self-issued\)\n- SANs: none/);
  assert.match(md, /- Key: EC P-384 \(secp384r1\)/);
  assert.match(md, /- CA: yes\n/);
  const fp = Buffer.from(await leaf.cert.getThumbprint('SHA-256', (await import('node:crypto')).webcrypto as unknown as Crypto)).toString('hex').toUpperCase().match(/../g)!.join(':');
  assert.ok(md.toUpperCase().includes(`- SHA-256 FINGERPRINT: \`${fp}\``), 'the leaf\'s SHA-256 fingerprint');

  // A private key: its type and size, never its material.
  const k = hoverAt(b64(leaf.keyPem).slice(0, 20))!;
  assert.match(k.markdown, /`tls\.key` \(base64-decoded `data`\): \*\*private key\*\* · RSA 2048 bits \(`PRIVATE KEY`\)/);
  const keyBody = leaf.keyPem.split('\n')[1]!.slice(0, 16);
  assert.ok(!k.markdown.includes(keyBody) && !k.markdown.includes(b64(leaf.keyPem).slice(0, 16)) && !/BEGIN/.test(k.markdown), 'no key material');

  // stringData, an expired certificate.
  const e = hoverAt('-----BEGIN CERTIFICATE-----', 5)!;
  assert.match(e.markdown, /`ca\.crt` \(`stringData`\): 1 certificate\n\n\*\*Certificate\*\*/);
  assert.match(e.markdown, /\*\*expired 3 days ago\*\*/);

  // Not a certificate or key, not base64, the key instead of the value: the field's ordinary hover (or none).
  for (const [needle, delta] of [[b64('hunter2'), 2], ['not base64!', 2], ['tls.crt:', 2]] as const) {
    const other = hoverAt(needle, delta);
    assert.ok(!other || !/certificate|private key/i.test(other.markdown.split('\n')[0]!), `${needle}: ${other?.markdown}`);
  }
  // A Secret of some other apiVersion is not a Secret.
  const fake = text.replace('apiVersion: v1', 'apiVersion: example.com/v1');
  const df = docOf(fake);
  assert.equal(svc.hover(df, svc.parse(df), fake.indexOf(b64(leaf.certPem + ca.certPem)) + 3, DEFAULT_SETTINGS), undefined);
  // Not yet valid.
  const future = await issue({ cn: 'future', notBefore: new Date('2026-06-04T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') });
  const ft = `apiVersion: v1\nkind: Secret\nmetadata: { name: f }\ndata: { tls.crt: ${b64(future.certPem)} }\n`;
  const dft = docOf(ft);
  assert.match(svc.hover(dft, svc.parse(dft), ft.indexOf('tls.crt: ') + 12, DEFAULT_SETTINGS)!.markdown, /\*\*not valid yet\*\* \(starts in 3 days\)/);
});

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
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
                sslMode: { type: string, enum: [disable, require], description: How the widget talks TLS. }
                replicas: { type: integer, description: Number of widgets. }
                enabled: { type: boolean }
`;

test('hover and completion for a kind a user\'s CRD defines (CRD in the same file, and in a sibling file)', () => {
  const cr = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec:\n  sslMode: require\n  \n';
  const text = `${WIDGET_CRD}---\n${cr}`;
  const p = '/nonexistent/pgtls-crd-features/w.yaml';
  const d = docOf(text, p);
  const parsed = service.parse(d);
  const h = service.hover(d, parsed, text.indexOf('sslMode: require') + 2, DEFAULT_SETTINGS)!;
  assert.equal(text.slice(h.span[0], h.span[1]), 'sslMode');
  assert.match(h.markdown, /How the widget talks TLS/);
  assert.match(h.markdown, /Allowed values: `disable` and `require`/);
  const kindHover = service.hover(d, parsed, text.lastIndexOf('kind: Widget') + 2, DEFAULT_SETTINGS)!;
  assert.match(kindHover.markdown, /Widget \(CRD widgets\.example\.com\)/);
  const keys = service.complete(d, parsed, text.length - 1, DEFAULT_SETTINGS).map(c => c.label);
  assert.deepEqual(keys.sort(), ['enabled', 'replicas'], 'sslMode is present already');
  const typing = text.replace('sslMode: require', 'sslMode: re');
  const dt = docOf(typing, p);
  assert.deepEqual(service.complete(dt, service.parse(dt), typing.indexOf('sslMode: re') + 11, DEFAULT_SETTINGS).map(c => c.label), ['disable', 'require']);

  // The CRD in a sibling file (no workspace index: the files beside the document).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-crd-features-'));
  fs.writeFileSync(path.join(dir, 'crd.yaml'), WIDGET_CRD);
  const dc = docOf(cr, path.join(dir, 'w.yaml'));
  const pc = service.parse(dc);
  assert.match(service.hover(dc, pc, cr.indexOf('sslMode') + 1, DEFAULT_SETTINGS)!.markdown, /How the widget talks TLS/);
  assert.deepEqual(service.complete(dc, pc, cr.length - 1, DEFAULT_SETTINGS).map(c => c.label).sort(), ['enabled', 'replicas']);
  // Without the CRD: nothing (the kind is unknown).
  const alone = docOf(cr, '/nonexistent/pgtls-crd-features/alone.yaml');
  assert.equal(service.hover(alone, service.parse(alone), cr.indexOf('sslMode') + 1, DEFAULT_SETTINGS), undefined);
  assert.deepEqual(service.complete(alone, service.parse(alone), cr.length - 1, DEFAULT_SETTINGS), []);
  // A broken CRD (wrong types everywhere) gives nothing, never a throw.
  const broken = `${WIDGET_CRD.replace('openAPIV3Schema:\n', 'openAPIV3Schema: 3\n  x:\n')}---\n${cr}`;
  const db = docOf(broken, p);
  assert.equal(service.hover(db, service.parse(db), broken.indexOf('sslMode: require') + 2, DEFAULT_SETTINGS), undefined);
});
