/** Numeric addresses as glibc's getaddrinfo(AI_NUMERICHOST) reads them, CIDR masks, and the address rules. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  bitsFromMask, formatIp, hasHostBits, maskFromBits, parseCidrBits, parseIpv4, parseIpv6, parseNumericHost,
} from '../../server/src/languages/hba/address';
import { check, testService } from '../helpers';

const service = testService();
const ip = (s: string) => { const a = parseNumericHost(s); return a ? formatIp(a.bytes) : undefined; };

test('IPv4: dotted quads and the old inet_aton forms', () => {
  assert.equal(ip('127.0.0.1'), '127.0.0.1');
  assert.equal(ip('10'), '0.0.0.10', 'one part is the whole 32-bit number');
  assert.equal(ip('127.1'), '127.0.0.1');
  assert.equal(ip('192.168.1'), '192.168.0.1');
  assert.equal(ip('0x7f.1'), '127.0.0.1');
  assert.equal(ip('017.0.0.1'), '15.0.0.1', 'a leading zero means octal');
  assert.equal(ip('2130706433'), '127.0.0.1');
  assert.equal(parseIpv4('127.0.0.1')!.canonicalForm, true);
  assert.equal(parseIpv4('10')!.canonicalForm, false);
  assert.equal(parseIpv4('010.0.0.1')!.canonicalForm, false);
  for (const bad of ['256.1.1.1', '1.2.3.4.5', '1..2.3', '1.2.3.', '08.1.1.1', '1.2.3.256', 'abc', '', '4294967296', '1.16777216', '0x', '0.0.0.0x']) {
    assert.equal(parseIpv4(bad), undefined, bad);
  }
});

test('IPv6: inet_pton forms, embedded IPv4 and zones', () => {
  assert.equal(ip('::1'), '::1');
  assert.equal(ip('::'), '::');
  assert.equal(ip('2001:db8::'), '2001:db8::');
  assert.equal(ip('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
  assert.equal(ip('::ffff:1.2.3.4'), '::ffff:102:304');
  assert.equal(ip('FE80::1'), 'fe80::1');
  assert.equal(parseIpv6('fe80::1%eth0')!.scope, 'eth0');
  for (const bad of [':1', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::1.2.3', '::01.2.3.4', 'g::1', '1.2.3.4::', 'fe80::1%']) {
    assert.equal(parseIpv6(bad), undefined, bad);
  }
});

test('CIDR bits follow strtol: signs and leading zeros, 0..32 / 0..128', () => {
  assert.equal(parseCidrBits('8', 4), 8);
  assert.equal(parseCidrBits('08', 4), 8);
  assert.equal(parseCidrBits('+8', 4), 8);
  assert.equal(parseCidrBits('-0', 4), 0);
  assert.equal(parseCidrBits('33', 4), undefined);
  assert.equal(parseCidrBits('128', 6), 128);
  assert.equal(parseCidrBits('129', 6), undefined);
  assert.equal(parseCidrBits('', 4), undefined);
  assert.equal(parseCidrBits('8x', 4), undefined);
});

test('masks and host bits', () => {
  assert.deepEqual(maskFromBits(20, 4), [255, 255, 240, 0]);
  assert.equal(bitsFromMask([255, 255, 240, 0]), 20);
  assert.equal(bitsFromMask([255, 0, 255, 0]), undefined);
  assert.equal(hasHostBits([10, 0, 0, 1], maskFromBits(8, 4)), true);
  assert.equal(hasHostBits([10, 0, 0, 0], maskFromBits(8, 4)), false);
});

function rulesOf(dialect: 'pool' | 'pg', line: string): string[] {
  const file = dialect === 'pool' ? '/nonexistent/pool_hba.conf' : '/nonexistent/pg_hba.conf';
  return check(service, file, `${line}\n`).map(p => p.rule);
}

test('address field: keywords, host names, suffixes, CIDR and netmask forms (both dialects)', () => {
  for (const d of ['pool', 'pg'] as const) {
    const s = d === 'pool' ? 'pool-hba' : 'pg-hba';
    for (const ok of ['all', 'samehost', 'samenet', 'db.example.com', '.example.com', '10.0.0.0/8', '10.0.0.0 255.0.0.0', '::1/128', '2001:db8::/32', 'fe80::/10', '::ffff:127.0.0.1/128', '"all"', '1.2.3.0/24']) {
      assert.deepEqual(rulesOf(d, `hostssl all all ${ok} scram-sha-256`), [], `${d}: ${ok}`);
    }
    assert.deepEqual(rulesOf(d, 'hostssl all all example.com/24 scram-sha-256'), [`${s}/hostname-with-cidr`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 256.1.1.1/32 scram-sha-256'), [`${s}/hostname-with-cidr`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 127.0.0.1/33 scram-sha-256'), [`${s}/invalid-cidr-mask`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all ::1/129 scram-sha-256'), [`${s}/invalid-cidr-mask`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 127.0.0.1 ffff:: scram-sha-256'), [`${s}/address-mask-mismatch`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 127.0.0.1 scram-sha-256'), [`${s}/invalid-netmask`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 10.0.0.1/8 scram-sha-256'), [`${s}/host-bits-set`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 10.0.0.1 255.0.0.0 scram-sha-256'), [`${s}/host-bits-set`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 10/8 scram-sha-256'), [`${s}/suspicious-address`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 1.2.3.4.5 scram-sha-256'), [`${s}/suspicious-address`]);
    assert.deepEqual(rulesOf(d, 'hostssl all all 127.0.0.1/32,10.0.0.0/8 scram-sha-256'), [`${s}/multiple-values`]);
  }
});

test('the host-bits fix writes the network address', () => {
  const text = 'hostssl all all 10.1.2.3/16 scram-sha-256\n';
  const [p] = check(service, '/nonexistent/pool_hba.conf', text);
  assert.equal(p!.rule, 'pool-hba/host-bits-set');
  const edit = p!.fixes![0]!.edits[0]!;
  assert.equal(text.slice(0, edit.span[0]) + edit.newText + text.slice(edit.span[1]), 'hostssl all all 10.1.0.0/16 scram-sha-256\n');
});
