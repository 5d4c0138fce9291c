/**
 * The same lines through both dialects: the rows of reference/pgpool.md §4.5 (pool_hba.conf vs PostgreSQL 15 on the
 * same 41-line file, both checked with the real servers), plus the PostgreSQL 15/16/17 differences.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Problem, Settings } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const service = testService();

interface Verdict { errors: string[]; others: string[]; problems: Problem[] }

function verdict(dialect: 'pool' | 'pg', line: string, settings: Partial<Settings> = {}): Verdict {
  const file = dialect === 'pool' ? '/nonexistent/pool_hba.conf' : '/nonexistent/pg_hba.conf';
  const problems = check(service, file, `${line}\n`, settings);
  const short = (p: Problem) => p.rule.replace(/^p(ool|g)-hba\//, '');
  return { errors: problems.filter(p => p.severity === 'error').map(short), others: problems.filter(p => p.severity !== 'error').map(short), problems };
}

/** `ok` = the server loads the line (advice may still be given); otherwise the error rule that rejects it. */
type Expect = 'ok' | string;
const ROWS: [line: string, pg: Expect, pool: Expect, poolNote?: string][] = [
  ['host all all 127.0.0.1/32 cert', 'method-connection-type', 'ok', 'cert-on-non-ssl-line'],
  ['local all all cert', 'method-connection-type', 'ok', 'cert-on-non-ssl-line'],
  ['hostssl all all 127.0.0.1/32 cert clientcert=verify-full', 'ok', 'unknown-option'],
  ['hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-ca', 'ok', 'unknown-option'],
  ['hostssl all all 127.0.0.1/32 cert map=m1', 'ok', 'unknown-option'],
  ['hostssl all all 127.0.0.1/32 trust clientcert=1', 'invalid-clientcert', 'unknown-option'],
  ['host all all all ident', 'ok', 'invalid-method'],
  ['host all all all gss', 'ok', 'invalid-method'],
  ['host all all all radius', 'radius-options', 'invalid-method'],
  ['host all all all peer', 'method-connection-type', 'invalid-method'],
  ['host all all all md5 pamservice=x', 'option-wrong-method', 'ok', 'pam-option-ignored'],
  ['host all all all ldap ldapbasedn="dc=x" ldapscheme=ftp', 'ok', 'ok', 'ldapscheme-invalid'],
  ['host all all all ldap ldapbasedn="dc=x" backend_use_passwd=1', 'unknown-option', 'ok'],
  ['hostgssenc all all all trust', 'ok', 'invalid-connection-type'],
  ['hostnogssenc all all all trust', 'ok', 'invalid-connection-type'],
  ['host replication all 127.0.0.1/32 trust', 'ok', 'ok', 'postgres-only-syntax'],
  ['host samerole all 127.0.0.1/32 trust', 'ok', 'ok', 'group-never-matches'],
  ['host samegroup all 127.0.0.1/32 trust', 'ok', 'ok', 'group-never-matches'],
  ['host all +grp 127.0.0.1/32 trust', 'ok', 'ok', 'group-never-matches'],
  // identical in both
  ['host all all example.com/24 trust', 'hostname-with-cidr', 'hostname-with-cidr'],
  ['host all all 127.0.0.1/33 trust', 'invalid-cidr-mask', 'invalid-cidr-mask'],
  ['host all all all ldap ldapserver=x', 'ldap-missing-base', 'ldap-missing-base'],
  ['host all all all ldap ldapbasedn="dc=x" ldapport=abc', 'ldap-invalid-value', 'ldap-invalid-value'],
  ['host all all all trust foo=bar', 'unknown-option', 'unknown-option'],
  ['host all all all trust extra', 'option-format', 'option-format'],
  ['host all all .example.com trust', 'ok', 'ok'],
  ['host all all samehost trust', 'ok', 'ok'],
  ['host all all samenet trust', 'ok', 'ok'],
  ['host "all" "all" all trust', 'ok', 'ok'],
  ['local all all 127.0.0.1/32 trust', 'invalid-method', 'invalid-method'],
  ['host all all 127.0.0.1 trust', 'invalid-netmask', 'invalid-netmask'],
  ['host all all ::1 255.0.0.0 trust', 'address-mask-mismatch', 'address-mask-mismatch'],
  ['host,local all all all trust', 'multiple-values', 'multiple-values'],
  ['host all all all MD5', 'invalid-method', 'invalid-method'],
  ['"host" all all all "trust"', 'ok', 'ok'],
  ['host all all all ldap ldapurl="ldap://h/dc=x?uid?sub?(x=y)" ldapsearchattribute=uid', 'ldap-conflicting-options', 'ldap-conflicting-options'],
  ['host all all all ldap ldapurl="ldap://h/dc=x" ldapprefix=a', 'ldap-conflicting-options', 'ldap-conflicting-options'],
  ['host all all all ldap ldapurl="ldapi://h/dc=x"', 'ldap-invalid-value', 'ldap-invalid-value'],
  ['host all all all ldap ldapurl="ldap://h" ldapsuffix=x', 'ok', 'ok'],
];

for (const [line, pg, pool, poolNote] of ROWS) {
  test(`§4.5: ${line}`, () => {
    const p = verdict('pg', line, { postgresVersion: 15 });
    assert.deepEqual(p.errors, pg === 'ok' ? [] : [pg], `PostgreSQL 15: ${JSON.stringify(p.problems.map(x => x.message))}`);
    const q = verdict('pool', line);
    assert.deepEqual(q.errors, pool === 'ok' ? [] : [pool], `pgpool: ${JSON.stringify(q.problems.map(x => x.message))}`);
    if (poolNote) assert.ok(q.others.includes(poolNote), `pgpool note ${poolNote}: ${q.others}`);
    for (const v of [p, q]) for (const e of v.problems.filter(x => x.severity === 'error')) {
      assert.match(e.message, v === p ? /PostgreSQL refuses the whole pg_hba\.conf/ : /pgpool rejects the whole pool_hba\.conf/);
    }
  });
}

test('PostgreSQL 15 vs 16/17: include directives', () => {
  for (const kind of ['include', 'include_if_exists', 'include_dir']) {
    const line = `${kind} other.conf\nlocal all all scram-sha-256`;
    assert.deepEqual(verdict('pg', line, { postgresVersion: 15, checkFiles: false }).errors, ['include-needs-pg16'], kind);
    assert.deepEqual(verdict('pg', line, { postgresVersion: 16, checkFiles: false }).errors, [], kind);
    assert.deepEqual(verdict('pg', line, { postgresVersion: 17, checkFiles: false }).errors, [], kind);
    assert.deepEqual(verdict('pool', line).errors, ['invalid-connection-type'], `pgpool: ${kind}`);
  }
  assert.deepEqual(verdict('pg', 'include a b', { postgresVersion: 17 }).errors, ['invalid-connection-type'], 'an include with two arguments is a record');
});

test('PostgreSQL 15 vs 16/17: regular expressions in database and user', () => {
  const line = 'hostssl /^app_ /^svc_[a-z]+$ 10.0.0.0/8 scram-sha-256';
  assert.deepEqual(verdict('pg', line, { postgresVersion: 15 }).others, ['regex-needs-pg16', 'regex-needs-pg16']);
  assert.deepEqual(verdict('pg', line, { postgresVersion: 16 }).problems, []);
  assert.deepEqual(verdict('pg', 'hostssl /(app all 10.0.0.0/8 scram-sha-256', { postgresVersion: 17 }).errors, ['invalid-regex']);
  assert.deepEqual(verdict('pg', 'hostssl "/(app" all 10.0.0.0/8 scram-sha-256', { postgresVersion: 17 }).errors, ['invalid-regex'], 'quotes do not stop a regex');
  assert.deepEqual(verdict('pool', line).others, ['postgres-only-syntax', 'postgres-only-syntax']);
});

test('PostgreSQL: clientcert, clientname, map and cert', () => {
  const e = (l: string) => verdict('pg', l).errors;
  assert.deepEqual(e('hostssl all all 10.0.0.0/8 cert clientcert=verify-ca'), ['invalid-clientcert']);
  assert.match(verdict('pg', 'hostssl all all 10.0.0.0/8 cert clientcert=verify-ca').problems[0]!.message, /verify-full/);
  assert.deepEqual(e('hostssl all all 10.0.0.0/8 cert clientcert=verify-full'), []);
  assert.deepEqual(e('hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-ca'), []);
  for (const v of ['1', '0', 'no-verify', 'require']) assert.deepEqual(e(`hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=${v}`), ['invalid-clientcert'], v);
  assert.deepEqual(e('host all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full'), ['invalid-clientcert']);
  assert.deepEqual(e('hostssl all all 10.0.0.0/8 cert clientname=DN map=dnmap'), []);
  assert.deepEqual(e('hostssl all all 10.0.0.0/8 cert clientname=dn'), ['invalid-clientcert']);
  for (const m of ['ident', 'gss', 'cert']) assert.deepEqual(e(`hostssl all all 10.0.0.0/8 ${m} map=m`), [], m);
  assert.deepEqual(e('local all all peer map=m'), []);
  assert.deepEqual(e('local all all ident map=m'), [], 'ident on local is peer, which takes map');
  for (const m of ['md5', 'scram-sha-256', 'trust', 'password', 'ldap ldapbasedn=x', 'pam', 'reject']) {
    assert.deepEqual(e(`hostssl all all 10.0.0.0/8 ${m} map=m`), ['option-wrong-method'], m);
  }
  assert.deepEqual(e('hostnossl all all 10.0.0.0/8 cert'), ['method-connection-type']);
  assert.deepEqual(e('hostgssenc all all 10.0.0.0/8 cert'), ['method-connection-type']);
  assert.deepEqual(e('local all all gss'), ['method-connection-type']);
  assert.deepEqual(verdict('pg', 'local all all ident').others, ['ident-on-local']);
  assert.deepEqual(e('host all all 10.0.0.0/8 ident'), []);
});

test('PostgreSQL: radius needs servers and secrets with matching lists', () => {
  const e = (l: string) => verdict('pg', `hostssl all all 10.0.0.0/8 radius ${l}`).errors;
  assert.deepEqual(e('radiusservers=a radiussecrets=s'), []);
  assert.deepEqual(e('radiussecrets=s'), ['radius-options']);
  assert.deepEqual(e('radiusservers=a'), ['radius-options']);
  assert.deepEqual(e('radiusservers=a radiussecrets=""'), ['radius-options']);
  assert.deepEqual(e('radiusservers="a,b" radiussecrets="x,y"'), []);
  assert.deepEqual(e('radiusservers="a,b" radiussecrets="x,y,z"'), ['radius-options']);
  assert.deepEqual(e('radiusservers="a,b" radiussecrets=x radiusports="1812,1813"'), []);
  assert.deepEqual(e('radiusservers=a radiussecrets=x radiusports=0'), ['radius-options']);
  assert.deepEqual(e('radiusservers="a,,b" radiussecrets=x'), ['radius-options']);
  assert.deepEqual(e('radiusservers=a,b radiussecrets=x'), ['option-format'], 'an unquoted comma splits the option');
});

test('PostgreSQL: sspi and bsd are build-specific', () => {
  assert.deepEqual(verdict('pg', 'hostssl all all 10.0.0.0/8 sspi').others, ['platform-method']);
  assert.deepEqual(verdict('pg', 'local all all bsd').others, ['platform-method']);
});

test('option names: quoted options, empty names, pgpool-only and PostgreSQL-only options', () => {
  assert.deepEqual(verdict('pg', 'host all all all ldap "ldapserver=a,b" ldapbasedn=x').errors, []);
  assert.deepEqual(verdict('pool', 'host all all all ldap "ldapserver=a,b" ldapbasedn=x').errors, []);
  assert.deepEqual(verdict('pg', 'host all all all trust =x').errors, ['unknown-option']);
  assert.deepEqual(verdict('pool', 'hostssl all all all cert include_realm=0').errors, ['unknown-option']);
  assert.deepEqual(verdict('pool', 'hostssl all all all cert radiusservers=a').errors, ['unknown-option']);
  assert.deepEqual(verdict('pool', 'hostssl all all all md5 backend_use_passwd=1').errors, ['option-wrong-method']);
  assert.deepEqual(verdict('pool', 'hostssl all all all trust pam_use_hostname=1').others.filter(r => r === 'pam-option-ignored'), ['pam-option-ignored']);
  assert.deepEqual(verdict('pool', 'hostssl all all all ldap ldapbasedn=x ldapport=123abc').errors, [], 'atoi reads the leading digits');
  assert.deepEqual(verdict('pool', 'hostssl all all all ldap ldapbasedn=x ldapport=0').errors, ['ldap-invalid-value']);
});

test('quick fixes: did-you-mean, PostgreSQL-only options, host → hostssl, md5 → scram-sha-256', () => {
  const apply = (text: string, p: Problem, i = 0) => {
    const edits = [...p.fixes![i]!.edits].sort((a, b) => b.span[0] - a.span[0]);
    let out = text;
    for (const e of edits) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
    return out;
  };
  const fixOf = (d: 'pool' | 'pg', line: string, rule: string, i = 0) => {
    const text = `${line}\n`;
    const p = verdict(d, line).problems.find(x => x.rule.endsWith(`/${rule}`));
    assert.ok(p, `${rule} on ${line}`);
    assert.ok(p.fixes?.length, `${rule} has a fix`);
    return apply(text, p, i).trimEnd();
  };
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 MD5', 'invalid-method'), 'hostssl all all 10.0.0.0/8 md5');
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 scram', 'invalid-method'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pool', 'hostgssenc all all 10.0.0.0/8 scram-sha-256', 'invalid-connection-type'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pool', 'hostsll all all 10.0.0.0/8 scram-sha-256', 'invalid-connection-type'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 cert clientcert=verify-full', 'unknown-option'), 'hostssl all all 10.0.0.0/8 cert');
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 cert map=m clientcert=verify-full', 'unknown-option'), 'hostssl all all 10.0.0.0/8 cert clientcert=verify-full');
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 cert clientcert=verify-full,map=m', 'unknown-option'), 'hostssl all all 10.0.0.0/8 cert map=m');
  assert.equal(fixOf('pool', 'host all all 10.0.0.0/8 scram-sha-256', 'prefer-hostssl'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pool', 'hostssl all all 10.0.0.0/8 md5', 'md5-method'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pool', 'host all all 10.0.0.0/8 cert', 'cert-on-non-ssl-line'), 'hostssl all all 10.0.0.0/8 cert');
  assert.equal(fixOf('pg', 'host all all 10.0.0.0/8 cert', 'method-connection-type'), 'hostssl all all 10.0.0.0/8 cert');
  assert.equal(fixOf('pg', 'hostssl all all 10.0.0.0/8 cert clientcert=verify-ca', 'invalid-clientcert'), 'hostssl all all 10.0.0.0/8 cert clientcert=verify-full');
  assert.equal(fixOf('pg', 'hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=1', 'invalid-clientcert'), 'hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-ca');
  assert.equal(fixOf('pg', 'hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=no-verify', 'invalid-clientcert'), 'hostssl all all 10.0.0.0/8 scram-sha-256');
  assert.equal(fixOf('pg', 'local all all ident', 'ident-on-local'), 'local all all peer');
  assert.equal(fixOf('pg', 'host all all 127.0.0.1 trust', 'invalid-netmask'), 'host all all 127.0.0.1/32 trust');
  assert.equal(fixOf('pg', 'host all all 10.0.0.0/8 password', 'clear-text-password', 1), 'hostssl all all 10.0.0.0/8 password');
});

test('security advice: severities', () => {
  const sev = (d: 'pool' | 'pg', line: string, rule: string) => verdict(d, line).problems.find(p => p.rule.endsWith(`/${rule}`))?.severity;
  assert.equal(sev('pg', 'host all all 10.0.0.0/8 trust', 'trust-on-network'), 'warning');
  assert.equal(sev('pg', 'host all all 127.0.0.1/32 trust', 'trust-on-network'), 'info');
  assert.equal(sev('pg', 'local all all trust', 'trust-on-network'), undefined);
  assert.equal(sev('pool', 'host all all 10.0.0.0/8 password', 'clear-text-password'), 'warning');
  assert.equal(sev('pool', 'hostssl all all 10.0.0.0/8 password', 'clear-text-password'), 'info');
  assert.equal(sev('pool', 'host all all 10.0.0.0/8 ldap ldapbasedn=x', 'prefer-hostssl'), 'warning');
  assert.equal(sev('pool', 'host all all 10.0.0.0/8 scram-sha-256', 'prefer-hostssl'), 'info');
  assert.equal(sev('pool', 'host all all ::1/128 scram-sha-256', 'prefer-hostssl'), undefined, 'loopback traffic stays on the machine');
  assert.equal(sev('pg', 'host all all 0.0.0.0/0 trust', 'wide-open'), 'warning');
  assert.equal(sev('pg', 'host all all 0.0.0.0/0 trust', 'trust-on-network'), undefined, 'wide-open already says it');
  assert.equal(sev('pg', 'host app all 0.0.0.0/0 trust', 'wide-open'), undefined, 'one database only');
  assert.equal(sev('pg', 'hostssl all all 0.0.0.0/0 scram-sha-256', 'wide-open'), undefined);
});
