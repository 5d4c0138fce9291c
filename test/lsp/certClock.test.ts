/**
 * The certificate requests take the clock from the injected environment (`ServiceEnv.now`), not from the machine:
 * with a pinned clock, a generated certificate starts then, and inspecting it says "valid, N days left", "EXPIRED" or
 * "NOT YET VALID" according to the pinned time, both for a file and for a text.
 */
import 'reflect-metadata';
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import {
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, type CertCreateParams, type CertCreateResult, type CertInspectResult,
} from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspclock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
/** Far from the real date, so that the machine's clock gives other answers. */
const PINNED = new Date('2041-03-10T12:00:00Z');

test('certificate requests use the injected clock: creation time and validity wording follow env.now', async () => {
  let clock = PINNED;
  const h = await startHarness({ now: () => clock });
  try {
    const folder = path.join(root, 'ca');
    const created = await h.client.sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, { kind: 'ca', folder, days: 10, caName: 'Clock CA' } satisfies CertCreateParams);
    assert.equal(created.status, 'written');
    if (created.status !== 'written') return;
    const ca = created.summary.files.find(f => f.name === 'ca.crt')!;
    assert.ok(ca.notBefore!.startsWith('2041-03-10'), `notBefore ${ca.notBefore} is the pinned day`);
    assert.ok(ca.notAfter!.startsWith('2041-03-20'), `notAfter ${ca.notAfter} is 10 days later`);

    const uri = pathToFileURL(path.join(folder, 'ca.crt')).href;
    const pem = fs.readFileSync(path.join(folder, 'ca.crt'), 'utf8');
    const inspect = async (at: Date): Promise<string> => {
      clock = at;
      const fromFile = await h.client.sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, { uri });
      const fromText = await h.client.sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, { text: pem });
      assert.equal(fromFile.text, fromText.text);
      return fromFile.text;
    };
    assert.match(await inspect(new Date(PINNED.getTime() + 3 * DAY)), /\(valid, 7 days left\)/);
    assert.match(await inspect(new Date(PINNED.getTime() + 9 * DAY)), /\(valid, 1 day left\)/);
    assert.match(await inspect(new Date(PINNED.getTime() + 30 * DAY)), /\(EXPIRED\)/);
    assert.match(await inspect(new Date(PINNED.getTime() - DAY)), /\(NOT YET VALID\)/);
  } finally {
    h.close();
  }
});
