/**
 * Diagnostic texts are plain text wherever they are shown (Problems panel, Neovim, the CLI): the checks write names as
 * Markdown code spans, and the façade's last step (service.ts `finalize`) turns them into quoted names, in the message,
 * the quick-fix titles and the related places alike, so the CLI and the editor still print the same words.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { plainMessage } from '../../server/src/core/text';
import { check, testService } from '../helpers';

test('plainMessage: code spans become quoted names; a leading label loses its backticks only', () => {
  assert.equal(plainMessage('Use `hostssl` if this rule should require TLS.'), 'Use "hostssl" if this rule should require TLS.');
  assert.equal(plainMessage('`ssl_cert`: `server.crt` does not exist'), 'ssl_cert: "server.crt" does not exist');
  assert.equal(plainMessage('write `ssl_ciphers = "HIGH"` instead'), 'write \'ssl_ciphers = "HIGH"\' instead');
  assert.equal(plainMessage('no code here'), 'no code here');
  assert.equal(plainMessage('a lone ` stays'), 'a lone ` stays');
});

test('through the façade: no message, fix title or related message keeps a backtick', () => {
  const service = testService();
  const dir = path.join(path.sep, 'nowhere', 'pgtls-plain');
  const samples: [string, string][] = [
    ['pgpool.conf', "ssl = on\nssl_cert = 'server.crt'\nhealth_check_timout = 20\nchild_life_time = 5 min\nbackend_clustering_mode = RAW\n"],
    ['pool_hba.conf', 'host all all 10.0.0.1/8 md5\nhostssl all all 0.0.0.0/0 trust\n'],
    ['pgpool.yaml', 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata:\n  name: pp\nspec:\n  version: "4.6.0"\n  cientAuthMode: md5\n  sslMode: disabled\n'],
  ];
  let fixes = 0, count = 0;
  for (const [name, text] of samples) {
    for (const p of check(service, path.join(dir, name), text)) {
      count++;
      assert.ok(!p.message.includes('`'), `${p.rule}: ${p.message}`);
      for (const f of p.fixes ?? []) { fixes++; assert.ok(!f.title.includes('`'), `${p.rule} fix: ${f.title}`); }
      for (const r of p.related ?? []) assert.ok(!r.message.includes('`'), `${p.rule} related: ${r.message}`);
    }
  }
  assert.ok(count >= 6 && fixes >= 2, `${count} problems, ${fixes} fixes: the samples must exercise messages and fixes`);
});
