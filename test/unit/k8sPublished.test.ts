/**
 * No false errors on published examples (issue 3): test/fixtures/published/ holds our own manifests modelled on the
 * example manifests that the three operators' docs and repositories publish (each names its model in a `#=` note).
 * Each is validated alone, the way a new user applies that one file: it must produce no error at all, and exactly the
 * warnings and infos written inline under it (each with a `#=` justification). The same runs again with the upstream
 * CRDs as the user's own (`pgtls.crdPaths`), since many workspaces hold the operators' CRDs, which then take over.
 *
 * The fixtures sit outside test/fixtures/<scope>/<rule>/{ok,bad}/, so the rule fixture suite does not read them.
 */
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, check, describeProblem, expectations, testService } from '../helpers';
import type { Settings } from '../../server/src/core/types';

const DIR = path.join(ROOT, 'test/fixtures/published');
const CRD_DIR = path.resolve(ROOT, '..', 'shared', 'reference', 'crds');
const FILES = fs.readdirSync(DIR).filter(f => f.endsWith('.yaml')).sort();
const service = testService();
// An empty folder: the file is validated alone (no sibling files to find Secrets or Issuers in).
const ALONE = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-published-'));

/** The upstream CRDs a user of each operator would have (reading all of them for every file only costs time). */
const CERT_MANAGER = ['cert-manager.io_certificates.yaml', 'cert-manager.io_issuers.yaml', 'cert-manager.io_clusterissuers.yaml'];
const crdsFor = (file: string): string[] => (file.startsWith('kubedb-') ? ['kubedb.com_pgpools.yaml', ...CERT_MANAGER]
  : file.startsWith('percona-') ? ['pgv2.percona.com_perconapgclusters.yaml', ...CERT_MANAGER]
    : file.startsWith('cpo-') ? ['cpo.opensource.cybertec.at_postgresqls.yaml', ...CERT_MANAGER] : [...CERT_MANAGER])
  .map(c => path.join(CRD_DIR, c));

function run(file: string, text: string, settings: Partial<Settings> = {}) {
  const problems = check(service, path.join(ALONE, file), text, settings);
  return { problems, got: problems.map(p => describeProblem(text, p)).sort() };
}

const show = (text: string, ps: ReturnType<typeof run>['problems']) =>
  ps.map(p => `${p.severity} ${describeProblem(text, p)}: ${p.message}`).join('\n');

describe('published examples', () => {
  test('there are examples for each operator and for cert-manager, each naming the upstream example it models', () => {
    for (const prefix of ['kubedb-', 'percona-', 'cpo-']) assert.ok(FILES.some(f => f.startsWith(prefix)), `no ${prefix}* example`);
    assert.ok(FILES.some(f => /kind: Issuer/.test(fs.readFileSync(path.join(DIR, f), 'utf8'))), 'no cert-manager Issuer in any example');
    for (const f of FILES) {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      assert.match(text, /^#= Models .+\([\w.-]+\/[\w.-]+[ :,]/m, `${f} must say which upstream example it models (owner/repository: path)`);
    }
  });

  for (const f of FILES) {
    const text = fs.readFileSync(path.join(DIR, f), 'utf8');
    test(`${f}: no error, only the expected warnings and infos`, () => {
      const { problems, got } = run(f, text);
      assert.deepEqual(problems.filter(p => p.severity === 'error').map(p => `${p.rule}: ${p.message}`), [], show(text, problems));
      assert.deepEqual(got, expectations(text).sort(), show(text, problems));
    });
  }

  const absent = fs.existsSync(CRD_DIR) ? false : `SKIPPED: no upstream CRDs at ${CRD_DIR}`;
  for (const f of FILES) {
    const text = fs.readFileSync(path.join(DIR, f), 'utf8');
    test(`${f}: the same with the upstream CRDs in the workspace`, { skip: absent }, () => {
      const { problems, got } = run(f, text, { crdPaths: crdsFor(f) });
      assert.deepEqual(problems.filter(p => p.severity === 'error').map(p => `${p.rule}: ${p.message}`), [], show(text, problems));
      assert.deepEqual(got, expectations(text).sort(), show(text, problems));
    });
  }
});

describe('CRD defaults are applied before required (Percona pmm.querySource)', () => {
  const file = 'percona-cr.yaml';
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  const absent = fs.existsSync(CRD_DIR) ? false : `SKIPPED: no upstream CRDs at ${CRD_DIR}`;

  test('the deploy/cr.yaml model has a pmm block without querySource (the field is required and has a default)', () => {
    assert.match(text, /^ {2}pmm:\n(?: {4}.*\n)+/m);
    assert.doesNotMatch(text, /^\s*querySource:/m);
  });

  for (const [name, settings] of [['our schema', {}], ['the upstream CRD', { crdPaths: crdsFor(file) }]] as const) {
    test(`no missing-field for the defaulted querySource, with ${name}`, { skip: name === 'the upstream CRD' && absent }, () => {
      const { problems } = run(file, text, settings);
      assert.deepEqual(problems.filter(p => p.rule === 'schema/missing-field').map(p => p.message), []);
    });

    test(`a required pmm field without a default is still reported, with ${name}`, { skip: name === 'the upstream CRD' && absent }, () => {
      const without = text.replace(/^ {4}secret: .*\n/m, '');
      assert.notEqual(without, text);
      const { problems } = run(file, without, settings);
      const missing = problems.filter(p => p.rule === 'schema/missing-field');
      assert.equal(missing.length, 1, show(without, problems));
      assert.equal(missing[0]!.severity, 'error');
      assert.match(missing[0]!.message, /"spec\.pmm" needs "secret"/);
      assert.equal(without.slice(missing[0]!.span[0], missing[0]!.span[1]), 'pmm', 'reported on the key of the object that lacks it');
    });

    test(`an empty querySource (null) is pruned and then defaulted, as the API server does, with ${name}`, { skip: name === 'the upstream CRD' && absent }, () => {
      const empty = text.replace(/^( {4}serverHost: .*\n)/m, '$1    querySource:\n');
      assert.notEqual(empty, text);
      const { problems } = run(file, empty, settings);
      assert.deepEqual(problems.map(p => `${p.rule}: ${p.message}`), [], show(empty, problems));
    });

    test(`a wrong querySource value is still an error (the default fills only absence), with ${name}`, { skip: name === 'the upstream CRD' && absent }, () => {
      const wrong = text.replace(/^( {4}serverHost: .*\n)/m, '$1    querySource: pg_stat_statements\n');
      assert.notEqual(wrong, text);
      const { problems } = run(file, wrong, settings);
      assert.ok(problems.some(p => p.rule === 'schema/invalid-value' && /querySource/.test(p.message)), show(wrong, problems));
    });
  }
});
