/**
 * `pgtls check` at scale (issue 13): a generated tree of 10,000 YAML files (bench/cliTree.ts: Secrets with real
 * certificates, CYBERTEC clusters and cert-manager resources that reference them, some references to Secrets that are
 * nowhere) in two layouts, 1,000 folders of 10 and 10 folders of 1,000; whole `pgtls check` processes (`--jobs 1` and
 * `--jobs 2`) against the floor, a Node.js script that reads and YAML-parses the same files (bench/cliFloor.mjs), each
 * under /usr/bin/time for its wall time and peak RSS; and whether both layouts give the same findings.
 *
 * `PGTLS_BENCH_CLI_GROUPS` (default 1000 groups of 10 files) and `PGTLS_BENCH_CLI_RUNS` (default 3, medians) make a
 * smaller run to try the script. Not a test: nothing asserts on time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTreeCerts, normalise, writeTree } from './cliTree';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const FLOOR = path.join(ROOT, 'bench/cliFloor.mjs');

interface Run { wall: number; rssKb: number; out: string }

/** One process under /usr/bin/time -v: its wall time (s), peak RSS (KiB) and standard output. */
function timed(args: string[], cwd: string): Run {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!wallText || !rss) throw new Error(`no figures from /usr/bin/time for ${args.join(' ')}: ${r.stderr.slice(-2000)}`);
  const wall = Number(wallText[1] ?? 0) * 3600 + Number(wallText[2]) * 60 + Number(wallText[3]);
  return { wall, rssKb: Number(rss[1]), out: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The findings of a JSON output, by layout-free file name, sorted. */
function findings(out: string): string[] {
  const j = JSON.parse(out) as { diagnostics: { file: string; line: number; column: number; rule: string; message: string }[] };
  return j.diagnostics.map(d => `${normalise(d.file)}:${d.line}:${d.column} ${d.rule} ${d.message}`).sort();
}

export async function benchCli(): Promise<string> {
  const groups = Number(process.env.PGTLS_BENCH_CLI_GROUPS ?? 1000);
  const runs = Number(process.env.PGTLS_BENCH_CLI_RUNS ?? 3);
  const work = path.join(ROOT, 'bench/.work/cli');
  fs.rmSync(work, { recursive: true, force: true });
  const certs = makeTreeCerts(8);
  const files = writeTree(path.join(work, 'spread'), 'spread', groups, certs);
  writeTree(path.join(work, 'packed'), 'packed', groups, certs, 10);
  const bytes = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile()).reduce((n, e) => n + fs.statSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).size, 0);
  const mb = (bytes(path.join(work, 'spread')) / 1e6).toFixed(1);
  const load = os.loadavg().map(x => x.toFixed(2)).join(', ');
  const busy = os.loadavg()[0]! > os.availableParallelism() / 2
    ? ' **The machine was busy (load average above half its cores): these figures are not final; `--jobs 2` has no idle core to use.**'
    : '';
  const commands: [string, string[]][] = [
    ['floor (read + parse)', [FLOOR]],
    ['pgtls check --jobs 1', [CLI, 'check', '--format', 'json', '--jobs', '1']],
    ['pgtls check --jobs 2', [CLI, 'check', '--format', 'json', '--jobs', '2']],
  ];
  const rows: string[] = [];
  const outputs = new Map<string, string>();
  const results = new Map<string, { wall: number; rss: number }>();
  for (const layout of ['spread', 'packed'] as const) {
    const per = new Map<string, Run[]>(commands.map(([name]) => [name, []]));
    // Interleaved, so that a change in the machine's load touches every command alike.
    for (let i = 0; i < runs; i++) {
      for (const [name, args] of commands) {
        const r = timed([...args, layout], work);
        per.get(name)!.push(r);
        if (name !== commands[0]![0]) outputs.set(`${layout} ${name}`, r.out);
        console.log(`${layout} ${name}: ${r.wall.toFixed(2)} s, ${(r.rssKb / 1024).toFixed(0)} MiB`);
      }
    }
    for (const [name] of commands) {
      const rs = per.get(name)!;
      results.set(`${layout} ${name}`, { wall: median(rs.map(r => r.wall)), rss: median(rs.map(r => r.rssKb)) });
    }
    const floor = results.get(`${layout} ${commands[0]![0]}`)!;
    for (const [name] of commands) {
      const r = results.get(`${layout} ${name}`)!;
      rows.push(`| ${layout === 'spread' ? `${groups} folders of 10` : `10 folders of ${groups}`} | ${name} | ${r.wall.toFixed(2)} | ${(r.wall / floor.wall).toFixed(2)}× | ${(r.rss / 1024).toFixed(0)} | ${(r.rss / floor.rss).toFixed(2)}× |`);
    }
  }
  const a = findings(outputs.get('spread pgtls check --jobs 1')!);
  const b = findings(outputs.get('packed pgtls check --jobs 1')!);
  const same = a.length === b.length && a.every((x, i) => x === b[i]);
  const jobsSame = ['spread', 'packed'].every(l => outputs.get(`${l} pgtls check --jobs 1`) === outputs.get(`${l} pgtls check --jobs 2`));
  const count = (rule: string) => a.filter(f => f.includes(` ${rule} `)).length;
  const worst = (what: 'wall' | 'rss', jobs: string) => Math.max(...['spread', 'packed'].map(l => results.get(`${l} pgtls check --jobs ${jobs}`)![what] / results.get(`${l} floor (read + parse)`)![what]));
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const wall2 = worst('wall', '2');
  const rss1 = worst('rss', '1');
  const rss2 = worst('rss', '2');
  return `## \`pgtls check\` at scale: ${files.toLocaleString('en')} YAML files in two layouts vs. the read-and-parse floor

Generated by \`npm run bench\` (bench/cli.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.availableParallelism()} cores,
load average at the start ${load}. The tree (bench/cliTree.ts, ${mb} MB): groups of 10 files, a CA Secret and a
server certificate Secret with real certificates, CYBERTEC \`postgresql\` clusters and cert-manager Issuers and
Certificates that reference them (the certificates do not name the clusters' Services: true \`cpo/server-san\`
findings), a reference to a Secret that is nowhere in every fifth group (\`secret/not-found\`), and a ConfigMap, a
Deployment and a Service. Whole processes under /usr/bin/time, median of ${runs} interleaved runs; the floor is a
Node.js script that walks the same folders, reads every file and parses it with the same YAML library
(bench/cliFloor.mjs). \`--jobs 2\` starts two workers, which parse shares of the index and take the merged words.${busy}

| layout | command | wall (s) | × floor | peak RSS (MiB) | × floor |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Same findings in both layouts: ${same ? 'yes' : '**no**'} (${a.length} findings: ${count('secret/not-found')} \`secret/not-found\`, ${count('cpo/server-san')} \`cpo/server-san\`).
\`--jobs 1\` and \`--jobs 2\` print the same bytes: ${jobsSame ? 'yes' : '**no**'}.

Targets (issue 13): wall ≤ 2× the floor on 2 cores: ${wall2.toFixed(2)}× at worst with \`--jobs 2\`, ${verdict(wall2 <= 2)};
peak RSS ≤ 1.5× the floor's: ${rss1.toFixed(2)}× with \`--jobs 1\` (${verdict(rss1 <= 1.5)}), ${rss2.toFixed(2)}× with \`--jobs 2\` (${verdict(rss2 <= 1.5)});
the same findings in both layouts: ${verdict(same)}.
`;
}
