/**
 * The YAML snippets (snippets/yaml.json, offered by the language server's completion where a resource starts): every body, with its placeholders at their
 * defaults (and with each alternative of every choice), validates with no error and no warning.
 *
 * Design: the snippets hold the resources and their cert-manager Issuers, never Secret documents. A Secret stub with
 * fake data would be wrong content (and flagged as such), and a Secret with real certificates cannot live in a
 * snippet. Where a snippet names a Secret, inserting it alone leaves exactly the infos listed in ALONE below (the
 * Secret "is not in the workspace", with a quick fix that runs the palette command); running "PG TLS: Create Complete
 * TLS Set for This Resource" on the resource writes Secrets with exactly the names the snippet uses, after which the
 * folder validates with no problem at all (the second half of this file runs that command for real).
 */
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, check, describeProblem, expandSnippet, testEnv, testService } from '../helpers';
import { runCertCommand } from '../../server/src/node/certCommands';
import type { Problem, Settings } from '../../server/src/core/types';
import { normalizeSettings } from '../../server/src/core/settings';

interface Snippet { prefix: string | string[]; body: string | string[]; description: string }
const testSettings = (): Settings => normalizeSettings({});

const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/yaml.json'), 'utf8')) as Record<string, Snippet>;
const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const service = testService();
const env = testEnv();
const CRD_DIR = path.resolve(ROOT, '..', 'shared', 'reference', 'crds');

/**
 * The only findings a snippet may produce when inserted into an otherwise empty folder: infos, each justified.
 * Anything else (an error, a warning, another info) fails the test.
 */
const ALONE: Record<string, string[]> = {
  'KubeDB Pgpool with TLS from a cert-manager CA Issuer': [],
  // The Secrets are made by the palette command (or kubectl); each note carries the quick fix that runs it.
  'Percona PerconaPGCluster with custom TLS, replication and root CA Secrets': ['secret/not-found', 'secret/not-found', 'secret/not-found'],
  // The TLS Secret is made by the palette command (or kubectl); the note carries the quick fix that runs it.
  'CYBERTEC postgresql with custom TLS (one Secret)': ['secret/not-found'],
  'CYBERTEC postgresql with custom TLS (CA in its own Secret)': ['secret/not-found'],
  'cert-manager CA: self-signed root and CA Issuer': [],
  // Issue 10, the upstreams: Zalando's Secret reference is CPO's, PGO's Percona's (notes with the quick fix).
  'Zalando postgresql with custom TLS (one Secret)': ['secret/not-found'],
  'Crunchy PGO PostgresCluster with custom TLS and replication Secrets': ['secret/not-found', 'secret/not-found'],
  'cert-manager server Certificate for PostgreSQL': [],
  'cert-manager client Certificate for certificate authentication': [],
};

/** Validates `text` as the file `name` in `dir` (its siblings are the folder's other YAML files). */
function validate(dir: string, name: string, text: string, settings: Partial<Settings> = {}): Problem[] {
  return check(service, path.join(dir, name), text, settings);
}

const show = (text: string, ps: Problem[]) => ps.map(p => `${p.severity} ${describeProblem(text, p)}: ${p.message}`).join('\n') || '(none)';
const loud = (ps: Problem[]) => ps.filter(p => p.severity === 'error' || p.severity === 'warning');

/** Every way of filling the choices `${n|a,b,c|}`: the defaults, then each other alternative of one choice at a time. */
function variants(body: string): { label: string; text: string }[] {
  const out = [{ label: 'defaults', text: expandSnippet(body) }];
  const choices = [...body.matchAll(/\$\{(\d+)\|([^|]*)\|\}/g)];
  const seen = new Set<string>();
  for (const c of choices) {
    const [, n, list] = c;
    if (seen.has(n!)) continue;
    seen.add(n!);
    for (const option of list!.split(',').slice(1)) {
      const replaced = body.replace(new RegExp(`\\$\\{${n}\\|[^|]*\\|\\}`, 'g'), option);
      out.push({ label: `choice ${n} = ${option}`, text: expandSnippet(replaced) });
    }
  }
  return out;
}

describe('YAML snippets', () => {
  test('offered by the language server, not contributed to every YAML file; one pgtls- prefix each and real descriptions', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets: { language: string; path: string }[] } };
    assert.ok(!manifest.contributes.snippets.some(s => s.language === 'yaml'), 'VS Code would offer them in every YAML file, values included');
    for (const [name, s] of Object.entries(snippets)) {
      assert.equal(typeof s.prefix, 'string', `${name}: one prefix (a list shows the snippet once per prefix)`);
      assert.match(s.prefix as string, /^pgtls-[a-z0-9-]+$/, name);
      assert.ok(s.description.length > 40, name);
    }
    assert.equal(new Set(Object.values(snippets).map(s => s.prefix)).size, Object.keys(snippets).length, 'prefixes are unique');
    assert.deepEqual(Object.keys(snippets).sort(), Object.keys(ALONE).sort(), 'every snippet has its expected infos listed');
  });

  test('completion offers them where a resource starts (an empty document of a manifest file), once each, and nowhere else', () => {
    const labels = (text: string, at = text.indexOf('|')) => {
      const src = text.replace('|', '');
      const doc = { path: path.join(os.tmpdir(), 'x.yaml'), text: src, languageId: 'yaml' as const };
      return service.complete(doc, service.parse(doc), at, testSettings()).filter(c => c.kind === 'snippet');
    };
    const all = Object.values(snippets).map(s => s.prefix);
    const empty = labels('|');
    assert.deepEqual(empty.map(c => c.label), all, 'an empty file: every snippet, once');
    assert.ok(empty.every(c => c.snippet && c.insertText && c.detail && c.documentation));
    const typed = labels('pgtls-per|');
    assert.equal(typed.length, all.length);
    assert.deepEqual(typed[0]!.replace, [0, 9], 'the typed word is replaced');
    const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n';
    assert.equal(labels(`${SECRET}---\n|`).length, all.length, 'a new document after a resource');
    assert.equal(labels(`# header\n---\n|\n---\n${SECRET}`).length, all.length, 'a new document before a resource');
    // Not in a resource's keys or values, not indented, not in a file that is something else.
    assert.deepEqual(labels(`${SECRET}|`), [], 'a key position of an existing resource');
    assert.deepEqual(labels('apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nspec:\n  sslMode: |\n'), [], 'a value position');
    assert.deepEqual(labels('  |'), [], 'indented');
    assert.deepEqual(labels('services:\n  db:\n    image: postgres\n---\n|'), [], 'a Compose file');
    assert.deepEqual(labels('on: push\njobs: {}\n---\n|'), [], 'a CI workflow');
  });

  test('they cover each operator\'s TLS layout (issue 3a)', () => {
    const all = Object.values(snippets).map(s => expandSnippet(bodyOf(s)));
    const has = (re: RegExp[]) => all.some(b => re.every(r => r.test(b)));
    assert.ok(has([/kind: Issuer/, /kind: Pgpool/, /issuerRef:\n\s+apiGroup: cert-manager\.io/]), 'KubeDB Pgpool + CA Issuer');
    assert.ok(has([/kind: PerconaPGCluster/, /customTLSSecret:/, /customReplicationTLSSecret:/, /customRootCATLSSecret:/]), 'Percona custom TLS');
    assert.ok(has([/kind: postgresql/, /secretName: /]) && all.some(b => /kind: postgresql/.test(b) && !/caSecretName/.test(b) && /caFile: ca\.crt/.test(b)), 'CPO one Secret');
    assert.ok(has([/kind: postgresql/, /caSecretName: /, /caFile: ca\.crt/]), 'CPO two Secrets');
    assert.ok(has([/kind: Certificate/, /server auth/]), 'cert-manager server Certificate');
  });

  const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-snippets-'));
  for (const [name, s] of Object.entries(snippets)) {
    test(`"${name}": no error or warning, only the expected infos`, () => {
      for (const v of variants(bodyOf(s))) {
        assert.doesNotMatch(v.text, /\$\{|\$\d/, `${v.label}: placeholders left over`);
        const problems = validate(alone, 'snippet.yaml', `${v.text}\n`);
        assert.deepEqual(loud(problems).map(p => `${p.rule}: ${p.message}`), [], `${v.label}:\n${show(v.text, problems)}`);
        assert.deepEqual(problems.map(p => p.rule).sort(), [...ALONE[name]!].sort(), `${v.label}:\n${show(v.text, problems)}`);
      }
    });
  }

  const absent = fs.existsSync(CRD_DIR) ? false : `SKIPPED: no upstream CRDs at ${CRD_DIR}`;
  test('the same with the upstream CRDs in the workspace', { skip: absent }, () => {
    for (const [name, s] of Object.entries(snippets)) {
      const text = `${expandSnippet(bodyOf(s))}\n`;
      const problems = validate(alone, 'snippet.yaml', text, { crdPaths: [CRD_DIR] });
      assert.deepEqual(problems.map(p => p.rule).sort(), [...ALONE[name]!].sort(), `${name}:\n${show(text, problems)}`);
    }
  });
});

describe('YAML snippets + "Create Complete TLS Set for This Resource"', () => {
  const OPERATOR = /^kind: (?:Pgpool|PerconaPGCluster|postgresql|PostgresCluster)$/m;
  for (const [name, s] of Object.entries(snippets)) {
    const text = `${expandSnippet(bodyOf(s))}\n`;
    if (!OPERATOR.test(text)) continue;
    test(`"${name}": the command's Secrets carry the snippet's names, and the folder then validates with no problem`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-snippet-set-'));
      try {
        const file = path.join(dir, 'cluster.yaml');
        fs.writeFileSync(file, text);
        const offset = text.search(OPERATOR);
        const result = await runCertCommand({ kind: 'set', folder: path.join(dir, 'tls'), resource: { uri: `file://${file}`, offset } }, { now: env.now, crypto: env.crypto }, text);
        assert.equal(result.status, 'written');
        const secretsFile = path.join(dir, 'tls', 'secrets.yaml');
        const secrets = parseAllDocuments(fs.readFileSync(secretsFile, 'utf8')).map(d => d.toJS() as { kind?: string; metadata?: { name?: string } })
          .filter(o => o?.kind === 'Secret').map(o => String(o.metadata?.name));
        assert.ok(secrets.length > 0, 'the command wrote Secrets');
        for (const secret of secrets) assert.match(text, new RegExp(`(?:secretName|caSecretName|name): ${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `the snippet names ${secret}`);
        // The Secrets sit next to the resource (as the user would apply both): nothing is reported at all.
        fs.copyFileSync(secretsFile, path.join(dir, 'secrets.yaml'));
        // The patch the command would apply to the resource changes nothing the snippet already says (at most formatting).
        if (result.status === 'written' && result.summary.resourceEdit) {
          const e = result.summary.resourceEdit;
          const patched = text.slice(0, e.start) + e.newText + text.slice(e.end);
          const data = (t: string) => parseAllDocuments(t).map(d => d.toJS() as unknown);
          assert.deepEqual(data(patched), data(text), 'the command\'s patch only reformats the snippet');
          const again = validate(dir, 'cluster.yaml', patched);
          assert.deepEqual(again.map(p => `${p.rule}: ${p.message}`), [], `after the command's edit:\n${show(patched, again)}`);
        }
        const problems = validate(dir, 'cluster.yaml', text);
        assert.deepEqual(problems.map(p => `${p.rule}: ${p.message}`), [], show(text, problems));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
