/**
 * The .vsix and its extension page: `vsce ls` lists exactly the files pinned in test/package-contents.txt (so anything
 * new in the package is a conscious change, and the CLI bundles stay out), the packaged README is whole without a
 * network (pictures inlined, no link the extension page cannot open, none of the developers' material), and the
 * manifest's icon, changelog, licence, repository and walkthrough hold together.
 * The e2e suite (test/e2e/suite/extensionPage.js) checks the same list against the installed package in VS Code.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderMarketplace } from '../../scripts/gen-docs';
import { MARKETPLACE_README, packageReadme, repositoryWeb } from '../../scripts/package-readme';
import { ROOT } from '../helpers';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PINNED = path.join(ROOT, 'test/package-contents.txt');
const pinned = () => fs.readFileSync(PINNED, 'utf8').split('\n').filter(l => l && !l.startsWith('#'));
const README_SOURCE = path.relative(ROOT, MARKETPLACE_README).split(path.sep).join('/');

/**
 * A `vsce ls` path as the .vsix stores it: vsce packs the README given by --readme-path as readme.md, the changelog as
 * changelog.md, and adds .txt to a licence file without an extension.
 */
function packagedName(file: string): string {
  if (file === README_SOURCE) return 'readme.md';
  if (/^changelog\.md$/i.test(file)) return 'changelog.md';
  if (/^licen[cs]e$/i.test(file)) return `${file}.txt`;
  return file;
}

test('vsce ls lists exactly the pinned package contents: the client and server bundles, no CLI bundle, no source maps', () => {
  for (const bundle of ['dist/client.js', 'dist/server.js']) {
    assert.ok(fs.existsSync(path.join(ROOT, bundle)), `${bundle} is missing: run npm run build`);
  }
  // The package script's flags; the marketplace README's source stands in for dist/README.md, which only the package
  // script writes (both are packed as readme.md).
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies', '--readme-path', README_SOURCE],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `vsce ls failed:\n${r.stdout}\n${r.stderr}`);
  const listed = r.stdout.split('\n').map(l => l.trim()).filter(Boolean).map(packagedName).sort();
  const want = pinned();
  const extra = listed.filter(f => !want.includes(f));
  const absent = want.filter(f => !listed.includes(f));
  assert.deepEqual({ extra, absent }, { extra: [], absent: [] },
    'the package contents changed: if that is meant, update test/package-contents.txt (the e2e suite checks it too)');
  assert.deepEqual(want.filter(f => /^dist\/cli(-cert)?\.js$|\.map$|^(client|server|test|node_modules|scripts)\//.test(f)), [], 'pinned a file that must not ship');
  assert.deepEqual(want, [...want].sort(), 'test/package-contents.txt is sorted');
});

test('the package script packs the generated README, without a repository, and without rewriting links', () => {
  const script: string = pkg.scripts.package;
  assert.match(script, /node --import tsx scripts\/package-readme\.ts && vsce package /);
  assert.match(script, /--readme-path dist\/README\.md/);
  assert.match(script, /--no-dependencies/);
  // No public repository yet: no placeholder URL in the manifest, and vsce told so instead of asking.
  assert.equal(pkg.repository, undefined, 'package.json names no repository until there is a real one');
  assert.match(script, /--allow-missing-repository/);
  assert.doesNotMatch(JSON.stringify(pkg), /example\.invalid/, 'no placeholder address in the manifest');
});

test('the packaged README has every picture inlined as PNG data and no link the extension page cannot open', () => {
  const source = fs.readFileSync(MARKETPLACE_README, 'utf8');
  const r = packageReadme(MARKETPLACE_README, ROOT, pkg.repository);
  const sourcePictures = source.match(/!\[[^\]]*\]\([^)]+\)/g) ?? [];
  assert.ok(sourcePictures.length >= 3, 'a feature tour with pictures');
  assert.equal(r.pictures.length, sourcePictures.length);
  const packed = [...r.text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(m => m[1]!);
  assert.equal(packed.length, sourcePictures.length);
  for (const src of packed) {
    assert.match(src, /^data:image\/png;base64,/);
    const png = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'the data is a PNG');
  }
  for (const [, target] of r.text.matchAll(/(?<!!)\[[^\]]+\]\(([^)]+)\)/g)) {
    assert.match(target!, /^(https:|#)/, `a link the extension page cannot open: ${target}`);
  }
  assert.deepEqual(r.unlinked, [], 'the rule reference ships with the extension: no link into the repository is needed');
  assert.doesNotMatch(r.text, /<!--|example\.invalid|npm (ci|test)\b|rule-[a-z]+-[a-z]/, 'no maintainer notes, placeholders, developer commands or rule table');
});

test('with a GitHub repository, the README links into it; any other address is not guessed', () => {
  assert.equal(repositoryWeb({ type: 'git', url: 'https://github.com/acme/pgtls.git' }), 'https://github.com/acme/pgtls');
  assert.equal(repositoryWeb('https://gitlab.com/acme/pgtls'), 'https://gitlab.com/acme/pgtls');
  assert.equal(repositoryWeb({ url: 'https://example.invalid/pgtls' }), undefined);
  assert.equal(repositoryWeb(undefined), undefined);
  // A README with a link to a file of the repository (the marketplace README has none now).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-readme-'));
  try {
    fs.mkdirSync(path.join(tmp, 'docs/marketplace'), { recursive: true });
    const source = path.join(tmp, 'docs/marketplace/README.md');
    fs.writeFileSync(source, 'See the [rules](../../README.md#rules).\n');
    const linked = packageReadme(source, tmp, { url: 'https://github.com/acme/pgtls.git' });
    assert.ok(linked.text.includes('(https://github.com/acme/pgtls/blob/HEAD/README.md#rules)'), 'the link points into the repository');
    assert.deepEqual(linked.unlinked, []);
    const unlinked = packageReadme(source, tmp, undefined);
    assert.equal(unlinked.text, 'See the rules.\n');
    assert.deepEqual(unlinked.unlinked, ['../../README.md#rules']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the marketplace README\'s command and settings tables match package.json (run npm run gen:docs)', () => {
  const readme = fs.readFileSync(MARKETPLACE_README, 'utf8');
  assert.equal(renderMarketplace(readme), readme);
});

test('the manifest: a 128x128 PNG icon, categories, keywords, a changelog for this version, a licence', () => {
  const icon = fs.readFileSync(path.join(ROOT, pkg.icon));
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'IHDR width and height');
  assert.ok(pinned().includes(pkg.icon), 'the icon is packaged');
  assert.ok(pkg.categories.length >= 2 && pkg.keywords.length >= 5);
  const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'), `CHANGELOG.md has a section for ${pkg.version}`);
  assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), new RegExp(`^${pkg.license} License`));
});

test('the walkthrough: its pages are packaged and its buttons run commands that exist', () => {
  const [walkthrough] = pkg.contributes.walkthroughs;
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  assert.equal(walkthrough.steps.length, 3);
  for (const step of walkthrough.steps) {
    assert.ok(pinned().includes(step.media.markdown), `${step.media.markdown} is packaged`);
    const used = [...step.description.matchAll(/\(command:([\w.]+)\)/g), ...step.completionEvents.map((e: string) => /^onCommand:([\w.]+)$/.exec(e))]
      .map(m => m?.[1]).filter((c): c is string => !!c);
    assert.ok(used.length > 0, `step ${step.id} has a button`);
    for (const c of used) {
      assert.ok(commands.has(c) || c.startsWith('workbench.'), `step ${step.id} names ${c}, which is neither ours nor VS Code's`);
    }
  }
});
