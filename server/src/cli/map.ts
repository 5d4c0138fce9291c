/**
 * `pgtls map [--format json|dot|svg] PATH`: the TLS map (server/src/map/) of a file or folder, as JSON (the model),
 * Graphviz DOT or SVG. Files are found and read as `pgtls check` finds and reads them (the same walker and the same
 * ServiceEnv); places are shown relative to the current folder. Exit 0 without errors on the map, 1 with errors, 2 bad usage.
 */
import * as path from 'node:path';
import { buildTlsMap, toDot, toSvg } from '../map';
import type { ServiceEnv } from '../core/types';
import type { Service } from '../service';
import { UsageError, choiceFlag, parseArgs, type CliIo } from './args';
import { checkRoots, collectFiles, parseCheckArgs } from './check';

const FORMATS = ['json', 'dot', 'svg'] as const;

export const MAP_HELP = `  pgtls map [--format json|dot|svg] PATH
                                    the chain of trust the files configure: CAs, certificates, the Secrets and
                                    files that hold them, the servers, Services and users they serve; broken
                                    links carry the diagnostic of pgtls check (default json; svg needs no Graphviz)
`;

export function runMap(args: string[], io: CliIo, make: (roots: readonly string[]) => { service: Service; env: ServiceEnv }): number {
  const p = parseArgs(args, { flags: { format: 'list' }, positional: true, command: 'map' });
  const format = choiceFlag(p, 'format', FORMATS) ?? 'json';
  if (p.positional.length !== 1) throw new UsageError('map needs one file or folder');
  if (p.positional[0] === '-') throw new UsageError('map reads files, not standard input');
  // The settings of `check` at their defaults (parseCheckArgs only for them).
  const { settings } = parseCheckArgs([p.positional[0]!]);
  const roots = checkRoots(p.positional);
  const { service, env } = make(roots);
  const files = collectFiles(service, p.positional, m => io.err(`pgtls: ${m}\n`));
  const inputs = [];
  for (const f of files) {
    const abs = path.resolve(f);
    const text = env.readText(abs);
    if (text === undefined) { io.err(`pgtls: cannot read ${f}\n`); continue; }
    inputs.push({ path: abs, text, languageId: service.languageOf(abs)! });
  }
  const show = (abs: string) => {
    const rel = path.relative(process.cwd(), abs);
    return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs).split(path.sep).join('/');
  };
  const map = buildTlsMap(service, env, { files: inputs, settings, show });
  io.out(format === 'json' ? JSON.stringify(map, null, 2) + '\n' : format === 'dot' ? toDot(map) : toSvg(map));
  const errors = [...map.nodes, ...map.edges].some(x => x.diagnostics.some(d => d.severity === 'error'));
  return errors ? 1 : 0;
}
