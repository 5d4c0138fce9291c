/**
 * The messages for keys the selected version does not apply as written (`pgpool-conf/unknown-parameter`, one rule
 * for every name Pgpool-II reports as unrecognised, with a message per cause: added later, removed or renamed, a
 * name of another program, or a misspelling), and for names it still accepts but that no longer do what they say
 * (`obsolete-parameter`). names.ts decides what the version does; this file says it.
 */
import type { Fix } from '../../../core/types';
import { OLD_VALUES, SUB_MODE_TO_CLUSTERING } from '../history';
import { boolOf, type Assignment } from '../model';
import { isCurrentName, nameStatus, suggestElsewhere, suggestNames, type UnknownCause } from '../names';
import { R } from '../rules';
import { orList, type ParamCheck, type UnknownAdvice } from './common';

/** What every unknown-name message says Pgpool-II does. */
const IGNORES = 'ignores the line (it logs only an INFO message, below the default log level)';

const rename = (a: Assignment, to: string, preferred = true): Fix =>
  ({ title: `Rename to ${to}`, edits: [{ span: a.keySpan, newText: to }], ...(preferred ? { preferred } : {}) });

/** Reports a key the selected version does not know, with the message for its cause. */
export function reportUnknown(pc: ParamCheck, a: Assignment, why: UnknownCause): void {
  const { version } = pc;
  const v = `Pgpool-II ${version}`;
  const k = `\`${a.key}\``;
  let message: string;
  let fixes: Fix[] | undefined;
  switch (why.cause) {
    case 'later': {
      const pred = why.predecessor;
      const singleValue = !a.value.includes(',');
      message = `${k} exists only from Pgpool-II ${why.from} on${pred ? ` (it replaced \`${pred}\`)` : ''}; ${v} does not know it and ${IGNORES}; `
        + (pred ? `write \`${pred}\`${pred === 'socket_dir' ? ' (one folder)' : ''} for ${version}, or set \`pgtls.pgpoolVersion\` to the version you run.`
          : 'remove it, or set `pgtls.pgpoolVersion` to the version you run.');
      if (pred && (singleValue || pred !== 'socket_dir')) fixes = [rename(a, pred)];
      break;
    }
    case 'removed': {
      const s = why.successor;
      message = s
        ? `${k} was renamed \`${s}\` in Pgpool-II ${why.removedIn}; ${v} does not know the old name and ${IGNORES}, so Pgpool-II uses the default of \`${s}\`; rename it to \`${s}\`.`
        : `${k} was removed in Pgpool-II ${why.removedIn}; ${v} does not know it and ${IGNORES}; remove it, or set \`pgtls.pgpoolVersion\` to the version you run.`;
      if (s && why.mechanical) fixes = [rename(a, s)];
      break;
    }
    case 'old':
      ({ message, fixes } = oldName(pc, a, why));
      break;
    case 'foreign':
      if (why.equivalent && isCurrentName(pc.cat, why.equivalent, version)) {
        message = `${k} is ${why.from}'s name; Pgpool-II's is \`${why.equivalent}\`, and ${v} ${IGNORES}; rename it to \`${why.equivalent}\`.`;
        fixes = [rename(a, why.equivalent)];
      } else {
        message = `${why.from ? `${k} is a ${why.from} setting` : `Pgpool-II has no ${k}`}: ${why.note ?? 'Pgpool-II has no such setting'}; ${v} ${IGNORES}; remove it.`;
      }
      break;
    default: {
      let advice = pc.unknownAdvice.get(a.key);
      if (!advice) pc.unknownAdvice.set(a.key, (advice = adviseUnknown(pc, a.key)));
      message = advice.message;
      const ad = advice;
      fixes = ad.replacements.map((s, i): Fix => rename(a, s, i === 0 && ad.preferFirst));
      fixes.forEach(f => { f.title = f.title.replace(/^Rename to/, 'Change to'); });
    }
  }
  pc.report(R['unknown-parameter'], a.keySpan, message, fixes?.length ? { fixes } : {});
}

/** A name that no version from 4.3 on has (history.ts OLD_NAMES). */
function oldName(pc: ParamCheck, a: Assignment, why: Extract<UnknownCause, { cause: 'old' }>): { message: string; fixes?: Fix[] } {
  const { version } = pc;
  const v = `Pgpool-II ${version}`;
  const k = `\`${a.key}\``;
  const r = why.rename;
  const s = r.successor;
  if (why.name === 'master_slave_mode' || why.name === 'master_slave_sub_mode') return clusteringMode(pc, a);
  if (s && r.mechanical && isCurrentName(pc.cat, s, version)) {
    return { message: `${k} was renamed \`${s}\` in Pgpool-II ${r.removedIn}; ${v} does not know the old name and ${IGNORES}; rename it to \`${s}\`.`, fixes: [rename(a, s)] };
  }
  if (r.perNode || why.name === 'wd_hostname' || why.name === 'wd_heartbeat_port') {
    return { message: `${k} is a watchdog setting of Pgpool-II 4.1 and before (\`${s}N\` took its place in ${r.removedIn}); ${v} does not know it and ${IGNORES}; ${r.instead}.` };
  }
  if (s) return { message: `${k} was removed in Pgpool-II ${r.removedIn} (\`${s}\` took its place); ${v} does not know it and ${IGNORES}; write ${r.instead ?? `\`${s}\``} instead.` };
  return { message: `${k} was removed in Pgpool-II ${r.removedIn}${r.why ? ` (${r.why})` : ''}; ${v} does not know it and ${IGNORES}; remove the line.` };
}

/** The last assignment of `key` in this file. */
const lastOf = (pc: ParamCheck, key: string): Assignment | undefined => {
  const all = pc.assignments ?? [];
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.key === key && !all[i]!.phantom) return all[i];
  return undefined;
};

/**
 * master_slave_mode / master_slave_sub_mode (4.1 and before): what this file meant, in 4.2's terms (release-4.2.sgml,
 * "Migration"). Without `backend_clustering_mode` Pgpool-II runs in its default mode, streaming_replication, where
 * these lines with master_slave_mode off meant raw mode.
 */
function clusteringMode(pc: ParamCheck, a: Assignment): { message: string; fixes?: Fix[] } {
  const { version, cat } = pc;
  const k = `\`${a.key}\``;
  const head = `${k} was replaced by \`backend_clustering_mode\` in Pgpool-II 4.2; Pgpool-II ${version} does not know it and ${IGNORES}`;
  const set = lastOf(pc, 'backend_clustering_mode');
  if (set) return { message: `${head}; this file sets \`backend_clustering_mode\`, which decides the mode, so remove the line.` };
  const msm = lastOf(pc, 'master_slave_mode');
  const sub = lastOf(pc, 'master_slave_sub_mode');
  const on = boolOf(msm, false);
  const subValue = (sub?.value ?? 'stream').toLowerCase();
  const meant = on ? SUB_MODE_TO_CLUSTERING[subValue] : boolOf(lastOf(pc, 'replication_mode'), false) ? 'native_replication' : 'raw';
  const dflt = cat.param('backend_clustering_mode', version)?.default ?? 'streaming_replication';
  const runs = `so Pgpool-II runs in ${dflt} mode (the default of \`backend_clustering_mode\`)`;
  if (!meant) return { message: `${head}, ${runs}; set \`backend_clustering_mode\` to the mode you want.` };
  const available = cat.param('backend_clustering_mode', version)?.enum?.includes(meant) ?? false;
  const what = on ? `master_slave_mode = on with master_slave_sub_mode = '${subValue}'` : `master_slave_mode = off${meant === 'raw' ? '' : ' with replication_mode = on'}`;
  if (!available) return { message: `${head}, ${runs}; these lines meant ${meant} mode (${what}), which ${version} no longer has.` };
  const write = `backend_clustering_mode = '${meant}'`;
  const intent = meant === dflt ? ', which is what these lines meant' : `, not ${meant} mode as these lines meant`;
  const message = `${head}, ${runs}${intent} (${what}); write \`${write}\` instead.`;
  // The fix replaces the master_slave_mode statement; the sub-mode line then goes with its own message.
  if (a !== msm) return { message };
  return { message, fixes: [{ title: `Change to ${write}`, edits: [{ span: [a.keySpan[0], a.valueSpan[1]], newText: write }], preferred: true }] };
}

/** The message and the did-you-mean candidates for a key that was never a parameter name (once per key and run). */
function adviseUnknown(pc: ParamCheck, key: string): UnknownAdvice {
  const { cat, version } = pc;
  const k = `\`${key}\``;
  if (key === 'include_dir' || key === 'include_if_exists') {
    return {
      message: `Pgpool-II has no ${k} (only \`include = 'file'\`), so it ignores this line; use \`include\` with a file name.`,
      replacements: ['include'], preferFirst: false,
    };
  }
  const elsewhere = suggestElsewhere(cat, key, version);
  // A name of this version only when the key is not at least as close to a name this version does not know
  // (`whit_function_list` is the old `white_function_list`, not `write_function_list`).
  const suggestions = suggestNames(cat, key, version).filter(s => !elsewhere || s.cost < elsewhere.cost).map(s => s.name);
  // A known name with different letter case is the likeliest intent: offer it first.
  const caseOnly = suggestions.find(s => s.toLowerCase() === key.toLowerCase());
  const ordered = caseOnly ? [caseOnly, ...suggestions.filter(s => s !== caseOnly)] : suggestions;
  const head = `Pgpool-II does not know ${k}: it ${IGNORES}`;
  if (caseOnly) return { message: `${head}; names are case-sensitive, write \`${caseOnly}\`.`, replacements: ordered, preferFirst: true };
  if (ordered.length) return { message: `${head}; did you mean ${orList(ordered)}?`, replacements: ordered, preferFirst: ordered.length === 1 };
  // A misspelt old or foreign name, or a name of another version: say what it is in this version.
  const st = elsewhere ? nameStatus(cat, elsewhere.name, version) : undefined;
  if (elsewhere && st?.kind === 'unknown') {
    const old = elsewhere.name;
    const why = st.why;
    const now = why.cause === 'old' && why.rename.mechanical ? why.rename.successor
      : why.cause === 'foreign' ? why.equivalent
        : why.cause === 'later' ? why.predecessor
          : why.cause === 'removed' && why.mechanical ? why.successor : undefined;
    const what = why.cause === 'later' ? `Pgpool-II ${version} does not have it (it exists from ${why.from} on)`
      : why.cause === 'removed' ? `Pgpool-II ${version} does not have it (it was removed in ${why.removedIn})`
        : why.cause === 'old' ? `that name was ${why.rename.mechanical ? `renamed \`${why.rename.successor}\`` : 'removed'} in Pgpool-II ${why.rename.removedIn}`
          : why.cause === 'foreign' && why.from ? `that is ${why.from}'s name, which Pgpool-II does not know either`
            : `Pgpool-II ${version} does not know that name either`;
    if (now && isCurrentName(cat, now, version)) {
      return { message: `${head}; did you mean \`${old}\`? ${what}; write \`${now}\`.`, replacements: [now], preferFirst: false };
    }
    return { message: `${head}; if you meant \`${old}\`, ${what}.`, replacements: [], preferFirst: false };
  }
  const weird = [...key].find(ch => ch.charCodeAt(0) >= 128);
  const hint = weird
    ? `the name contains the non-ASCII character U+${weird.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, check it.`
    : 'check the name against the Pgpool-II documentation.';
  return { message: `${head}; ${hint}`, replacements: [], preferFirst: false };
}

/**
 * replication_mode (history.ts OBSOLETE): still accepted without a message, but since 4.2 only
 * `backend_clustering_mode` selects the mode. ON is a warning unless the file also selects native replication;
 * OFF only a hint (the line does nothing).
 */
export function reportObsolete(pc: ParamCheck, a: Assignment, successor: string, since: string): void {
  const { version, cat } = pc;
  const set = lastOf(pc, successor);
  const mode = set?.value.toLowerCase() ?? cat.param(successor, version)?.default ?? 'streaming_replication';
  const on = boolOf(a, false);
  if (on && mode === 'native_replication') return;
  const head = `\`${a.key}\` no longer selects the clustering mode (since Pgpool-II ${since} \`${successor}\` does): Pgpool-II ${version} accepts the line without a message`;
  if (!on) {
    pc.report(R['obsolete-parameter'], [a.keySpan[0], a.valueSpan[1]], `${head} and it has no effect; remove it.`, { severity: 'hint', tags: ['unnecessary'] });
    return;
  }
  const where = set ? `the ${mode} mode that \`${successor}\` sets` : `${mode} mode (the default of \`${successor}\`)`;
  const write = `${successor} = 'native_replication'`;
  pc.report(
    R['obsolete-parameter'], a.keySpan,
    `${head} and runs in ${where}, not native replication; write \`${write}\` instead.`,
    { fixes: set ? undefined : [{ title: `Change to ${write}`, edits: [{ span: [a.keySpan[0], a.valueSpan[1]], newText: write }], preferred: true }] },
  );
}

/** A value renamed in 4.2 (history.ts OLD_VALUES): the new spelling, if `value` is an old one of `param`. */
export function renamedValue(param: string, value: string): string | undefined {
  const table = OLD_VALUES[param];
  if (!table) return undefined;
  for (const [old, now] of Object.entries(table)) if (old.toLowerCase() === value.toLowerCase()) return now;
  return undefined;
}
