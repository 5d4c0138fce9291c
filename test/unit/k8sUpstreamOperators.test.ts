/**
 * Zalando's postgres-operator (`acid.zalan.do/v1` `postgresql`) and Crunchy PGO v5 (`PostgresCluster` v1beta1), the
 * upstreams of CPO and Percona (issue 10): hover and completion from our schemas, the fields only the fork has
 * rejected, and the Secret key checks they share with their forks, through the façade.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type SourceDocument } from '../../server/src/core/types';
import { describeProblem, testService } from '../helpers';

const service = testService();
const docOf = (text: string): SourceDocument => ({ path: '/nonexistent/pgtls-upstream/c.yaml', text, languageId: 'yaml', version: 1 });
const findings = (text: string) => {
  const d = docOf(text);
  return service.validate(d, service.parse(d), DEFAULT_SETTINGS).map(p => `${p.rule} ${describeProblem(text, p)}`);
};

const PGO = `apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: { name: hippo, namespace: pg }
spec:
  postgresVersion: 17
  instances: [{ dataVolumeClaimSpec: {} }]
  customTLSSecret: { name: hippo-tls }
  
`;

const ZALANDO = `apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: { name: acid-main, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  spiloFSGroup: 103
  tls:
    secretName: acid-tls
    
`;

test('hover: our descriptions for the PGO and Zalando TLS fields', () => {
  const d = docOf(PGO);
  const h = service.hover(d, service.parse(d), PGO.indexOf('customTLSSecret') + 3, DEFAULT_SETTINGS)!;
  assert.equal(PGO.slice(h.span[0], h.span[1]), 'customTLSSecret');
  assert.match(h.markdown, /customReplicationTLSSecret/);
  assert.match(h.markdown, /<cluster>-primary/);
  const z = docOf(ZALANDO);
  const hz = service.hover(z, service.parse(z), ZALANDO.indexOf('secretName') + 3, DEFAULT_SETTINGS)!;
  assert.match(hz.markdown, /empty string passes the CRD/);
});

test('completion: the missing twin under a PostgresCluster spec, caFile and caSecretName under a Zalando tls', () => {
  const d = docOf(PGO);
  const labels = service.complete(d, service.parse(d), PGO.length - 1, DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(labels.includes('customReplicationTLSSecret') && labels.includes('proxy'), labels.join());
  assert.ok(!labels.includes('customTLSSecret') && !labels.includes('secrets') && !labels.includes('tlsOnly'), 'Percona-only fields are not PGO\'s');
  const z = docOf(ZALANDO);
  const zl = service.complete(z, service.parse(z), ZALANDO.length - 1, DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(zl.includes('caFile') && zl.includes('caSecretName') && zl.includes('certificateFile'), zl.join());
});

test('fields only the fork has are unknown upstream: CPO\'s tde and monitor, Percona\'s secrets and tlsOnly', () => {
  const z = findings(ZALANDO.replace('  spiloFSGroup: 103\n', '  spiloFSGroup: 103\n  tde: { enable: true }\n  monitor: { image: x }\n'));
  assert.equal(z.filter(f => f.startsWith('schema/unknown-field')).length, 2, z.join('\n'));
  const p = findings(PGO.replace('  customTLSSecret: { name: hippo-tls }\n', '  tlsOnly: true\n  secrets: { customTLSSecret: { name: x } }\n'));
  assert.equal(p.filter(f => f.startsWith('schema/unknown-field')).length, 2, p.join('\n'));
});

test('Secret keys: PGO needs tls.crt, tls.key and ca.crt; Zalando the certificateFile/privateKeyFile defaults', () => {
  const secret = (name: string, ns: string, keys: string[]) =>
    `---\napiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: ${ns} }\nstringData: { ${keys.map(k => `${k}: x`).join(', ')} }\n`;
  const pgo = findings(PGO.replace('{ name: hippo-tls }', '{ name: hippo-tls }\n  customReplicationTLSSecret: { name: hippo-repl }') + secret('hippo-tls', 'pg', ['tls.crt', 'tls.key']) + secret('hippo-repl', 'pg', ['tls.crt', 'tls.key', 'ca.crt']));
  const missing = pgo.filter(f => f.startsWith('secret/missing-key'));
  assert.equal(missing.length, 1, pgo.join('\n'));
  assert.match(missing[0]!, / 7:28-7:37 /, 'on customTLSSecret.name (hippo-tls lacks ca.crt)');
  const z = findings(ZALANDO + secret('acid-tls', 'db', ['tls.crt']));
  assert.deepEqual(z.filter(f => f.startsWith('secret/missing-key')).length, 1, z.join('\n'));
});
