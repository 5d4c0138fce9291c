// The floor of `pgtls check` at scale (bench/cli.ts): a Node.js script that walks the same folders, reads every YAML
// file and parses it with the same YAML library (every document), and nothing else. Prints the number of files and
// documents so that the work cannot be skipped. Usage: node bench/cliFloor.mjs DIR...
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');

let files = 0;
let docs = 0;
const walk = dir => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.ya?ml$/i.test(e.name)) {
      const text = fs.readFileSync(p, 'utf8');
      docs += parseAllDocuments(text).length;
      files++;
    }
  }
};
for (const d of process.argv.slice(2)) walk(d);
console.log(`${files} files, ${docs} documents`);
