/**
 * Regenerates the tables in README.md from the code: the rule table (from the rule registry), the settings table
 * and the command list (from package.json); and, in package.json, the rule ids `pgtls.rules` accepts (its
 * `propertyNames`, so settings.json completes the ids and flags a misspelt one). The marketplace README
 * (docs/marketplace/README.md, the README of the .vsix) gets the same settings and command tables; it has no rule
 * table. `--check` exits 1 when a file is out of date (unit tests compare them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../server/src/languages/registry';
import { ruleAnchor } from '../server/src/protocol';

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const MARKETPLACE_README = path.join(ROOT, 'docs/marketplace/README.md');
const PACKAGE = path.join(ROOT, 'package.json');

/** The schema of `pgtls.rules`' keys: every rule id of the registry, sorted, with its description. */
export function rulePropertyNames(): { type: 'string'; enum: string[]; enumDescriptions: string[] } {
  const rules = [...RULES.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { type: 'string', enum: rules.map(r => r.id), enumDescriptions: rules.map(r => r.description) };
}

/** package.json with `pgtls.rules`' `propertyNames` from the rule table (formatting as npm writes it). */
export function renderPackage(text: string): string {
  const pkg = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } };
  const rules = pkg.contributes.configuration.properties['pgtls.rules'];
  if (!rules) throw new Error('package.json lacks the pgtls.rules setting');
  rules.propertyNames = rulePropertyNames();
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function ruleTable(): string {
  const rows = [...RULES.values()].sort((a, b) => a.id.localeCompare(b.id)).map(r => {
    const [scope, name] = r.id.split('/');
    const fixture = fs.existsSync(path.join(ROOT, 'test/fixtures', scope!, name!)) ? `[fixtures](test/fixtures/${scope}/${name})` : '';
    return `| <a id="${ruleAnchor(r.id)}"></a>\`${r.id}\` | ${r.severity} | ${esc(r.description)} | ${esc(r.source)} | ${fixture} |`;
  });
  return ['| rule | default | what it checks | follows | examples |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

interface Prop { type?: string; default?: unknown; enum?: unknown[]; description?: string }

export function settingsTable(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, Prop>;
  const rows = Object.entries(props).map(([k, p]) =>
    `| \`${k}\` | ${p.enum ? p.enum.map(v => `\`${String(v)}\``).join(', ') : p.type} | \`${JSON.stringify(p.default)}\` | ${esc(p.description ?? '')} |`);
  return ['| setting | values | default | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function commandTable(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const cmds = pkg.contributes.commands as { command: string; title: string; category?: string }[];
  const rows = cmds.map(c => `| ${c.category ? `${c.category}: ` : ''}${c.title} | \`${c.command}\` |`);
  return ['| palette | command id |', '| --- | --- |', ...rows].join('\n');
}

function put(text: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`the README lacks the ${name} markers`);
  return text.replace(re, (_m, a: string, b: string) => `${a}${body}\n${b}`);
}

/** The marketplace README: the settings and command tables only. */
export function renderMarketplace(readme: string): string {
  return put(put(readme, 'settings', settingsTable()), 'commands', commandTable());
}

export function render(readme: string): string {
  let out = put(readme, 'rules', ruleTable());
  out = put(out, 'settings', settingsTable());
  out = put(out, 'commands', commandTable());
  return out;
}

if (require.main === module) {
  const files: [string, (text: string) => string][] = [[README, render], [MARKETPLACE_README, renderMarketplace], [PACKAGE, renderPackage]];
  let stale = false;
  for (const [file, make] of files) {
    const name = path.relative(ROOT, file);
    const current = fs.readFileSync(file, 'utf8');
    const next = make(current);
    if (next === current) continue;
    if (process.argv.includes('--check')) {
      console.error(`${name} is out of date: run npm run gen:docs`);
      stale = true;
    } else {
      fs.writeFileSync(file, next);
      console.log(`${name} updated`);
    }
  }
  if (stale) process.exit(1);
}
