/**
 * One language table (core/languages.ts): package.json's contributed languages, the client's document selector
 * (`LANGUAGE_IDS`), the façade's `languageOf` and the registered language modes all agree with it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LANGUAGE_TABLE, languageOf } from '../../server/src/core/languages';
import { MODES } from '../../server/src/languages/registry';
import { LANGUAGE_IDS } from '../../server/src/protocol';
import { ROOT } from '../helpers';

test("package.json's contributed languages are the table's", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const contributed = (pkg.contributes.languages as Record<string, unknown>[]).map(l => ({
    id: l.id, aliases: l.aliases ?? [], filenames: l.filenames ?? [], filenamePatterns: l.filenamePatterns ?? [],
  }));
  const table = Object.entries(LANGUAGE_TABLE).filter(([, l]) => l.contributed).map(([id, l]) => ({
    id, aliases: l.aliases, filenames: l.filenames, filenamePatterns: l.filenamePatterns,
  }));
  assert.deepEqual(contributed, table);
});

test('LANGUAGE_IDS and the language modes are the table\'s languages', () => {
  assert.deepEqual([...LANGUAGE_IDS], Object.keys(LANGUAGE_TABLE));
  assert.deepEqual(MODES.map(m => m.id).sort(), [...LANGUAGE_IDS].sort());
});

test('languageOf follows the table: file names and patterns, case only for YAML', () => {
  for (const [id, l] of Object.entries(LANGUAGE_TABLE)) {
    for (const name of l.filenames) assert.equal(languageOf(`/etc/x/${name}`), id, name);
    for (const glob of l.filenamePatterns) {
      assert.equal(languageOf(`C:\\x\\${glob.replace(/\*/g, 'prod')}`), id, glob);
      assert.equal(languageOf(glob.replace(/\*/g, '')), id, `${glob} with an empty *`);
    }
  }
  assert.equal(languageOf('/x/values.YAML'), 'yaml');
  assert.equal(languageOf('/x/PGPOOL.CONF'), undefined);
  assert.equal(languageOf('/x/pgpool.conf.bak'), undefined);
  assert.equal(languageOf('/x/pgpool.conf.sample-stream'), 'pgpool-conf');
  assert.equal(languageOf('/x/postgresql.conf'), 'postgresql-conf'); // issue 9: postgresql.conf is a language now
  assert.equal(languageOf('/x/postgresql.conf.bak'), undefined);
  assert.equal(languageOf('/x/pg_hba.conf/'), undefined, 'a folder path has no file name');
});

test("each language's comment syntax is the one its language configuration toggles (none for pool_passwd)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const l of pkg.contributes.languages as { id: keyof typeof LANGUAGE_TABLE; configuration: string }[]) {
    const conf = JSON.parse(fs.readFileSync(path.join(ROOT, l.configuration), 'utf8')) as { comments?: { lineComment?: string } };
    const [first] = LANGUAGE_TABLE[l.id].lineComments;
    assert.equal(conf.comments?.lineComment, first, `${l.id}: ${l.configuration}`);
  }
  assert.deepEqual(LANGUAGE_TABLE['pool-passwd'].lineComments, [], 'pool_passwd has no comments: a # line is a user entry');
  assert.deepEqual(LANGUAGE_TABLE['pgbouncer-userlist'].lineComments, [';'], 'a # line ends the reading of an auth_file');
  assert.deepEqual(LANGUAGE_TABLE['pgbouncer-ini'].lineComments, [';', '#']);
  assert.deepEqual(LANGUAGE_TABLE.yaml.lineComments, ['#']);
});
