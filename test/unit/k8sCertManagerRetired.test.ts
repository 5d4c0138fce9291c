/**
 * cert-manager look-alikes (issue 10, corpus CM-5 and CM-8): which apiVersions of cert-manager's kinds no release since
 * 1.7 serves, and when `<service>.<namespace>` counts as an in-cluster name an ACME CA refuses.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { retiredApiVersion } from '../../server/src/languages/k8s/detect';
import { privateDnsReason } from '../../server/src/languages/k8s/check/acme';

test('retiredApiVersion: removed versions, the pre-0.11 group and misspelt groups; v1 and other kinds or groups are not', () => {
  for (const [v, k] of [['cert-manager.io/v1alpha2', 'Certificate'], ['cert-manager.io/v1alpha3', 'Issuer'], ['cert-manager.io/v1beta1', 'CertificateRequest'],
    ['certmanager.k8s.io/v1alpha1', 'ClusterIssuer'], ['certmanager.io/v1alpha2', 'ClusterIssuer'], ['cert-manager.k8s.io/v1', 'Certificate'], ['cert-manager.io/v2', 'Certificate']]) {
    assert.ok(retiredApiVersion(v, k), `${v} ${k}`);
  }
  for (const [v, k] of [['cert-manager.io/v1', 'Certificate'], ['acme.cert-manager.io/v1alpha2', 'Order'], ['certmanager.io/v1', 'Secret'],
    ['certmanager.example.com/v1', 'Certificate'], ['v1', 'Certificate'], [undefined, 'Issuer'], ['cert-manager.io/v1alpha2', undefined]]) {
    assert.equal(retiredApiVersion(v, k), undefined, `${v} ${k}`);
  }
});

test('privateDnsReason: <service>.<namespace> is a Service name only when the list also asks for its .svc form', () => {
  assert.match(privateDnsReason('pg.db', 'db', ['pg', 'pg.db', 'pg.db.svc'])!, /namespace `db`/);
  assert.ok(privateDnsReason('pg.db', 'db', ['pg.db.svc.cluster.local']));
  assert.equal(privateDnsReason('reports.dev', 'dev', ['reports.dev']), undefined);
  assert.equal(privateDnsReason('pg.db', 'other', ['pg.db.svc']), undefined);
  assert.equal(privateDnsReason('pg.db'), undefined);
});
