/**
 * The checks across parameters that Pgpool-II makes after reading the whole file (`config_post_processor`,
 * `SetPgpoolNodeId`, include handling): online recovery, quorum in native replication, spare children, the
 * watchdog node id file, includes.
 */
import type { ValidateContext } from '../../../core/language';
import { dirName, joinPath } from '../../../core/deployPaths';
import { listing } from '../../../core/text';
import { describeLocated, pathLocator, reportNotChecked } from '../../../deploy';
import { versionLess } from '../catalogue';
import { boolOf, dirOf, type Assignment, type PgpoolConfFile } from '../model';
import { R } from '../rules';
import { INT64_MAX, INT_MAX, parseIntValue } from '../values';
import { pathCode, type ParamCheck } from './common';

const MAX_WATCHDOG_NUM = 128;

/** A parameter-check run with what the file ends up with (see `checkParams`). */
export interface CrossCheck extends ParamCheck {
  /** The last assignment of each effective parameter key (canonical name plus node number). */
  effective: Map<string, Assignment>;
  ctx: ValidateContext;
  file: PgpoolConfFile;
}

/** Runs the checks across parameters. */
export function checkCross(c: CrossCheck): void {
  checkRecovery(c);
  checkQuorum(c);
  checkSpareChildren(c);
  checkWatchdogNodeId(c);
  checkIncludes(c);
}

/** The effective assignment of a canonical key (`name` or `nameN`). */
function eff(c: CrossCheck, key: string): Assignment | undefined {
  return c.effective.get(key);
}

function effInt(c: CrossCheck, key: string, dflt: number): { value: number; at?: Assignment } | undefined {
  const a = eff(c, key);
  if (!a) return { value: dflt };
  const p = c.cat.param(a.name, c.version);
  const r = parseIntValue(a.value, p?.unit, INT64_MAX);
  return r.ok ? { value: r.value, at: a } : undefined;
}

function effBool(c: CrossCheck, key: string, dflt: boolean): { value: boolean; at?: Assignment } {
  const a = eff(c, key);
  return a ? { value: boolOf(a, dflt), at: a } : { value: dflt };
}

function checkRecovery(c: CrossCheck): void {
  const cmds = ['recovery_1st_stage_command', 'recovery_2nd_stage_command'].map(k => eff(c, k)).filter((a): a is Assignment => !!a && a.value !== '');
  if (cmds.length === 0) return;
  const missing: { index: number; port: Assignment }[] = [];
  for (let i = 0; i <= 128; i++) {
    const port = eff(c, `backend_port${i}`);
    if (!port) continue;
    const r = parseIntValue(port.value, undefined, INT_MAX);
    if (!r.ok || r.value === 0) continue;
    if ((eff(c, `backend_data_directory${i}`)?.value ?? '') === '') missing.push({ index: i, port });
  }
  if (missing.length === 0) return;
  const at = cmds[0]!;
  const names = missing.map(m => `backend_data_directory${m.index}`);
  c.report(
    R['recovery-needs-data-directory'], at.keySpan,
    `\`${at.key}\` is set but ${listing(names.slice(0, 4))}${names.length > 4 ? ' and others are' : names.length > 1 ? ' are' : ' is'} empty for a backend with a port, so Pgpool-II refuses to start; set the data directory of every backend.`,
    { related: missing.slice(0, 8).map(m => ({ file: c.doc.path, span: m.port.keySpan, message: `backend ${m.index} has no \`backend_data_directory${m.index}\`` })) },
  );
}

function checkQuorum(c: CrossCheck): void {
  const rm = effBool(c, 'replication_mode', false);
  if (!rm.value || !rm.at) return;
  const q = effBool(c, 'failover_when_quorum_exists', true);
  if (!q.value) return;
  c.report(
    R['quorum-in-native-replication'], rm.at.keySpan,
    `\`replication_mode\` is on while \`failover_when_quorum_exists\` is on${q.at ? '' : ' (its default)'}, a combination Pgpool-II refuses at start; set \`failover_when_quorum_exists = off\`.`,
    { related: q.at ? [{ file: c.doc.path, span: q.at.keySpan, message: '`failover_when_quorum_exists` is on here' }] : undefined },
  );
}

function checkSpareChildren(c: CrossCheck): void {
  if (versionLess(c.version, '4.4')) return;
  const mode = eff(c, 'process_management_mode');
  if (!mode || mode.value.toLowerCase() !== 'dynamic') return;
  const min = effInt(c, 'min_spare_children', 5);
  const max = effInt(c, 'max_spare_children', 10);
  const nic = effInt(c, 'num_init_children', 32);
  if (!min || !max || !nic) return;
  const at = max.at ?? min.at ?? mode;
  if (min.value >= max.value) {
    c.report(
      R['spare-children'], at.keySpan,
      `With \`process_management_mode = dynamic\`, \`max_spare_children\` (${max.value}) must be greater than \`min_spare_children\` (${min.value}), so Pgpool-II refuses to start; raise max_spare_children or lower min_spare_children.`,
    );
  }
  if (max.value > nic.value) {
    c.report(
      R['spare-children'], (max.at ?? nic.at ?? mode).keySpan,
      `With \`process_management_mode = dynamic\`, \`max_spare_children\` (${max.value}) cannot be greater than \`num_init_children\` (${nic.value}), so Pgpool-II refuses to start; lower max_spare_children or raise num_init_children.`,
    );
  }
}

/** Whether the document has a real file-system path (not an untitled buffer), so that files beside it can be looked up. */
function onDisk(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}

function checkWatchdogNodeId(c: CrossCheck): void {
  if (!c.ctx.settings.checkFiles || !onDisk(c.doc.path)) return;
  const wd = effBool(c, 'use_watchdog', false);
  if (!wd.value || !wd.at) return;
  // Pgpool-II reads the file beside the pgpool.conf it runs with: where a mapping says this file runs (a compose bind
  // mount of the file alone, say), the node id file is looked for there, and may be one only the container has.
  const locator = pathLocator(c.ctx, c.doc.path);
  const deployed = locator.deployPath();
  const loc = deployed ? locator.locate(joinPath(dirName(deployed), 'pgpool_node_id')) : locator.locate('pgpool_node_id');
  if (loc.status === 'unresolved') return;
  if (loc.status === 'unseen') { reportNotChecked(c.ctx, loc, wd.at.keySpan, '`use_watchdog` is on; its node id file '); return; }
  const file = describeLocated(loc, pathCode);
  const say = (what: string, fix = 'write this node\'s number (0, 1, …) in it'): void => c.report(
    R['watchdog-node-id'], wd.at!.keySpan,
    `\`use_watchdog\` is on but ${what}, so Pgpool-II on this machine would refuse to start; ${fix}.`,
  );
  const text = loc.stat?.isFile ? loc.read() : undefined;
  if (text === undefined) { say(`${file} does not exist`, 'create it with this node\'s number (0, 1, …)'); return; }
  // Pgpool-II reads at most 8 characters of the first line and strips one trailing newline.
  let buf = text.slice(0, 8);
  const nl = buf.indexOf('\n');
  if (nl >= 0) buf = buf.slice(0, nl + 1);
  if (buf.endsWith('\n')) buf = buf.slice(0, -1);
  if (buf === '') { say(`${file} is empty`); return; }
  if (!/^[0-9]+$/.test(buf)) {
    say(`${file} does not hold a plain number${buf.includes('\r') ? ' (it has a Windows line ending)' : ''}`);
    return;
  }
  const id = Number(buf);
  if (id > MAX_WATCHDOG_NUM) { say(`node id ${id} in ${file} is greater than ${MAX_WATCHDOG_NUM}`); return; }
  const port = effInt(c, `wd_port${id}`, 0);
  if (port && port.value <= 0) {
    c.report(
      R['watchdog-node-id'], wd.at.keySpan,
      `\`use_watchdog\` is on and ${file} says this is node ${id}, but \`wd_port${id}\` is not set, so Pgpool-II on this machine would refuse to start ("no watchdog configuration for local pgpool node"); set \`hostname${id}\`, \`wd_port${id}\` and \`pgpool_port${id}\`.`,
    );
  }
}

function checkIncludes(c: CrossCheck): void {
  for (const inc of c.file.includes ?? []) {
    if (inc.missingValue || inc.value === '') {
      c.report(R['include-not-found'], inc.keySpan, '`include` has no file name, so Pgpool-II cannot open it and stops with a syntax error; write `include = \'file.conf\'`.');
      continue;
    }
    const dir = dirOf(c.doc.path);
    const target = /^([A-Za-z]:)?[\\/]/.test(inc.value) ? inc.value : `${dir === '/' ? '' : dir}/${inc.value}`;
    if (normalize(target) === normalize(c.doc.path)) {
      c.report(R['include-not-found'], inc.valueSpan, `\`include\` names this file itself, so Pgpool-II nests until its depth limit of 10 and does not start; remove the line.`);
      continue;
    }
    if (!c.ctx.settings.checkFiles || !onDisk(target)) continue;
    const loc = pathLocator(c.ctx, c.doc.path).locate(inc.value);
    if (loc.status === 'unresolved') continue;
    if (loc.status === 'unseen') { reportNotChecked(c.ctx, loc, inc.valueSpan, '`include`: '); continue; }
    const st = loc.stat;
    if (!st || !st.isFile) {
      c.report(
        R['include-not-found'], inc.valueSpan,
        `\`include\`: ${describeLocated(loc, pathCode)} ${st ? 'is not a file' : 'does not exist'}, so Pgpool-II cannot open it and stops with a syntax error; fix the path${loc.via ? ' or the mapping' : ' (relative paths start at this file\'s folder)'}.`,
      );
    }
  }
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
