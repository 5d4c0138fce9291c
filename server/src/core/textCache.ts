/**
 * A bounded cache of what was made from a text, by key and text: an entry is used only while the text it was made
 * from is still the text (so an edit, on disk or in the editor, is always seen), and the least recently used
 * entries go when the texts held pass `maxChars` or the entries `maxEntries`. The façade keeps the parses of sibling
 * files in one (service.ts): a CRD of `pgtls.crdPaths` or a pgpool.conf beside a pool_hba.conf is read again on
 * every validation, but parsed again only when its text changed.
 */
export interface TextCache<T> {
  get(key: string, text: string, make: () => T): T;
  readonly size: number;
}

export function createTextCache<T>(maxChars: number, maxEntries: number): TextCache<T> {
  const entries = new Map<string, { text: string; value: T }>();
  let chars = 0;
  return {
    get(key, text, make) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        chars -= hit.text.length;
        if (hit.text === text) {
          entries.set(key, hit); // most recently used last
          chars += text.length;
          return hit.value;
        }
      }
      const value = make();
      if (text.length <= maxChars) {
        entries.set(key, { text, value });
        chars += text.length;
        for (const [k, e] of entries) {
          if (chars <= maxChars && entries.size <= maxEntries) break;
          entries.delete(k);
          chars -= e.text.length;
        }
      }
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
