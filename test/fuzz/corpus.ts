/**
 * The real material the fuzz arbitraries are built from: the lines of every fixture and example file of a language
 * (expectation markers left out), the YAML documents of the Kubernetes fixtures, and the names of the catalogues in
 * schemas/. Read once per process; everything is sorted so that a seed gives the same cases on every machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../../server/src/core/languages';
import type { LanguageId } from '../../server/src/core/types';
import { ROOT, SCHEMAS } from '../helpers';

const MARKER = /^\s*[#;]\s*(\^+|\|)\s+[a-z0-9-]+\/[a-z0-9-]+\s*$|^\s*[#;][!=]/;

function walk(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

let files: { path: string; languageId: LanguageId; text: string }[] | undefined;

/** Every fixture and example file pgtls has a language for, with its text. */
function corpusFiles(): { path: string; languageId: LanguageId; text: string }[] {
  if (!files) {
    files = [];
    for (const p of [...walk(path.join(ROOT, 'test/fixtures'), []), ...walk(path.join(ROOT, 'examples'), [])]) {
      const languageId = languageOf(p);
      if (!languageId || fs.statSync(p).size > 256 * 1024) continue;
      files.push({ path: p, languageId, text: fs.readFileSync(p, 'utf8') });
    }
  }
  return files;
}

const linesCache = new Map<LanguageId, string[]>();

/** The distinct lines of the fixtures of `languageId` (no expectation markers, no blank lines), sorted. */
export function fixtureLines(languageId: LanguageId): string[] {
  let lines = linesCache.get(languageId);
  if (!lines) {
    const set = new Set<string>();
    for (const f of corpusFiles()) {
      if (f.languageId !== languageId) continue;
      for (const l of f.text.split(/\r\n|\r|\n/)) if (l.trim() && !MARKER.test(l)) set.add(l);
    }
    lines = [...set].sort();
    linesCache.set(languageId, lines);
  }
  return lines;
}

let yamlDocs: string[] | undefined;

/** The YAML documents of the fixtures and examples that hold a resource (`apiVersion:`), each with its own text. */
export function fixtureYamlDocuments(): string[] {
  if (!yamlDocs) {
    const set = new Set<string>();
    for (const f of corpusFiles()) {
      if (f.languageId !== 'yaml') continue;
      const text = f.text.split(/\r?\n/).filter(l => !MARKER.test(l)).join('\n');
      for (const d of text.split(/^---[^\n]*\n/m)) if (/^apiVersion:/m.test(d) && d.length < 16 * 1024) set.add(d);
    }
    yamlDocs = [...set].sort();
  }
  return yamlDocs;
}

const json = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8'));

export interface ConfParam {
  name: string;
  type: string;
  /** Enumerated values, where the catalogue lists them. */
  values: string[];
  /** Array parameters of pgpool.conf (`backend_hostname0`). */
  indexed: boolean;
}

let catalogues: { pgpool: ConfParam[]; postgresql: ConfParam[]; pgbouncer: ConfParam[]; connectionKeys: string[]; pgbouncerVersions: string[] } | undefined;

/** The parameters of pgpool.conf, postgresql.conf and pgbouncer.ini, and PgBouncer's connection-string keys. */
export function catalogue(): NonNullable<typeof catalogues> {
  if (!catalogues) {
    const pgpool = json('pgpool-params.json') as { params: Record<string, { type: string; enum?: string[]; array: boolean }> };
    const postgresql = json('postgresql-params.json') as { params: Record<string, { type: string; enum?: string[]; hidden?: string[] }> };
    const bouncer = json('pgbouncer-params.json') as { releases: Record<string, { params: Record<string, { type: string; values?: string[] }>; databases: string[]; users: string[] }> };
    const releases = Object.keys(bouncer.releases).sort();
    const latest = bouncer.releases[releases[releases.length - 1]!]!;
    catalogues = {
      pgpool: Object.entries(pgpool.params).map(([name, p]) => ({ name, type: p.type, values: p.enum ?? [], indexed: p.array })),
      postgresql: Object.entries(postgresql.params).map(([name, p]) => ({ name, type: p.type, values: [...(p.enum ?? []), ...(p.hidden ?? [])], indexed: false })),
      pgbouncer: Object.entries(latest.params).map(([name, p]) => ({ name, type: p.type, values: p.values ?? [], indexed: false })),
      connectionKeys: [...new Set([...latest.databases, ...latest.users])].sort(),
      pgbouncerVersions: releases,
    };
  }
  return catalogues;
}

/** OpenSSL cipher-string words and curve names pgtls knows (schemas/openssl-*.json). */
export function opensslNames(): { ciphers: string[]; curves: string[] } {
  const c = json('openssl-ciphers.json') as { aliases: { name: string }[]; ciphers: { name: string; std?: string }[]; tls13Suites: string[] };
  const k = json('openssl-curves.json') as { notCurves: string[]; nistNames: Record<string, string>; curves: { name: string }[] };
  return {
    ciphers: [...new Set([...c.aliases.map(a => a.name), ...c.ciphers.flatMap(x => [x.name, ...(x.std ? [x.std] : [])]), ...c.tls13Suites])].sort(),
    curves: [...new Set([...k.curves.map(x => x.name), ...k.notCurves, ...Object.keys(k.nistNames)])].sort(),
  };
}
