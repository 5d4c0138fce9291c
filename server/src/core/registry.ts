import type { LanguageMode } from './language';
import type { RuleMeta } from './types';
import { MODES } from '../languages';

/** Rules of the core itself, independent of any language. */
export const CORE_RULES: readonly RuleMeta[] = [
  { id: 'pgtls/binary-file', severity: 'warning', description: 'The file contains NUL bytes and is not validated.', source: 'pgtls' },
  { id: 'pgtls/file-too-large', severity: 'warning', description: 'The file is larger than pgtls validates (16 MiB).', source: 'pgtls' },
  { id: 'pgtls/internal-error', severity: 'error', description: 'pgtls failed on this file; please report it with the file attached.', source: 'pgtls' },
];

/** THE table of every rule of every language, keyed by id; ids are unique (checked at load). */
export const RULES: ReadonlyMap<string, RuleMeta> = (() => {
  const map = new Map<string, RuleMeta>();
  const all: RuleMeta[] = [...CORE_RULES, ...MODES.flatMap((m: LanguageMode) => m.rules)];
  for (const r of all) {
    if (map.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
    map.set(r.id, r);
  }
  return map;
})();
