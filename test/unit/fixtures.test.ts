/**
 * Data-driven fixture suite: every folder `test/fixtures/<scope>/<rule>/{ok,bad}/` is validated file by file with the
 * real service; the problems must equal the expectations written inline in the files (none at all for `ok`).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { ROOT, check, describeProblem, expectations, testService } from '../helpers';

const FIXTURES = path.join(ROOT, 'test/fixtures');
const service = testService();

function* fixtureDirs(): Generator<string> {
  if (!fs.existsSync(FIXTURES)) return;
  for (const scope of fs.readdirSync(FIXTURES)) {
    const scopeDir = path.join(FIXTURES, scope);
    if (!fs.statSync(scopeDir).isDirectory()) continue;
    for (const rule of fs.readdirSync(scopeDir)) {
      for (const kind of ['ok', 'bad']) {
        const dir = path.join(scopeDir, rule, kind);
        if (fs.existsSync(dir)) yield dir;
      }
    }
  }
}

function settingsFor(dir: string): Record<string, unknown> {
  const f = path.join(dir, 'settings.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : {};
}

/**
 * A fixture folder with a `setup.sh` is copied to a temp folder and the script runs there first (with bash, cwd = the
 * copy): it makes the certificates, keys and file modes the fixture needs, so no key is ever committed.
 */
function prepared(dir: string): string {
  if (!fs.existsSync(path.join(dir, 'setup.sh'))) return dir;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-fixture-'));
  fs.cpSync(dir, tmp, { recursive: true });
  execFileSync('bash', ['setup.sh'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGTLS_FIXTURE_LIB: path.join(FIXTURES, '_lib') } });
  return tmp;
}

for (let dir of fixtureDirs()) {
  const rel = path.relative(FIXTURES, dir);
  test(`fixture ${rel}`, () => {
    dir = prepared(dir);
    const files = fs.readdirSync(dir).filter(f => service.languageOf(f));
    assert.ok(files.length > 0, `${rel} holds no file pgtls validates`);
    let total = 0;
    for (const f of files) {
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const got = check(service, file, text, settingsFor(dir)).map(p => describeProblem(text, p)).sort();
      const want = expectations(text).sort();
      total += want.length;
      assert.deepEqual(got, want, `${rel}/${f}`);
    }
    if (rel.endsWith('bad')) {
      const source = path.join(FIXTURES, rel);
      const ruleName = path.basename(path.dirname(source));
      const scope = path.basename(path.dirname(path.dirname(source)));
      assert.ok(total > 0, `${rel} expects no problem`);
      const all = files.flatMap(f => expectations(fs.readFileSync(path.join(dir, f), 'utf8')));
      // `embedded-*` folders show a language's rules inside YAML (k8s/check/embedded.ts): any rule of their scope counts.
      const own = ruleName.startsWith('embedded-') ? `${scope}/` : `${scope}/${ruleName}`;
      assert.ok(all.some(e => ruleName.startsWith('embedded-') ? e.split(' ')[1]!.startsWith(own) : e.endsWith(` ${own}`)), `${rel} never expects its own rule ${own}`);
    }
  });
}

test('every registered rule has an ok/bad fixture pair', () => {
  const missing = service.rules()
    .filter(r => !r.id.startsWith('pgtls/'))
    .filter(r => {
      const [scope, name] = r.id.split('/');
      return !fs.existsSync(path.join(FIXTURES, scope!, name!, 'ok')) || !fs.existsSync(path.join(FIXTURES, scope!, name!, 'bad'));
    })
    .map(r => r.id);
  assert.deepEqual(missing, []);
});
