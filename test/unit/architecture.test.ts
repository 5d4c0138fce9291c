/**
 * ARCHITECTURE.md stays true: every file or folder it names exists, and every function, method or class that its
 * "path of one diagnostic" names is declared in the code. A move or rename that forgets the map fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const map = fs.readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
const ticked = (text: string): string[] => [...text.matchAll(/`([^`\n]+)`/g)].map(m => m[1]!);

/** All TypeScript sources of the server and the client, concatenated once. */
function sources(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'generated') walk(p); } else if (e.name.endsWith('.ts')) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(root, 'server/src'));
  walk(path.join(root, 'client/src'));
  return out.join('\n');
}

/** Every file and folder of the repository's own trees, as paths relative to the root. */
const tree: string[] = (() => {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out;
})();

/** A path the map names exists: as written from the root, or as the tail of a path (a room's file named in its paragraph). */
function exists(p: string): boolean {
  const clean = p.replace(/\/$/, '');
  return tree.some(t => t === clean || t.endsWith(`/${clean}`));
}

test('every file and folder ARCHITECTURE.md names exists', () => {
  // File names (with an extension) and folders (with a trailing slash); rule ids and LSP methods are neither.
  const paths = ticked(map).filter(t => /^[\w.-]+(\/[\w.-]+)*(\.(ts|md|mjs|json|js)|\/)$/.test(t));
  assert.ok(paths.length > 30, `found ${paths.length} paths`);
  const missing = paths.filter(p => !p.startsWith('dist/') && !exists(p)); // dist/ is the build's output
  assert.deepEqual(missing, [], 'paths named in ARCHITECTURE.md that do not exist');
});

test('every function the path of one diagnostic names is declared in the code', () => {
  const section = map.slice(map.indexOf('## The path of one diagnostic'), map.indexOf('## Recipes'));
  assert.ok(section.length > 500, 'the section exists');
  const code = sources();
  const names = new Set<string>();
  for (const t of ticked(section)) {
    const m = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)(?:\(.*\))?$/.exec(t);
    // Words that are not pgtls's names: settings text, LSP answers, and vscode-languageserver's own API.
    if (m && !/^(ssl|on|off|code|unchanged|full|pgtls|TextDocuments|refresh)$/.test(m[1]!) && !t.includes('/')) names.add(m[1]!);
  }
  assert.ok(names.size > 15, `found ${names.size} names`);
  const declared = (n: string) => new RegExp(`(function|class|const|let|interface|type)\\s+${n}\\b|^\\s*(async\\s+)?${n}\\s*[(<]|\\b${n}\\s*:\\s*[a-zA-Z(]|\\b${n}\\s*=`, 'm').test(code);
  const missing = [...names].filter(n => !declared(n));
  assert.deepEqual(missing, [], 'names in "The path of one diagnostic" that the code does not declare');
});
