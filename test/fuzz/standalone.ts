/**
 * The pure parsers and scanners the languages export (their index.ts, and the core's): on any input they never throw,
 * finish within the bound, answer the same twice, and every offset they return is inside their input.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readPemBlocks } from '../../server/src/core/pem';
import { judgeRegex } from '../../server/src/core/pgRegex';
import { didYouMean, LineIndex } from '../../server/src/core/text';
import { parseBouncerHba, tokenize } from '../../server/src/languages/hba';
import { inetPton } from '../../server/src/languages/hba/bouncer/parse';
import { parseUserlist } from '../../server/src/languages/pgbouncerUserlist';
import { cipherCatalog, classifyCurve, evaluateCipherString } from '../../server/src/languages/pgpoolConf';
import { parseBool, parseIntValue, parseRealValue } from '../../server/src/languages/postgresqlConf';
import type { Span } from '../../server/src/core/types';
import { catalogue } from './corpus';
import { BUDGET_MS } from './properties';
import { hbaLine, userlistLine } from './lines';
import { documentArb, hostileString, longRun, regexArb, word } from './text';
import type { World } from './world';
import { testEnv } from '../helpers';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

/** Runs `f` twice: within the bound, and the same answer both times. */
function stable<T>(what: string, f: () => T): T {
  const t = performance.now();
  const first = f();
  const ms = performance.now() - t;
  if (ms > BUDGET_MS) assert.fail(`${what} took ${Math.round(ms)} ms (bound ${BUDGET_MS} ms)`);
  assert.deepEqual(f(), first, `${what} is not deterministic`);
  return first;
}

function inside(span: Span, length: number, what: string): void {
  assert.ok(Number.isInteger(span[0]) && Number.isInteger(span[1]) && span[0] >= 0 && span[0] <= span[1] && span[1] <= length,
    `${what}: [${span}] is not inside the input of ${length} characters`);
}

/**
 * Every span of a parsed model is inside the text: `span`-named pairs (`span`, `keySpan`, ...) and objects with
 * numeric `start` and `end`.
 */
export function modelSpansInside(model: unknown, length: number, what: string): void {
  const seen = new Set<object>();
  const visit = (x: unknown, key: string, depth: number): void => {
    if (!x || typeof x !== 'object' || seen.has(x) || depth > 40) return;
    seen.add(x);
    if (Array.isArray(x)) {
      if (/span$/i.test(key) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number') inside(x as unknown as Span, length, `${what} ${key}`);
      else x.forEach(y => visit(y, key, depth + 1));
      return;
    }
    if (x instanceof Map) { for (const v of x.values()) visit(v, key, depth + 1); return; }
    const o = x as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') inside([o.start, o.end], length, `${what} ${key} start/end`);
    for (const [k, v] of Object.entries(o)) visit(v, k, depth + 1);
  };
  visit(model, '', 0);
}

const PEM_TEXT = (world: World) => fc.array(fc.oneof(
  w(3, pick([...world.certs, ...world.keys])),
  w(2, fc.tuple(pick(['CERTIFICATE', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'X509 CRL', 'A', '', 'lower', 'CERTIFICATE-----', '  ']), fc.base64String({ maxLength: 80 }), pick(['\n', '\r\n', ' \n', '']), fc.boolean(), fc.boolean())
    .map(([l, b, eol, end, headers]) => `-----BEGIN ${l}-----${eol}${headers ? `Proc-Type: 4,ENCRYPTED${eol}DEK-Info: AES-128-CBC,00${eol}${eol}` : ''}${b}${eol}${end ? `-----END ${l}-----` : ''}`)),
  w(2, pick(['-----BEGIN ', '-----END CERTIFICATE-----', '-----', '\n', '\r\n', 'junk ', '-----BEGIN CERTIFICATE-----\n'])),
  w(1, hostileString), w(1, longRun),
), { maxLength: 8 }).map(xs => xs.join(''));

const UNITS = [undefined, 'B', 'kB', 'MB', '8kB', 'ms', 's', 'min'] as const;
const NUMBER_TEXT = fc.oneof(
  w(3, pick(['0', '1', '-1', '0x1F', '0X', '010', '08', '1.5', '.5', '5.', '1e3', '1e309', '1e-400', '-0', '+5', ' 5', '5 ', '2147483647', '2147483648', '-2147483649',
    '128MB', '1 GB', '10s', '1min', '1h', '1d', '1TB', '8kB', 'NaN', 'nan', 'inf', 'Infinity', '-inf', '0x', '0x8000000000000000', '9'.repeat(400), '0.' + '0'.repeat(400) + '1'])),
  w(1, fc.tuple(fc.double(), pick(['', 'kB', 'MB', 'ms', 'min', ' s', 'x'])).map(([d, u]) => `${d}${u}`)),
  w(1, hostileString),
);

/** The standalone targets: name, arbitrary and predicate. */
export function standaloneTargets(world: World): { name: string; property: fc.IPropertyWithHooks<[unknown]> }[] {
  const env = testEnv();
  const ciphersJson = env.loadJson('openssl-ciphers.json');
  const curvesJson = env.loadJson('openssl-curves.json');
  const names = catalogue().postgresql.map(p => p.name);
  const prop = <T>(arb: fc.Arbitrary<T>, f: (x: T) => void) => fc.property(arb, x => f(x)) as unknown as fc.IPropertyWithHooks<[unknown]>;
  return [
    { name: 'core/pgRegex judgeRegex', property: prop(regexArb, pattern => {
      const v = stable('judgeRegex', () => judgeRegex(pattern));
      if (v.kind === 'error') {
        assert.ok(v.length >= 1, `error length ${v.length}`);
        inside([v.at, v.at + v.length], pattern.length + 1, `error of ${JSON.stringify(pattern)}`);
        assert.ok(v.message.length > 0);
      } else if (v.kind === 'ok') {
        assert.ok(Number.isInteger(v.groups) && v.groups >= 0);
        for (const b of v.backspaces) inside([b, b], pattern.length, 'backspace');
      }
    }) },
    { name: 'core/pem readPemBlocks', property: prop(PEM_TEXT(world), text => {
      const blocks = stable('readPemBlocks', () => readPemBlocks(text));
      let last = 0;
      for (const b of blocks) {
        inside([b.start, b.end], text.length, `block ${b.label}`);
        assert.ok(b.start >= last, 'blocks out of order or overlapping');
        last = b.end;
        assert.equal(b.text, `${text.slice(b.start, b.end)}\n`, 'block text is not the text between its offsets');
        assert.ok(text.startsWith(`-----BEGIN ${b.label}-----`, b.start) && text.slice(0, b.end).endsWith(`-----END ${b.label}-----`), 'block does not start and end with its markers');
      }
    }) },
    ...(['pgpool', 'postgres'] as const).map(dialect => ({ name: `hba tokenize (${dialect})`, property: prop(documentArb(hbaLine(dialect === 'pgpool' ? 'pool-hba' : 'pg-hba')), text => {
      const lines = stable('tokenize', () => tokenize(text, { dialect }));
      let last = 0;
      for (const l of lines) {
        inside(l.span, text.length, `line ${l.line}`);
        assert.ok(l.span[0] >= last, `line ${l.line} overlaps the previous one`);
        last = l.span[1];
        let end = l.span[0];
        for (const f of l.fields) for (const t of f.tokens) {
          inside(t.span, text.length, `token ${JSON.stringify(t.value)}`);
          assert.ok(t.start >= end && t.end <= l.span[1], `token ${JSON.stringify(t.value)} [${t.span}] out of order or outside its line [${l.span}]`);
          end = t.end;
        }
        if (l.error) inside(l.error.span, text.length, `line error ${l.error.kind}`);
      }
    }) })),
    { name: 'hba parseBouncerHba', property: prop(documentArb(hbaLine('pgbouncer-hba')), text => {
      modelSpansInside(stable('parseBouncerHba', () => parseBouncerHba(text, '/nonexistent/pgbouncer_hba.conf')), text.length, 'parseBouncerHba');
    }) },
    { name: 'hba inetPton', property: prop(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), hostileString, pick(['::', '::ffff:1.2.3.4', '1.2.3', '01.2.3.4', '1::2::3', 'fe80::1%eth0', '1.2.3.4/32', ''])), s => {
      const r = stable('inetPton', () => inetPton(s));
      if (r) {
        assert.equal(r.bytes.length, r.family === 4 ? 4 : 16, `${s}: ${r.bytes.length} bytes for IPv${r.family}`);
        for (const b of r.bytes) assert.ok(Number.isInteger(b) && b >= 0 && b <= 255, `${s}: byte ${b}`);
      }
    }) },
    { name: 'pgbouncerUserlist parseUserlist', property: prop(documentArb(userlistLine()), text => {
      const f = stable('parseUserlist', () => parseUserlist({ path: '/nonexistent/userlist.txt', text, languageId: 'pgbouncer-userlist' }));
      assert.ok(f.readEnd >= 0 && f.readEnd <= text.length, `readEnd ${f.readEnd}`);
      modelSpansInside({ entries: f.entries, comments: f.comments, stop: f.stop }, text.length, 'parseUserlist');
    }) },
    { name: 'postgresqlConf value parsers', property: prop(fc.tuple(NUMBER_TEXT, pick(UNITS)), ([value, unit]) => {
      stable('parseBool', () => parseBool(value));
      for (const [what, f] of [['parseIntValue', parseIntValue], ['parseRealValue', parseRealValue]] as const) {
        const r = stable(what, () => f(value, unit));
        if (r.ok) assert.ok(!Number.isNaN(r.value), `${what}(${JSON.stringify(value)}) is NaN`);
        if (r.ok && what === 'parseIntValue') assert.ok(Number.isInteger(r.value), `${what}(${JSON.stringify(value)}) = ${r.value}`);
      }
    }) },
    { name: 'pgpoolConf evaluateCipherString', property: prop(fc.tuple(fc.oneof(w(3, fc.array(fc.oneof(pick(['HIGH', 'ALL', 'DEFAULT', '!aNULL', '+3DES', '-ECDH', '@STRENGTH', '@SECLEVEL=0', '@SECLEVEL=', 'ECDHE+AESGCM', 'kRSA', 'TLS_AES_128_GCM_SHA256', 'AES128-SHA', '!', ':', ',', ' ', '+', '-']), word), { maxLength: 10 }).map(x => x.join(':'))), w(1, hostileString), w(1, longRun)), fc.boolean()), ([input, weakBuild]) => {
      const r = stable('evaluateCipherString', () => evaluateCipherString(cipherCatalog(ciphersJson), input, { weakBuild }));
      if (r.error) inside([r.error.start, r.error.end], input.length, `error ${r.error.kind}`);
      for (const i of r.ignored) inside([i.start, i.end], input.length, `ignored ${i.text}`);
    }) },
    { name: 'pgpoolConf classifyCurve and didYouMean', property: prop(fc.oneof(word, hostileString, pick(['prime256v1', 'P-256', 'X25519', 'secp384r1', 'ffdhe2048'])), name => {
      stable('classifyCurve', () => classifyCurve(curvesJson, name));
      const hits = stable('didYouMean', () => didYouMean(name, names));
      for (const h of hits) assert.ok(names.includes(h), `didYouMean proposed ${h}`);
    }) },
    { name: 'core/text LineIndex', property: prop(documentArb(fc.oneof(word, hostileString)), text => {
      const index = new LineIndex(text);
      for (let o = 0; o <= text.length; o += Math.max(1, Math.floor(text.length / 16))) {
        const p = index.positionAt(o);
        assert.ok(p.line >= 0 && p.character >= 0, `position of ${o}`);
        // an offset between the CR and the LF of a line end has no position of its own
        if (!(text[o - 1] === '\r' && text[o] === '\n')) assert.equal(index.offsetAt(p), o, `offsetAt(positionAt(${o}))`);
      }
    }) },
  ];
}
