/**
 * YAML arbitraries: multi-document files whose documents are real resource skeletons (Secret, PerconaPGCluster,
 * PostgresCluster, KubeDB Pgpool and Postgres, CPO/Zalando postgresql, cert-manager Certificate and Issuer, ConfigMap)
 * with mutated fields, written by the yaml library in block or flow style with every scalar style (shared objects
 * become anchors and aliases); fixture documents with replaced scalars; raw YAML oddities (anchors, merge keys, tags,
 * directives, block scalars, tabs); PEM-ish values from real certificates, damaged ones and junk; embedded pgpool.conf
 * and pg_hba texts.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { fixtureLines, fixtureYamlDocuments } from './corpus';
import { hbaLine, pgpoolConfLine } from './lines';
import { applyMutations, documentArb, hostileString, longRun, mutationArb, word } from './text';
import { damagedPem, type World } from './world';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Scalars that trip YAML readers and the checks behind them. */
const ODD_SCALARS = ['', '~', 'null', '[]', '{}', '[a, b', '{a: b', '*a', '&a x', '!!binary AAEC', '!!str 1', '!custom x', '|', '>-', '"\\u0000"', '"\\x00\\xff"',
  "'it''s'", '"unterminated', '0x1F', '1e309', '-.inf', '.nan', 'true', 'yes', 'on', 'no', '2024-01-01', '12:30', '"${VAR}"', '{{ .Values.x }}',
  "'{{ include \"x\" . }}'", '\u{1F600}', 'é', '- a', '? x', ': y', '#', '%', '@x', '`x`', '"a\\\nb"', '|\n  a\n  b', '>\n  folded\n  text'];

export interface YamlMaterial {
  pem: fc.Arbitrary<string>;
  scalar: fc.Arbitrary<unknown>;
  name: fc.Arbitrary<unknown>;
}

function material(world: World): YamlMaterial {
  const real = fc.oneof(pick(world.certs), pick(world.keys));
  const pem = fc.oneof(
    w(4, real),
    w(2, fc.tuple(pick(world.certs), fc.nat()).map(([c, at]) => damagedPem(c, at))),
    w(1, fc.tuple(pick(world.certs), pick(world.certs)).map(([a, b]) => a + b)),
    w(1, fc.tuple(pick(['CERTIFICATE', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'X509 CRL', 'TRUSTED CERTIFICATE', 'FOO']), fc.base64String({ maxLength: 200 }))
      .map(([l, body]) => `-----BEGIN ${l}-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END ${l}-----\n`)),
    w(1, fc.tuple(real, fc.nat()).map(([p, n]) => p.slice(0, n % p.length))),
    w(1, pick(['-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nAAAA', 'not a pem', '', 'Proc-Type: 4,ENCRYPTED'])),
  );
  const scalar: fc.Arbitrary<unknown> = fc.oneof(
    w(4, pick(ODD_SCALARS)), w(2, word), w(1, hostileString), w(1, longRun.map(s => s.slice(0, 3000))),
    w(1, fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.double(), fc.boolean(), fc.constant(null))),
    w(1, pick([[], {}, ['a', { b: 1 }], { a: { b: [1, 2] } }])),
  );
  const name = fc.oneof(w(6, pick(['tls-secret', 'ca-secret', 'c1', 'c1-tls', 'c1-ca', 'pg-ca', 'ca', 'selfsigned', 'pp', 'ha-postgres', 'demo', 'cluster1-ssl'])), w(1, scalar));
  return { pem, scalar, name };
}

/** A value slot: mostly of the expected kind, sometimes any scalar or structure (the wrong type). */
const slot = <T>(m: YamlMaterial, own: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(w(6, own), w(1, m.scalar));

/** A record whose fields each may be left out. */
function some(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields, { requiredKeys: [] });
}

function resources(m: YamlMaterial): fc.Arbitrary<Record<string, unknown>>[] {
  const meta = fc.record({ name: m.name, namespace: fc.oneof(pick(['default', 'demo', 'db']), m.scalar) }, { requiredKeys: ['name'] });
  const hbaList = fc.array(slot(m, hbaLine('pg-hba')), { maxLength: 5 });
  const sslMode = slot(m, pick(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'disabled']));
  const issuerRef = some({ name: m.name, kind: slot(m, pick(['Issuer', 'ClusterIssuer', 'Other'])), group: slot(m, pick(['cert-manager.io', 'cert-manager.io/v1', ''])), apiGroup: slot(m, pick(['cert-manager.io'])) });
  const secretRef = some({ name: m.name, items: fc.array(some({ key: slot(m, pick(['tls.crt', 'ca.crt', 'root.crt', 'tls.key'])), path: m.scalar }), { maxLength: 2 }) });
  const pemMap = some({ 'tls.crt': m.pem, 'tls.key': m.pem, 'ca.crt': m.pem, 'ca.key': m.pem, 'root.crt': m.pem });
  const pgParams = some({ ssl: slot(m, pick(['on', 'off', true, false])), ssl_min_protocol_version: slot(m, pick(['TLSv1.2', 'TLSv1.3', 'TLSv1'])), password_encryption: slot(m, pick(['md5', 'scram-sha-256'])), ssl_ca_file: m.scalar });
  const resource = (apiVersion: fc.Arbitrary<unknown>, kind: string, spec: fc.Arbitrary<unknown>, extra: Record<string, fc.Arbitrary<unknown>> = {}) =>
    fc.record({ apiVersion, kind: fc.constant(kind), metadata: meta, spec, ...extra }, { requiredKeys: ['apiVersion', 'kind'] });
  const conf = documentArb(pgpoolConfLine(), 8);
  const hbaText = documentArb(hbaLine('pg-hba'), 6);
  return [
    fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Secret'), metadata: fc.record({ name: m.name, annotations: some({ 'cert-manager.io/certificate-name': m.name }) }, { requiredKeys: ['name'] }),
      type: slot(m, pick(['kubernetes.io/tls', 'Opaque'])),
      data: fc.oneof(pemMap.map(o => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? b64(v) : v]))), some({ 'tls.crt': m.scalar, 'ca.crt': fc.base64String() })),
      stringData: fc.oneof(pemMap, some({ 'user_hba.conf': hbaText, 'pgpool.conf': conf, 'tls.crt': m.pem })) }, { requiredKeys: ['apiVersion', 'kind'] }),
    resource(pick(['pgv2.percona.com/v2', 'pg.percona.com/v1']), 'PerconaPGCluster', some({
      crVersion: slot(m, pick(['2.3.0', '2.5.0', '2.7.0', '1.6.0'])), postgresVersion: slot(m, fc.integer({ min: 11, max: 19 })), tlsOnly: slot(m, fc.boolean()),
      secrets: some({ customTLSSecret: secretRef, customReplicationTLSSecret: secretRef, customRootCATLSSecret: secretRef }),
      instances: fc.array(some({ name: m.name, replicas: slot(m, fc.integer({ min: 0, max: 5 })) }), { maxLength: 3 }),
      authentication: some({ rules: fc.array(fc.oneof(some({ hba: slot(m, hbaLine('pg-hba')) }), some({ connection: slot(m, pick(['host', 'hostssl', 'local'])), databases: fc.array(m.name, { maxLength: 2 }), users: fc.array(m.name, { maxLength: 2 }), method: slot(m, pick(['md5', 'scram-sha-256', 'cert', 'trust'])), options: some({ clientcert: m.scalar }) })), { maxLength: 3 }) }),
      patroni: some({ dynamicConfiguration: some({ postgresql: some({ parameters: pgParams, pg_hba: hbaList }) }) }),
      proxy: some({ pgBouncer: some({ replicas: m.scalar, config: some({ global: some({ client_tls_sslmode: sslMode }) }) }) }),
    })),
    resource(pick(['postgres-operator.crunchydata.com/v1beta1']), 'PostgresCluster', some({
      postgresVersion: slot(m, fc.integer({ min: 11, max: 18 })), customTLSSecret: secretRef, customReplicationTLSSecret: secretRef,
      instances: fc.array(some({ name: m.name }), { maxLength: 2 }), patroni: some({ dynamicConfiguration: some({ postgresql: some({ pg_hba: hbaList, parameters: pgParams }) }) }),
    })),
    resource(pick(['kubedb.com/v1alpha2', 'kubedb.com/v1']), 'Pgpool', some({
      version: slot(m, pick(['4.5.0', '4.6.0', '4.4.5', '9.9'])), replicas: m.scalar, postgresRef: some({ name: m.name, namespace: m.name }), sslMode, clientAuthMode: slot(m, pick(['md5', 'scram', 'cert', 'Scram'])),
      tls: some({ issuerRef, certificates: fc.array(some({ alias: slot(m, pick(['server', 'client', 'metrics-exporter', 'nope'])), dnsNames: fc.array(m.name, { maxLength: 2 }), subject: some({ organizations: fc.array(m.scalar, { maxLength: 1 }) }) }), { maxLength: 2 }) }),
      configuration: some({ inline: some({ 'pgpool.conf': conf }), secretName: m.name }), configSecret: some({ name: m.name }),
    })),
    resource(pick(['kubedb.com/v1', 'kubedb.com/v1alpha1']), 'Postgres', some({ version: slot(m, pick(['16.1', '15.5'])), sslMode, clientAuthMode: slot(m, pick(['md5', 'scram', 'cert'])), tls: some({ issuerRef }), configSecret: some({ name: m.name }) })),
    resource(pick(['cpo.opensource.cybertec.at/v1', 'acid.zalan.do/v1']), 'postgresql', some({
      teamId: slot(m, pick(['acid', 'c1'])), numberOfInstances: slot(m, fc.integer({ min: 0, max: 3 })), enableConnectionPooler: slot(m, fc.boolean()), spiloFSGroup: m.scalar,
      postgresql: some({ version: slot(m, pick(['13', '15', '16', '17', '9.6'])), parameters: pgParams }),
      tls: some({ secretName: m.name, caFile: slot(m, pick(['ca.crt', 'tls.crt'])), caSecretName: m.name, certificateFile: m.scalar, privateKeyFile: m.scalar }),
      patroni: some({ pg_hba: hbaList }), volume: some({ size: slot(m, pick(['1Gi'])) }),
    })),
    resource(pick(['cert-manager.io/v1', 'cert-manager.io/v1alpha2', 'certmanager.k8s.io/v1alpha1']), 'Certificate', some({
      secretName: m.name, commonName: slot(m, pick(['db.example', 'c1', 'x'.repeat(70)])), dnsNames: fc.array(slot(m, pick(['c1', 'c1.db.svc', '*.example.com', 'localhost'])), { maxLength: 3 }),
      ipAddresses: fc.array(slot(m, pick(['127.0.0.1', '10.0.0.1', 'not-an-ip', '::1'])), { maxLength: 2 }), duration: slot(m, pick(['2160h', '1h', '30m', '90d', '8760h0m0s'])),
      renewBefore: slot(m, pick(['360h', '1m', '5m', '9000h'])), isCA: slot(m, fc.boolean()), issuerRef,
      privateKey: some({ algorithm: slot(m, pick(['RSA', 'ECDSA', 'Ed25519'])), size: slot(m, pick([256, 384, 521, 1024, 2048, 4096, 0])), encoding: slot(m, pick(['PKCS1', 'PKCS8'])) }),
      usages: fc.array(slot(m, pick(['server auth', 'client auth', 'digital signature', 'key encipherment'])), { maxLength: 3 }),
    })),
    resource(pick(['cert-manager.io/v1']), 'Issuer', fc.oneof(some({ ca: some({ secretName: m.name }) }), fc.constant({ selfSigned: {} }), some({ acme: some({ server: m.scalar, privateKeySecretRef: some({ name: m.name }), solvers: fc.array(fc.constant({ http01: { ingress: {} } }), { maxLength: 2 }) }) }), m.scalar)),
    fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: meta, data: some({ 'pgpool.conf': conf, 'pg_hba.conf': hbaText, PGSSLMODE: sslMode, 'postgres-ha.yaml': m.scalar }) }),
  ];
}

const STYLE = fc.record({
  collectionStyle: pick(['any', 'block', 'flow'] as const),
  defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const),
  indent: pick([2, 2, 1, 4]),
  lineWidth: pick([80, 0, 20]),
  indentSeq: fc.boolean(),
});

/** Raw YAML lines that the yaml library's writer never produces. */
const RAW = ['a: &x {b: 1}', 'c: *x', '<<: *x', '- &y [1, 2]', '- *y', '? complex key', ': v', '%TAG ! tag:x,2000:', '%YAML 1.1', 'key: !!binary |', '  AAEC',
  '"unterminated', 'a: b: c', '\t- tab', '- - -', '{a: [b, {c: d}]}', 'x: |+', '', '...', 'kind: Secret', 'apiVersion: v1', 'metadata: {name: *x}', 'data:', "  tls.crt: 'LS0t'",
  'spec: &spec', '  tls: *spec', 'spec: *undefined', 'k: [&a a, *a, *a]', '*a : b', 'stringData: {tls.crt: !!str 1}', '- !!map {}', 'a:', '  - b', ' - c'];

export function yamlFileArb(world: World): fc.Arbitrary<string> {
  const m = material(world);
  const generated = fc.tuple(fc.oneof(...resources(m)), STYLE, fc.boolean())
    .map(([obj, style, shareMeta]) => {
      // the same object twice: the writer turns it into an anchor and an alias
      const value = shareMeta && obj.metadata && typeof obj.spec === 'object' && obj.spec ? { ...obj, spec: { ...(obj.spec as object), alias: obj.metadata } } : obj;
      try { return stringify(value, { ...style, aliasDuplicateObjects: true }); } catch { return stringify(value); }
    });
  const fixtureDoc = fc.tuple(pick(fixtureYamlDocuments()), fc.array(fc.tuple(fc.nat(), m.scalar), { maxLength: 3 }), fc.array(mutationArb, { maxLength: 2 }))
    .map(([doc, replacements, mutations]) => applyMutations(replaceScalars(doc, replacements), mutations));
  const raw = fc.array(fc.oneof(w(3, pick(RAW)), w(2, pick(fixtureLines('yaml'))), w(1, hostileString)), { maxLength: 12 }).map(ls => ls.join('\n'));
  const doc = fc.oneof(w(5, generated), w(4, fixtureDoc), w(1, raw));
  return fc.record({
    bom: fc.oneof(w(12, fc.constant('')), w(1, fc.constant('\uFEFF'))),
    head: pick(['', '', '', '---\n', '%YAML 1.2\n---\n', '# comment\n']),
    docs: fc.array(doc, { minLength: 1, maxLength: 4 }),
    seps: fc.array(pick(['---\n', '---\n', '\n---\n', '--- # c\n', '...\n---\n', '--- |\n', '---']), { minLength: 3, maxLength: 3 }),
    crlf: fc.oneof(w(6, fc.constant(false)), w(1, fc.constant(true))),
    mutations: fc.oneof(w(3, fc.constant([])), w(1, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))),
  }).map(f => {
    let text = f.bom + f.head + f.docs.map((d, i) => (i ? f.seps[(i - 1) % 3]! : '') + (d.endsWith('\n') || !d ? d : d + '\n')).join('');
    if (f.crlf) text = text.replace(/\r?\n/g, '\r\n');
    return applyMutations(text, f.mutations);
  });
}

/** Replaces the value after `key: ` on the n-th such line with a scalar (written plainly, as people write them). */
function replaceScalars(doc: string, replacements: readonly [number, unknown][]): string {
  const lines = doc.split('\n');
  const slots = lines.map((l, i) => (/^\s*(- )?[\w.-]+:\s+\S/.test(l) ? i : -1)).filter(i => i >= 0);
  if (!slots.length) return doc;
  for (const [n, value] of replacements) {
    const i = slots[n % slots.length]!;
    const l = lines[i]!;
    const colon = l.indexOf(': ');
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
    const indent = ' '.repeat(l.length - l.trimStart().length + 2);
    lines[i] = `${l.slice(0, colon + 2)}${text.replace(/\n/g, `\n${indent}`)}`;
  }
  return lines.join('\n');
}
