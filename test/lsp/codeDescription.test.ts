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
import { RULE_DOCS_BASE, ruleAnchor } from '../../server/src/protocol';
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

test('the documentation base is the repository of package.json, at its README', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
  assert.equal(RULE_DOCS_BASE, `${pkg.repository.url.replace(/\.git$/, '')}/blob/main/README.md`);
});
