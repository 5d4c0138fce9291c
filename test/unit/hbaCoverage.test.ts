/**
 * Which HBA records cover which (coverage.ts): the connection-type table, address containment (CIDR, netmasks,
 * IPv4 vs IPv6, host names, samehost/samenet), database and user sets in each dialect, the private-block intent, and
 * a soundness property: whenever a record is said to cover another, every connection the later one matches in a
 * randomly drawn world (role membership, host names, @file contents, regular expressions all unknown to the file) is
 * matched by the earlier one too. Hostile input never throws.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseNumericHost } from '../../server/src/languages/hba/address';
import type { ConnType } from '../../server/src/languages/hba/catalogue';
import {
  addressCovers, canMatch, recordCovers, typeCovers, widerThanPrivateBlock,
} from '../../server/src/languages/hba/coverage';
import type { Dialect } from '../../server/src/languages/hba/lexer';
import type { HbaRecord } from '../../server/src/languages/hba/model';
import { parseHba } from '../../server/src/languages/hba/parse';
import { check, testService, prng as rng } from '../helpers';

const rec = (line: string, d: Dialect = 'postgres'): HbaRecord => {
  const f = parseHba(`${line}\n`, d === 'pgpool' ? '/x/pool_hba.conf' : '/x/pg_hba.conf', d);
  assert.equal(f.records.length, 1, `${line} should parse`);
  return f.records[0]!;
};
const covers = (a: string, b: string, d: Dialect = 'postgres') => recordCovers(d, rec(a, d), rec(b, d));

test('connection types: host covers every TCP type, the others only themselves (and the two negations)', () => {
  const types: ConnType[] = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];
  const yes = new Set(['host>hostssl', 'host>hostnossl', 'host>hostgssenc', 'host>hostnogssenc', 'hostnossl>hostgssenc', 'hostnogssenc>hostssl']);
  for (const a of types) for (const b of types) assert.equal(typeCovers(a, b), a === b || yes.has(`${a}>${b}`), `${a} > ${b}`);
});

test('addresses: CIDR containment by family, netmask form, and what is never decided', () => {
  const a = (x: string) => rec(`host all all ${x} md5`).address;
  assert.ok(covers('host all all 10.0.0.0/8 md5', 'host all all 10.1.2.0/24 md5'));
  assert.ok(covers('host all all 10.0.0.1/8 md5', 'host all all 10.255.0.0/16 md5'), 'host bits of the earlier range do not matter');
  assert.ok(!covers('host all all 10.1.0.0/16 md5', 'host all all 10.0.0.0/8 md5'));
  assert.ok(!covers('host all all 10.0.0.0/8 md5', 'host all all 11.0.0.0/8 md5'));
  assert.ok(covers('host all all 192.168.0.0 255.255.0.0 md5', 'host all all 192.168.7.7/32 md5'));
  assert.ok(covers('host all all 0.0.0.0/0 md5', 'host all all 203.0.113.9/32 md5'));
  assert.ok(!covers('host all all 0.0.0.0/0 md5', 'host all all ::1/128 md5'), 'IPv4 never covers IPv6');
  assert.ok(!covers('host all all ::/0 md5', 'host all all 127.0.0.1/32 md5'));
  assert.ok(covers('host all all ::/0 md5', 'host all all ::ffff:127.0.0.1/128 md5'), 'a mapped address is IPv6');
  assert.ok(covers('host all all 2001:db8::/32 md5', 'host all all 2001:db8:1::/48 md5'));
  assert.ok(!covers('host all all 10.0.0.0 255.0.255.0 md5', 'host all all 10.1.0.0/32 md5'), 'a mask that is not a prefix is not decided');
  assert.ok(!covers('host all all fe80::/10 md5', 'host all all fe80::1%eth0/128 md5'), 'zones are not decided');
  assert.ok(covers('host all all all md5', 'host all all .example.com md5'));
  assert.ok(covers('host all all all md5', 'host all all samenet md5'));
  assert.ok(!covers('host all all 0.0.0.0/0 md5', 'host all all samenet md5'), 'samenet may be IPv6');
  assert.ok(!covers('host all all 0.0.0.0/0 md5', 'host all all db.example.com md5'));
  assert.ok(!covers('host all all samenet md5', 'host all all samehost md5'));
  assert.ok(covers('host all all samehost md5', 'host all all samehost md5'));
  assert.ok(covers('host all all .Example.com md5', 'host all all db.example.COM md5'), 'suffix match, case-insensitive');
  assert.ok(!covers('host all all .example.com md5', 'host all all example.com md5'));
  assert.ok(!covers('host all all db.example.com md5', 'host all all .example.com md5'));
  assert.ok(!covers('host all all 10.0.0.0/8 md5', 'host all all db.example.com md5'));
  assert.equal(addressCovers(undefined, a('all')), false);
  assert.equal(addressCovers(a('all'), undefined), false);
  assert.ok(!covers('local all all md5', 'host all all all md5'));
  assert.ok(covers('local all all md5', 'local all all peer'));
});

test('databases and users: keywords, quotes, replication, groups, @file and regular expressions', () => {
  assert.ok(covers('local all all peer', 'local app,"all" bob peer'), 'all covers names, a quoted "all" too');
  assert.ok(!covers('local "all" all peer', 'local app all peer'), 'a quoted "all" is only a name');
  assert.ok(!covers('local all all peer', 'local replication all peer'), 'PostgreSQL: all does not include physical replication');
  assert.ok(covers('local replication all peer', 'local replication all peer'));
  assert.ok(covers('local all all peer', 'local "replication" all peer'), 'a quoted replication is a database name');
  assert.ok(covers('local all all trust', 'local replication all trust', 'pgpool'), 'pgpool: replication is a plain name');
  assert.ok(covers('local sameuser all peer', 'local sameuser all md5'));
  assert.ok(!covers('local sameuser all peer', 'local app all md5'));
  assert.ok(covers('local samegroup all md5', 'local samerole all md5'), 'samegroup is samerole');
  assert.ok(covers('local all +admins md5', 'local all +admins md5'));
  assert.ok(!covers('local all +admins md5', 'local all alice md5'), 'membership is unknown');
  assert.ok(covers('local all all md5', 'local all +admins md5'));
  assert.ok(!covers('local all all md5', 'local @dbs all md5'), '@file is unknown');
  assert.ok(!covers('local all all md5', 'local all @users md5'));
  assert.ok(covers('local all all md5', 'local all /^app md5'), 'all covers a regular expression');
  assert.ok(!covers('local all /^a md5', 'local all alice md5'), 'a regular expression covers only itself');
  assert.ok(covers('local app,other alice,bob md5', 'local other bob md5'));
  assert.ok(!covers('local app alice md5', 'local app Alice md5'), 'names are case-sensitive');
});

test('pgpool: a group token ends the list, and a line cut to nothing never matches', () => {
  assert.ok(covers('host db1,samerole all 10.0.0.0/8 md5', 'host db1 all 10.0.0.0/8 md5', 'pgpool'));
  assert.ok(!covers('host samerole,db1 all 10.0.0.0/8 md5', 'host db1 all 10.0.0.0/8 md5', 'pgpool'), 'nothing after samerole counts');
  assert.ok(!covers('host all +g,all 10.0.0.0/8 md5', 'host all bob 10.0.0.0/8 md5', 'pgpool'));
  assert.equal(canMatch('pgpool', rec('host samerole all 10.0.0.0/8 md5', 'pgpool')), false);
  assert.equal(canMatch('pgpool', rec('host all +g 10.0.0.0/8 md5', 'pgpool')), false);
  assert.equal(canMatch('postgres', rec('host samerole +g 10.0.0.0/8 md5')), true);
  assert.ok(!covers('host @dbs,all all 10.0.0.0/8 md5', 'host app all 10.0.0.0/8 md5', 'pgpool'), 'the file may hold samerole, which ends the list');
  assert.ok(covers('host @dbs,all all 10.0.0.0/8 md5', 'host app all 10.0.0.0/8 md5'), 'PostgreSQL reads the whole list');
});

test('private-block intent: only ranges written inside a block with too short a prefix', () => {
  const w = (x: string) => widerThanPrivateBlock(rec(`host all all ${x} md5`).address!)?.network;
  assert.equal(w('172.0.0.0/8'), '172.16.0.0');
  assert.equal(w('172.16.0.0/8'), '172.16.0.0');
  assert.equal(w('172.16.0.0/11'), '172.16.0.0');
  assert.equal(w('172.200.0.0/8'), '172.16.0.0');
  assert.equal(w('172.200.0.0/9'), undefined, '172.128.0.0/9 holds no private address');
  assert.equal(w('172.16.0.0/12'), undefined);
  assert.equal(w('172.17.0.0/16'), undefined);
  assert.equal(w('10.0.0.0/4'), '10.0.0.0');
  assert.equal(w('10.0.0.0/7'), '10.0.0.0');
  assert.equal(w('10.0.0.0/8'), undefined);
  assert.equal(w('192.168.0.0/8'), '192.168.0.0');
  assert.equal(w('192.168.1.0 255.0.0.0'), '192.168.0.0');
  assert.equal(w('192.168.0.0/16'), undefined);
  assert.equal(w('192.0.0.0/8'), undefined, 'not clearly 192.168');
  assert.equal(w('0.0.0.0/0'), undefined);
  assert.equal(w('11.0.0.0/4'), undefined);
  assert.equal(w('fd00::/4'), undefined);
});

// ---- Soundness against an independent matcher, in random worlds ----


interface Conn { local: boolean; ssl: boolean; gss: boolean; ip?: number[]; db: string; user: string; physical: boolean }
interface World { coin(key: string): boolean; name: string | undefined; samehost: boolean; samenet: boolean }

function tokenMatches(d: Dialect, t: HbaRecord['users'][number], value: string, field: 'db' | 'user', c: Conn, w: World): boolean | 'stop' {
  if (t.include !== undefined) {
    // A pool_hba.conf @file may hold `samerole` or `+group`, where pgpool stops reading the list.
    if (d === 'pgpool' && w.coin(`@stop:${t.include}`)) return 'stop';
    return w.coin(`@${t.include}:${value}`);
  }
  if (!t.quoted) {
    if (t.value === 'all') return true;
    if (field === 'db') {
      if (t.value === 'sameuser') return c.db === c.user;
      if (t.value === 'samerole' || t.value === 'samegroup') return d === 'pgpool' ? 'stop' : w.coin(`member:${c.user}:${c.db}`);
      if (t.value === 'replication' && d === 'postgres') return false;
    } else if (t.value.startsWith('+')) {
      return d === 'pgpool' ? 'stop' : w.coin(`member:${c.user}:${t.value.slice(1)}`);
    }
    if (t.value.startsWith('/') && d === 'postgres') return w.coin(`re:${t.value}:${value}`) || t.value.slice(1) === value;
  }
  return t.value === value;
}

function listMatches(d: Dialect, tokens: HbaRecord['users'], value: string, field: 'db' | 'user', c: Conn, w: World): boolean {
  if (field === 'db' && c.physical && d === 'postgres') return tokens.some(t => !t.quoted && t.value === 'replication');
  for (const t of tokens) {
    const m = tokenMatches(d, t, value, field, c, w);
    if (m === 'stop') return false;
    if (m) return true;
  }
  return false;
}

function matches(d: Dialect, r: HbaRecord, c: Conn, w: World): boolean {
  if (r.conn === 'local') { if (!c.local) return false; }
  else {
    if (c.local) return false;
    if (r.conn === 'hostssl' && !c.ssl) return false;
    if (r.conn === 'hostnossl' && c.ssl) return false;
    if (r.conn === 'hostgssenc' && !c.gss) return false;
    if (r.conn === 'hostnogssenc' && c.gss) return false;
    const a = r.address!;
    if (a.kind === 'samehost' && !w.samehost) return false;
    if (a.kind === 'samenet' && !w.samenet) return false;
    if (a.kind === 'hostname') {
      const n = w.name?.toLowerCase();
      const h = a.token.value.toLowerCase();
      if (n === undefined || !(h.startsWith('.') ? n.endsWith(h) : n === h)) return false;
    }
    if (a.kind === 'ip') {
      if (!c.ip || c.ip.length !== a.ip!.bytes.length) return false;
      for (let i = 0; i < c.ip.length; i++) if (((c.ip[i]! ^ a.ip!.bytes[i]!) & a.mask![i]!) !== 0) return false;
    }
  }
  return listMatches(d, r.databases, c.db, 'db', c, w) && listMatches(d, r.users, c.user, 'user', c, w);
}

const TYPES = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];
const DBS = ['all', 'app', 'other', 'replication', '"replication"', '"all"', 'sameuser', 'samerole', '@dbs', '/^a', 'app,other', 'alice', '@dbs,all', 'samerole,app'];
const USERS = ['all', 'alice', 'bob', '+admins', '"all"', '@users', '/^a', 'alice,bob', 'bob,+admins', '@users,all'];
const ADDRS = ['all', 'samehost', 'samenet', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.3/32', '0.0.0.0/0', '::/0', '::1/128',
  '2001:db8::/32', '.example.com', 'db.example.com', '10.0.0.0 255.255.0.0', '172.16.0.0/12'];
const IPS = ['10.1.2.3', '10.0.0.1', '10.1.9.9', '11.0.0.1', '172.20.0.1', '::1', '2001:db8::5', '127.0.0.1'];

test('soundness: a covered line never matches a connection its coverer does not (random worlds)', () => {
  const r = rng(20260708);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (const d of ['postgres', 'pgpool'] as const) {
    const types = d === 'pgpool' ? TYPES.slice(0, 4) : TYPES;
    const lines: HbaRecord[] = [];
    for (let i = 0; i < 400; i++) {
      const t = pick(types);
      const text = `${t} ${pick(DBS)} ${pick(USERS)}${t === 'local' ? '' : ` ${pick(ADDRS)}`} md5`;
      const f = parseHba(`${text}\n`, '/x/hba', d);
      if (f.records.length === 1) lines.push(f.records[0]!);
    }
    let claims = 0;
    for (const a of lines) {
      for (const b of lines) {
        if (!recordCovers(d, a, b)) continue;
        claims++;
        for (let k = 0; k < 40; k++) {
          const coins = new Map<string, boolean>();
          const w: World = {
            coin: key => { if (!coins.has(key)) coins.set(key, r() < 0.5); return coins.get(key)!; },
            name: pick([undefined, 'db.example.com', 'x.example.com', 'example.com', 'other.org']),
            samehost: r() < 0.5, samenet: r() < 0.5,
          };
          const local = r() < 0.3;
          const ssl = !local && r() < 0.5;
          const c: Conn = {
            local, ssl, gss: !local && !ssl && r() < 0.5, ...(local ? {} : { ip: parseNumericHost(pick(IPS))!.bytes }),
            db: pick(['app', 'other', 'replication', 'all', 'alice', 'bob']), user: pick(['alice', 'bob', 'all', 'carol']), physical: r() < 0.2,
          };
          if (matches(d, b, c, w)) {
            assert.ok(matches(d, a, c, w), `${d}: "${a.line.span.join('-')}" said to cover another line, but a connection ${JSON.stringify(c)} matches only the later one`);
          }
        }
      }
    }
    assert.ok(claims > 400, `the property exercised real claims (${claims})`);
  }
});

test('hostile input: random bytes and huge lists never throw, and the order checks stay quiet on nonsense', () => {
  const service = testService();
  const r = rng(7);
  const alphabet = 'host ssl local all 0123456789./:abcdef,"@+#\\\n\t samehost samenet replication reject cert';
  for (let i = 0; i < 200; i++) {
    let s = '';
    const n = Math.floor(r() * 300);
    for (let k = 0; k < n; k++) s += alphabet[Math.floor(r() * alphabet.length)];
    for (const p of ['/x/pool_hba.conf', '/x/pg_hba.conf']) assert.doesNotThrow(() => check(service, p, s));
  }
  const names = Array.from({ length: 5000 }, (_, i) => `u${i}`).join(',');
  const big = `host all ${names} 10.0.0.0/8 scram-sha-256\nhost all u4999 10.1.0.0/16 scram-sha-256\n`;
  const got = check(service, '/x/pg_hba.conf', big).filter(p => p.rule === 'pg-hba/unreachable-line');
  assert.equal(got.length, 1, 'a long list on the earlier line still covers a name in it');
});

test('cert-line-order: 0.0.0.0/0 and ::/0 certificate lines together take every TLS client of a later `all` line (Bitnami shape)', () => {
  const service = testService();
  const order = (text: string, p = '/x/pg_hba.conf') => check(service, p, text, { checkFiles: false })
    .filter(x => x.rule.endsWith('/cert-line-order')).map(x => text.slice(0, x.span[0]).split('\n').length);
  const both = 'local all all trust\nhostssl all all 0.0.0.0/0 cert\nhostssl all all ::/0 cert\nhost all all all scram-sha-256\n';
  assert.deepEqual(order(both), [2, 3]);
  assert.deepEqual(order(both, '/x/pool_hba.conf'), [2, 3]);
  // One family alone leaves the other family's TLS clients to the password line: nothing certain to say.
  assert.deepEqual(order('hostssl all all 0.0.0.0/0 cert\nhost all all all scram-sha-256\n'), []);
  // The pair must cover the later line's users too.
  assert.deepEqual(order('hostssl all app 0.0.0.0/0 cert\nhostssl all all ::/0 cert\nhost all all all scram-sha-256\n'), []);
  // A later line for one family only is judged as before (the one cert line of that family covers it).
  assert.deepEqual(order('hostssl all all 0.0.0.0/0 cert\nhostssl all all ::/0 cert\nhost all all 10.0.0.0/8 md5\n'), [1]);
});
