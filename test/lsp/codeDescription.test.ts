/**
 * Every diagnostic links to its rule's documentation (`codeDescription.href`): the rule's row in the README rule
 * table, whose anchor scripts/gen-docs.ts writes with the same `ruleAnchor`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import { REPOSITORY_URL, RULE_DOCS_BASE, ruleAnchor, ruleDocsUrl } from '../../server/src/protocol';
import { RULES } from '../../server/src/languages/registry';
import { ROOT } from '../helpers';

interface Diag { code: string; codeDescription?: { href: string } }

test('pulled diagnostics carry codeDescription.href to the rule\'s README anchor', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-docs-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(tmp, 'pgpool.conf')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text: 'portt = 5\nssl = on\n' } });
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    assert.ok(report.items.length >= 2, JSON.stringify(report.items.map(d => d.code)));
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const d of report.items) {
      const href = d.codeDescription?.href;
      assert.ok(href, `${d.code} has a documentation link`);
      assert.ok(href.endsWith(`#${ruleAnchor(d.code)}`), `${href} ends in the anchor of ${d.code}`);
      assert.equal(href, `${RULE_DOCS_BASE}#${ruleAnchor(d.code)}`);
      assert.ok(readme.includes(`<a id="${ruleAnchor(d.code)}"></a>`), `the README has the anchor of ${d.code}`);
    }
  } finally {
    h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the documentation base is the repository\'s README: package.json\'s repository when it names one, else REPOSITORY_URL', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository?: { url: string } };
  const repo = pkg.repository ? pkg.repository.url.replace(/\.git$/, '') : REPOSITORY_URL;
  assert.equal(RULE_DOCS_BASE, `${repo}/blob/main/README.md`);
});

test('every registered rule has its own anchor in the README rule table (npm run gen:docs writes them)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const anchors = new Map<string, string>();
  for (const id of RULES.keys()) {
    const anchor = ruleAnchor(id);
    assert.equal(anchors.get(anchor), undefined, `${id} and ${anchors.get(anchor)} share the anchor ${anchor}`);
    anchors.set(anchor, id);
    assert.equal(readme.split(`<a id="${anchor}"></a>\`${id}\``).length, 2, `the README has one row with the anchor of ${id}`);
    assert.equal(ruleDocsUrl(id), `${RULE_DOCS_BASE}#${anchor}`);
  }
  // And no row for a rule that is gone.
  const rows = [...readme.matchAll(/<a id="(rule-[a-z0-9-]+)"><\/a>/g)].map(m => m[1]!);
  assert.deepEqual(rows.filter(a => !anchors.has(a)), []);
});

test('the diagnostics about suppression comments link to their rules too', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-docs-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(tmp, 'pool_hba.conf')).href;
    const text = '# pgtls-disable-next-line pool-hba/md5-methd\n# pgtls-enable\nhostssl db1 all 10.1.0.0/16 md5\n';
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pool-hba', version: 1, text } });
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    const codes = report.items.map(d => d.code);
    assert.ok(codes.includes('pgtls/suppression-unknown-rule') && codes.includes('pgtls/suppression-unused'), JSON.stringify(codes));
    for (const d of report.items) assert.equal(d.codeDescription?.href, ruleDocsUrl(d.code));
  } finally {
    h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
