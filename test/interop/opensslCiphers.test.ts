/**
 * The cipher-string evaluator (server/src/languages/pgpoolConf/check/tls/ciphers.ts) against the real `openssl ciphers`.
 *
 * What is compared, for each string:
 *  1. accept/reject: `openssl ciphers STRING` succeeds exactly when `SSL_CTX_set_cipher_list` does, which is what
 *     Pgpool-II calls; our `ok` must agree.
 *  2. the resulting TLS 1.2-and-older list, in order: `openssl ciphers STRING` prints the TLS 1.3 suites first
 *     (they are not set by this call), then the list; we drop the `TLS_*` names and compare the rest name by name.
 *  3. what a TLS 1.2 handshake may use: `openssl ciphers -s -tls1_2 STRING` filters by the security level and drops
 *     PSK and SRP suites (the CLI has no PSK callback or SRP user). We compare it, as a set, with our list filtered
 *     by `allowedAtSecLevel` minus PSK/SRP. The default level comes from the system build (Debian compiles in 2); the
 *     suites of an OpenSSL 3 default build have 0, 128 or 256 bits, so levels 1 and 2 select the same ones, and we
 *     only need to tell "level ≤ 2" from "level ≥ 3" (probed with AES128-SHA, a kRSA suite).
 *
 * Not compared: the weak-build profile (3DES suites exist only in OpenSSL 1.1.1 or `enable-weak-ssl-ciphers`
 * builds, which this machine does not have) and any OpenSSL other than 3.x. The data describes OpenSSL 3.0's
 * table and default provider; a 3.x with the legacy provider loaded (IDEA, SEED) would differ and is skipped.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTools, missing } from '../requires';
import { SCHEMAS } from '../helpers';
import { allowedAtSecLevel, cipherCatalog, evaluateCipherString } from '../../server/src/languages/pgpoolConf/check/tls/ciphers';

const cat = cipherCatalog(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'openssl-ciphers.json'), 'utf8')));

const STRINGS = [
  // Pgpool-II's default and common recommendations
  'HIGH:MEDIUM:+3DES:!aNULL', 'HIGH:!aNULL:!MD5', 'DEFAULT', 'DEFAULT:!RSA', 'DEFAULT:+SHA1', 'DEFAULTX',
  'ALL:!aNULL:!eNULL:!LOW:!EXP:!RC4:!MD5:@STRENGTH', 'EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH',
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE+AESGCM', 'kECDHE+aECDSA+AESGCM',
  // aliases and combinations
  'ALL', 'ALL:COMPLEMENTOFALL', 'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT', 'HIGH', 'MEDIUM', 'LOW', 'aNULL', 'eNULL',
  'kRSA', 'ECDH', 'DH', 'kEDH:!kDHE', 'ADH:AECDH', 'SHA:!SHA1', 'SHA1+kRSA', 'ECDHE+ECDSA+SHA384', 'AES128+SHA256',
  'AESGCM+TLSv1.2', 'SSLv3+AES', 'TLSv1.0', 'TLSv1.2+AESGCM:!TLSv1.2', 'CAMELLIA128+SHA1', 'ARIA:!ARIA128',
  'CHACHA20', 'AESCCM8', 'CBC', 'FIPS', 'FIPS+kRSA', 'HIGH+FIPS', 'PSK', 'SRP', 'MD5', 'aGOST', 'GOST89', 'IDEA',
  'SEED', '3DES', 'RC4:HIGH', 'DES-CBC3-SHA', 'low',
  // ordering operators and separators
  'ALL:@STRENGTH', '-ALL:HIGH', 'HIGH:-ALL:aRSA', 'HIGH:-AES256:AES256', 'HIGH:+AES256:+CHACHA20', 'ALL:+kRSA',
  'HIGH;kRSA', 'HIGH,!kRSA', 'HIGH !SHA1', 'HIGH::', ':HIGH', ' HIGH ', 'HIGH!aNULL', 'ALL,-SHA1 ;CBC',
  // @ commands and Suite B
  'AES256-SHA@STRENGTH', '@SECLEVEL=2:HIGH', 'HIGH:@SECLEVEL=0', 'kRSA:@SECLEVEL=3', 'ALL:@SECLEVEL=4',
  'HIGH:@SECLEVEL=', 'HIGH:@SECLEVEL=9', 'HIGH:@FOO', '@STRENGTH', 'SUITEB192', 'SUITEB128ONLY:HIGH',
  // broken strings
  '', 'NOTACIPHER', '!', 'ECDHE+', 'HIGH_X', 'X_HIGH', 'HIGH:!aNULL/MD5', 'TLS_AES_128_GCM_SHA256', 'HIGH:TLS_X',
];

function opensslCiphers(args: string[]): string[] | undefined {
  const r = spawnSync('openssl', ['ciphers', ...args], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return r.stdout.trim() === '' ? [] : r.stdout.trim().split(':');
}

function opensslVersion(): string {
  try { return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim(); } catch { return ''; }
}

const skip = missing('openssl') || (!opensslVersion() || /^OpenSSL 3\./.test(opensslVersion()) ? undefined : `SKIPPED: needs OpenSSL 3.x, found "${opensslVersion()}"`);

test('the cipher-string evaluator agrees with `openssl ciphers`', { skip }, () => {
  assertTools('openssl');
  const systemLevel = opensslCiphers(['-s', '-tls1_2', 'AES128-SHA'])?.length ? 1 : 3;
  const pskSrp = (name: string): boolean => {
    const c = cat.byName.get(name)!;
    const k = cat.bits.kx, a = cat.bits.au;
    return (c.kx & (k.kPSK! | k.kRSAPSK! | k.kECDHEPSK! | k.kDHEPSK! | k.kSRP!)) !== 0 || (c.au & (a.aPSK! | a.aSRP!)) !== 0;
  };
  const failures: string[] = [];
  for (const s of STRINGS) {
    const ours = evaluateCipherString(cat, s);
    const theirs = opensslCiphers(['--', s])?.filter(n => !n.startsWith('TLS_'));
    if ((theirs !== undefined) !== ours.ok) {
      failures.push(`${JSON.stringify(s)}: openssl ${theirs ? 'accepts' : 'rejects'}, we ${ours.ok ? 'accept' : 'reject'}`);
      continue;
    }
    if (!theirs) continue;
    const names = ours.suites.map(c => c.name);
    if (names.join(':') !== theirs.join(':')) failures.push(`${JSON.stringify(s)}: list differs\n  openssl ${theirs.join(':')}\n  ours    ${names.join(':')}`);

    const usableTheirs = (opensslCiphers(['-s', '-tls1_2', '--', s]) ?? []).filter(n => !n.startsWith('TLS_')).sort();
    const level = ours.secLevel ?? systemLevel;
    const usableOurs = ours.suites.filter(c => allowedAtSecLevel(cat, c, level) && !pskSrp(c.name)).map(c => c.name).sort();
    if (usableOurs.join(':') !== usableTheirs.join(':')) failures.push(`${JSON.stringify(s)}: usable set differs at level ${level}\n  openssl ${usableTheirs.join(':')}\n  ours    ${usableOurs.join(':')}`);
  }
  assert.ok(STRINGS.length >= 40);
  assert.deepEqual(failures, []);
});
