/**
 * PostgreSQL 15 itself as the oracle for pg_hba.conf: a throwaway cluster (initdb in a temp folder, Unix socket only,
 * ssl = on with a throwaway certificate so that hostssl lines are valid), started with a known-good pg_hba.conf; then
 * the corpus file replaces it and `pg_hba_file_rules` (which re-reads the file on disk) says, line by line, what
 * PostgreSQL accepts. pgtls must report an error on exactly the lines PostgreSQL rejects.
 *
 * The corpus is every record line of the pg-hba fixtures (those that do not need PostgreSQL 16 or other files) plus
 * the lines below. RADIUS server names are replaced by loopback addresses, because PostgreSQL resolves them at load.
 * `sspi`/`bsd` are warnings for pgtls (they exist on Windows/OpenBSD) but errors on this Linux build.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/core/text';
import { ROOT, check, testService } from '../helpers';
import { freePort } from '../ports';
import { assertTools, missing } from '../requires';

const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';
const TOOLS = [path.join(PGBIN, 'initdb'), path.join(PGBIN, 'pg_ctl'), path.join(PGBIN, 'postgres'), 'psql', 'openssl'];

const EXTRA_LINES = [
  'host all all 10/8 trust',
  'host all all 127.1/32 trust',
  'host all all 0x7f.1/32 trust',
  'host all all 017.0.0.1/32 trust',
  'host all all 2130706433/32 trust',
  'host all all 1.2.3.4/08 trust',
  'host all all 1.2.3.4/-0 trust',
  'host all all 1.2.3.4/+8 trust',
  'host all all 1.2.3.4/ trust',
  'host all all 1.2.3.4 0.0.0.0x trust',
  'host all all 1.2.3.4 255.255 trust',
  'host all all ::ffff:1.2.3.4/128 trust',
  'host all all 1.2.3.4.5 trust',
  'host all all 256.1.1.1/32 trust',
  'host all all "all" trust',
  'host all all "samenet" trust',
  'host "all" "+admins" samehost trust',
  'host all all all "trust"',
  '"hostssl" all all all "cert"',
  'host all all all trust =x',
  'host all all all trust clientcert',
  'host all all all ldap ldapbasedn=',
  'host all all all ldap "ldapserver=a,b" ldapbasedn=x',
  'host all all all ldap ldapbasedn=x ldaptls=1 ldapscheme=ldaps',
  'host all all all ldap ldapbasedn=x ldapport=123abc',
  'host all all all ldap ldapbasedn=x ldapport=0',
  'host all all all ldap ldapurl="ldap://h"',
  'host all all all ldap ldapurl="ldap://h/dc=x" ldapprefix=a',
  'host all all all ldap ldapurl="ldap://h" ldapsuffix=x',
  'host all all all ldap ldapurl="ldaps://h:99999/dc=x"',
  'host all all all ldap ldapurl="ldapx://h/dc=x"',
  'host all all all ldap ldapurl="ldap://h/dc=x?uid?sub?(x=y)" ldapsearchattribute=uid',
  'host all all all ldap ldapbasedn=x backend_use_passwd=1',
  'host all all all gss map=x include_realm=0 krb_realm=X',
  'host all all all gss compat_realm=1',
  'hostssl all all all md5 clientname=XX',
  'hostssl all all all trust clientcert=verify-ca clientname=CN',
  'hostssl all all all cert clientcert=verify-ca',
  'hostssl all all all cert clientcert=no-verify',
  'hostnossl all all all md5 clientcert=verify-full',
  'hostgssenc all all all cert',
  'hostnogssenc all all all trust',
  'local all all ident map=m',
  'local all all gss',
  'local all all cert',
  'local all all 127.0.0.1/32 trust',
  'host all all all peer',
  'host all all all md5 map=x',
  'host all all all md5 pamservice=x',
  'host all all all pam pamservice=x pam_use_hostname=1',
  'host all all all sspi',
  'local all all bsd',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=a radiusports=0',
  'host all all all radius radiusservers="127.0.0.1,127.0.0.2" radiussecrets="a,b,c"',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=""',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusidentifiers="a,b"',
  'host all all all MD5',
  'host all all all scram',
  'host,local all all all trust',
  'host all all 10.0.0.0/8,10.1.0.0/16 trust',
  'host all all 10.0.0.1 255.0.0.0,255.255.0.0 trust',
  'host all all all md5,trust',
  'include a b',
  'host all all all trust # comment',
  'host all',
  'host',
];

/** Record lines of the pg-hba fixtures that PostgreSQL 15 can judge on their own. */
function fixtureLines(): string[] {
  const out: string[] = [];
  const base = path.join(ROOT, 'test/fixtures/pg-hba');
  for (const rule of fs.readdirSync(base).sort()) {
    for (const kind of ['ok', 'bad']) {
      const dir = path.join(base, rule, kind);
      const f = path.join(dir, 'pg_hba.conf');
      if (!fs.existsSync(f)) continue;
      const settings = fs.existsSync(path.join(dir, 'settings.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) : {};
      if ((settings.postgresVersion ?? 17) >= 16 && /^(include|[^#]*\/\^)/m.test(fs.readFileSync(f, 'utf8'))) continue;
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        const t = line.trim();
        if (!t || t.startsWith('#') || /^include/.test(t) || /(^|[\s,])@/.test(t) || t.endsWith('\\')) continue;
        out.push(t.replace(/radiusservers=("?)([^"\s]*)\1/, (_m, _q, v: string) => `radiusservers="${v.split(',').map((_, i) => `127.0.0.${i + 1}`).join(',')}"`));
      }
    }
  }
  return out;
}

function run(cmd: string, args: string[], asPg: boolean, opts: { env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const root = process.getuid?.() === 0;
  const [c, a] = asPg && root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return spawnSync(c, a, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...opts.env } });
}


/** Per line of `text` (1-based): the error PostgreSQL reports, '' when the line loads; lines without a record are absent. */
async function oracle(text: string): Promise<Map<number, string>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-pghba-'));
  fs.chmodSync(tmp, 0o755);
  const root = process.getuid?.() === 0;
  const chownPg = (p: string) => { if (root) execFileSync('chown', ['-R', 'postgres:', p]); };
  const data = path.join(tmp, 'data');
  const hba = path.join(tmp, 'pg_hba.conf');
  let started = false;
  try {
    chownPg(tmp);
    let r = run(path.join(PGBIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], true);
    assert.equal(r.status, 0, `initdb: ${r.stderr}`);
    r = run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-keyout', path.join(data, 'server.key'), '-out', path.join(data, 'server.crt')], true);
    assert.equal(r.status, 0, `openssl: ${r.stderr}`);
    fs.chmodSync(path.join(data, 'server.key'), 0o600);
    fs.writeFileSync(hba, 'local all all trust\n');
    chownPg(tmp);
    const port = await freePort();
    r = run(path.join(PGBIN, 'pg_ctl'), ['-D', data, '-l', path.join(tmp, 'pg.log'), '-w', '-t', '30', '-o',
      `-c listen_addresses='' -c unix_socket_directories='${tmp}' -c port=${port} -c hba_file='${hba}' -c ssl=on -c fsync=off -c shared_buffers=16MB -c max_connections=10 -c logging_collector=off`,
      'start'], true);
    assert.equal(r.status, 0, `pg_ctl start: ${r.stderr}${fs.existsSync(path.join(tmp, 'pg.log')) ? fs.readFileSync(path.join(tmp, 'pg.log'), 'utf8') : ''}`);
    started = true;
    // The view re-reads the file on disk at query time: no reload needed, and the server keeps running.
    fs.writeFileSync(hba, text);
    r = run('psql', ['-X', '-q', '-A', '-t', '-F', '\x1f', '-h', tmp, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c',
      "SELECT line_number, coalesce(type, ''), coalesce(error, '') FROM pg_hba_file_rules ORDER BY line_number"], true);
    assert.equal(r.status, 0, `psql: ${r.stderr}`);
    const out = new Map<number, string>();
    for (const row of r.stdout.split('\n')) {
      if (!row.trim()) continue;
      const [ln, type, err] = row.split('\x1f');
      // An invalid clientcert value leaves both the type and the error empty in PostgreSQL 15.
      out.set(Number(ln), err || (type ? '' : '(rejected without a message)'));
    }
    return out;
  } finally {
    if (started) run(path.join(PGBIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], true);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('pg_hba.conf: pgtls reports an error on exactly the lines PostgreSQL 15 rejects', { skip: missing(...TOOLS) }, async t => {
  assertTools(...TOOLS);
  const lines = [...new Set([...fixtureLines(), ...EXTRA_LINES])];
  const text = lines.join('\n') + '\n';
  const verdicts = await oracle(text);
  const service = testService();
  const file = path.join(os.tmpdir(), 'pgtls-no-such-folder', 'pg_hba.conf');
  const problems = check(service, file, text, { postgresVersion: 15, checkFiles: false });
  const index = new LineIndex(text);
  const ours = new Map<number, string[]>();
  for (const p of problems) {
    // sspi/bsd: a warning for pgtls (valid on Windows/OpenBSD), an error on this Linux build.
    if (p.severity !== 'error' && p.rule !== 'pg-hba/platform-method') continue;
    const ln = index.positionAt(p.span[0]).line + 1;
    ours.set(ln, [...(ours.get(ln) ?? []), p.rule]);
  }
  const failures: string[] = [];
  let rejected = 0;
  lines.forEach((line, i) => {
    const ln = i + 1;
    const pg = verdicts.get(ln);
    if (pg === undefined) { failures.push(`line ${ln} \`${line}\`: PostgreSQL saw no record`); return; }
    if (pg) rejected++;
    const mine = ours.get(ln);
    if (!!pg !== !!mine) failures.push(`line ${ln} \`${line}\`: PostgreSQL ${pg ? `rejects it (${pg})` : 'loads it'}, pgtls ${mine ? `reports ${mine.join(', ')}` : 'reports no error'}`);
  });
  t.diagnostic(`${lines.length} lines, PostgreSQL 15 rejects ${rejected}`);
  assert.ok(lines.length > 150 && rejected > 40 && rejected < lines.length - 40, `corpus too small or one-sided: ${lines.length} lines, ${rejected} rejected`);
  assert.deepEqual(failures, []);
});
