/**
 * Every diagnostic links to its rule's documentation (`codeDescription.href`). pgtls has no public repository yet, so
 * the link opens the rule reference shipped with it, docs/rules.md, at the line of the rule's heading (`#L<line>`,
 * which VS Code opens as a selection); scripts/gen-docs.ts writes the file and the README's rule table with the same
 * `ruleAnchor`. With a repository (REPOSITORY_URL), the link would be the README's row on the web.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import { REPOSITORY_URL, RULE_DOCS_BASE, ruleAnchor, ruleDocsUrl } from '../../server/src/protocol';
import { ruleDocs, ruleLines } from '../../server/src/node/ruleDocs';
import { RULES } from '../../server/src/languages/registry';
import { ROOT } from '../helpers';

interface Diag { code: string; codeDescription?: { href: string } }

const RULES_DOC = path.join(ROOT, 'docs/rules.md');

/** The rule whose heading is at `href`'s line of docs/rules.md. */
function ruleAtLink(href: string): string | undefined {
  const url = new URL(href);
  assert.equal(url.protocol, 'file:', href);
  assert.equal(fileURLToPath(url), RULES_DOC, href);
  const line = /^#L(\d+)$/.exec(url.hash);
  assert.ok(line, `${href} names a line`);
  const text = fs.readFileSync(RULES_DOC, 'utf8').split('\n')[Number(line[1]) - 1] ?? '';
  return /<\/a>([a-z0-9/-]+)$/.exec(text)?.[1];
}

test('pulled diagnostics link their rule id to its heading in the shipped rule reference (docs/rules.md#L<line>)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-docs-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(tmp, 'pgpool.conf')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text: 'portt = 5\nssl = on\n' } });
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    assert.ok(report.items.length >= 2, JSON.stringify(report.items.map(d => d.code)));
    for (const d of report.items) {
      const href = d.codeDescription?.href;
      assert.ok(href, `${d.code} has a documentation link`);
      assert.equal(ruleAtLink(href), d.code, `${href} opens the heading of ${d.code}`);
    }
  } finally {
    h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('no link to a placeholder: the web link needs a repository in package.json, and without the shipped reference there is no link', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository?: { url: string } };
  if (pkg.repository) {
    assert.equal(RULE_DOCS_BASE, `${pkg.repository.url.replace(/\.git$/, '')}/blob/main/README.md`);
  } else {
    assert.equal(REPOSITORY_URL, undefined);
    assert.equal(ruleDocsUrl('pool-hba/md5-method'), undefined);
  }
  const missing = ruleDocs(path.join(os.tmpdir(), 'pgtls-no-such-dir', 'rules.md'));
  assert.equal(missing('pool-hba/md5-method'), REPOSITORY_URL === undefined ? undefined : ruleDocsUrl('pool-hba/md5-method'));
  const shipped = ruleDocs(RULES_DOC);
  assert.equal(shipped('pool-hba/no-such-rule'), undefined, 'a rule the reference lacks gets no link');
});

test('every registered rule has its own anchor in the README rule table and in docs/rules.md (npm run gen:docs writes them)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const doc = ruleLines(fs.readFileSync(RULES_DOC, 'utf8'));
  const anchors = new Map<string, string>();
  for (const id of RULES.keys()) {
    const anchor = ruleAnchor(id);
    assert.equal(anchors.get(anchor), undefined, `${id} and ${anchors.get(anchor)} share the anchor ${anchor}`);
    anchors.set(anchor, id);
    assert.equal(readme.split(`<a id="${anchor}"></a>\`${id}\``).length, 2, `the README has one row with the anchor of ${id}`);
    assert.ok(doc.has(anchor), `docs/rules.md has a heading for ${id}`);
  }
  assert.equal(doc.size, RULES.size, 'docs/rules.md has one heading per rule');
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
    for (const d of report.items) assert.equal(ruleAtLink(d.codeDescription!.href), d.code);
  } finally {
    h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
