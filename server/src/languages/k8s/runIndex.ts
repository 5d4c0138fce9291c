/**
 * The index of the YAML files of one `pgtls check` run, handed to the core as `env.workspace` (a `WorkspaceView`,
 * `partial`): built once per run (each file read and parsed once), it answers the lookups of `workspace.ts` by the
 * words the files' documents hold, so that validating a file never reads or parses its siblings again and no cap on
 * the number of files changes an answer (a folder of 10,000 files gives the findings of the same files spread out).
 *
 * What it keeps per file is small: the words (keys and string values up to 253 characters of its documents, where
 * names and kinds live). Parses are kept in a cache bounded by their texts' characters; one that is not kept is parsed
 * again when a lookup or the validation of that file needs it, never once per validated file. In `--jobs` runs each
 * worker parses its share (`buildShard`) and takes the others' words (`adopt`). Pure: reading and
 * parsing are the caller's functions (the CLI reads through node/readFiles.ts, parses through the façade).
 */
import type { WorkspaceFile, WorkspaceView } from '../../core/types';
import { dataOf } from './data';
import { fromParsed } from './workspace';

/** How the index reads and parses a file: `parse` is the façade's (its `ParsedFile`, opaque here). */
export interface RunIndexIo {
  read(path: string): string | undefined;
  parse(path: string, text: string): unknown;
}

export interface RunIndexOptions {
  /** The run's workspace folders (`env.roots`). */
  roots: readonly string[];
  /** The YAML files of the run, absolute paths, in the order the run checks them. */
  files: readonly string[];
  /** Characters of text whose parses stay cached (default 4 Mi). */
  cacheChars?: number;
}

/** The longest key or value kept as a word: a DNS subdomain name (longer values are certificates and texts). */
const MAX_WORD = 253;
/** A needle looked up as a whole word: a Kubernetes name or kind. */
const NAME_SHAPE = /^[A-Za-z0-9]+(?:[.-]+[A-Za-z0-9]+)*$/;
/** At most this many values of one document are walked for words (the conversion of `data.ts` is bounded too). */
const MAX_WORDS_PER_DOC = 100_000;

export class RunIndex implements WorkspaceView {
  readonly partial = true;
  private readonly entries: WorkspaceFile[];
  private readonly byPath = new Map<string, number>();
  private readonly words = new Map<string, number[]>();
  private readonly substringHits = new Map<string, WorkspaceFile[]>();
  private readonly cache = new Map<string, { text: string; parsed: unknown }>();
  private cachedChars = 0;
  private readonly cacheChars: number;
  private built = false;

  constructor(private readonly io: RunIndexIo, private readonly options: RunIndexOptions) {
    this.cacheChars = options.cacheChars ?? 4 * 1024 * 1024;
    this.entries = options.files.map((path, i) => {
      this.byPath.set(path, i);
      return { path, languageId: 'yaml' as const, version: 0, text: () => this.io.read(path) };
    });
  }

  /** Reads and parses every file once and records its words (idempotent). */
  build(): void {
    if (this.built) return;
    this.buildShard(this.entries.map((_, i) => i));
  }

  /**
   * Reads and parses the files at `indices` (positions in `files`: a worker's share of the run) and records their
   * words; returns them (word, positions) for the other workers' `adopt`.
   */
  buildShard(indices: readonly number[]): [string, number[]][] {
    this.built = true;
    const mine = new Map<string, number[]>();
    for (const i of indices) {
      const path = this.entries[i]!.path;
      const text = this.io.read(path);
      if (text === undefined) continue;
      const parsed = this.io.parse(path, text);
      this.remember(path, text, parsed);
      for (const w of wordsOf(parsed)) {
        const list = mine.get(w);
        if (!list) mine.set(w, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    }
    this.adopt(mine);
    return [...mine];
  }

  /**
   * Adds the words of files parsed elsewhere (another worker's `buildShard`), or with `replace` takes `words` as the
   * whole run's (merged by the main thread); lists stay in file order.
   */
  adopt(words: Iterable<[string, number[]]>, replace = false): void {
    this.built = true;
    if (replace) this.words.clear();
    for (const [w, list] of words) {
      const have = this.words.get(w);
      if (!have) this.words.set(w, [...list]);
      else if (have !== list) {
        const merged = new Set([...have, ...list]);
        this.words.set(w, [...merged].sort((a, b) => a - b));
      }
    }
  }

  roots(): readonly string[] {
    return this.options.roots;
  }

  files(): Iterable<WorkspaceFile> {
    return this.entries;
  }

  /** The cached parse of a file, else a parse of its text now (kept while the cache has room). */
  parsed(f: WorkspaceFile): unknown {
    const hit = this.cache.get(f.path);
    if (hit) {
      this.remember(f.path, hit.text, hit.parsed, true);
      return hit.parsed;
    }
    const text = this.io.read(f.path);
    if (text === undefined) return undefined;
    const parsed = this.io.parse(f.path, text);
    this.remember(f.path, text, parsed, true);
    return parsed;
  }

  /**
   * The parse of `path` for validating it, when the cache still holds one of exactly `text` (no second parse), else
   * `parse()`'s, kept for the lookups of the files validated next.
   */
  parsedFor<T>(path: string, text: string, parse: () => T): T {
    const hit = this.cache.get(path);
    if (hit && hit.text === text) {
      this.remember(path, text, hit.parsed, true);
      return hit.parsed as T;
    }
    const parsed = parse();
    this.remember(path, text, parsed, true);
    return parsed;
  }

  containing(needle: string): Iterable<WorkspaceFile> {
    this.build();
    if (NAME_SHAPE.test(needle)) return (this.words.get(needle) ?? []).map(i => this.entries[i]!);
    // Perf: other needles (`-operator`, `openshift.io/`) are few and fixed: one scan of the texts each per run.
    let hit = this.substringHits.get(needle);
    if (!hit) {
      hit = this.entries.filter(f => f.text()?.includes(needle) ?? false);
      this.substringHits.set(needle, hit);
    }
    return hit;
  }

  /**
   * Keeps a parse, as the most recent. While the index is built nothing is evicted to make room (the files are then
   * validated in the order they were indexed: the first ones parsed are the first needed again, and an LRU would have
   * dropped them all); afterwards the least recent parses make room (`evict`), so the cache follows the files being
   * validated and the ones they look up.
   */
  private remember(path: string, text: string, parsed: unknown, evict = false): void {
    if (!this.byPath.has(path) || text.length > this.cacheChars) return;
    const old = this.cache.get(path);
    if (old) {
      this.cache.delete(path);
      this.cachedChars -= old.text.length;
    } else if (!evict && this.cachedChars + text.length > this.cacheChars) return;
    this.cache.set(path, { text, parsed });
    this.cachedChars += text.length;
    for (const [p, e] of this.cache) {
      if (this.cachedChars <= this.cacheChars) break;
      this.cache.delete(p);
      this.cachedChars -= e.text.length;
    }
  }
}

/** The keys and string values (up to MAX_WORD characters) of a parse's documents that are not templates. */
function wordsOf(parsed: unknown): Set<string> {
  const out = new Set<string>();
  const file = fromParsed(parsed);
  if (!file) return out;
  for (const doc of file.documents) {
    if (doc.part.templated) continue;
    let budget = MAX_WORDS_PER_DOC;
    const stack: unknown[] = [dataOf(doc.part).value];
    while (stack.length && budget-- > 0) {
      const v = stack.pop();
      if (typeof v === 'string') {
        if (v.length <= MAX_WORD) out.add(v);
      } else if (Array.isArray(v)) stack.push(...(v as unknown[]));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          if (k.length <= MAX_WORD) out.add(k);
          stack.push(x);
        }
      }
    }
    for (const w of [doc.part.header.kind, doc.part.header.name, doc.part.header.namespace, doc.part.header.apiVersion]) if (w) out.add(w);
  }
  return out;
}
