// Lint keeps the floor plan honest (ARCHITECTURE.md): each room of server/src may import only the rooms below it.
//   core  <  x509  <  certs  <  deploy  <  tlsFiles  <  languages  <  service.ts (the façade)  <  node/  <  lsp/, cli/ (the front ends)
// The pure rooms (core, x509, certs, deploy, tlsFiles, languages, service.ts) import no Node.js built-in, no node/, no LSP and no front
// end. A language imports another only through that language's index.ts, and only for the uses declared below.
// The front ends reach the core through the façade (service.ts) and protocol.ts; type-only imports are free.
// The client talks to the server only through protocol.ts. test/unit/lintZones.test.ts proves each zone bites.
// Size limits: no file over 600 lines and no function over 150 (generated code aside).
import tseslint from 'typescript-eslint';

const NODE_MESSAGE = 'A pure room does not touch the disk, the process or the network: only node/ does (through ServiceEnv).';
/** Bare built-in names are matched exactly (as `paths`), so that a local `./util` is not taken for `util`. */
const NODE_BUILTIN_PATHS = ['fs', 'fs/promises', 'path', 'os', 'url', 'crypto', 'child_process', 'worker_threads', 'util', 'stream']
  .map(name => ({ name, message: NODE_MESSAGE }));
const LSP = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'];

const group = (patterns, message) => ({ group: patterns, message });
/** Imports that climb out of the importing room (`../`, `../../`) into one of `rooms`. */
const up = rooms => `^(\\.\\./)+(${rooms.join('|')})(/|$)`;
const regex = (re, message) => ({ regex: re, message });
const noNode = group(['node:*'], NODE_MESSAGE);
const noNodeRoom = regex(up(['node']), 'A pure room does not import node/: the environment comes in through ServiceEnv.');
const noLsp = group(LSP, 'Only lsp/ (and main.ts) speak LSP; the core never builds an LSP type.');
const noFrontEnds = regex(`${up(['lsp', 'cli'])}|^(\\.\\./)+main$`, 'The core never imports a front end.');
const noFacade = regex('^(\\.\\./)+(service|certService|protocol)$', 'Only the front ends use the façade and the protocol.');
const above = rooms => regex(up(rooms), `This room sits below ${rooms.join(', ')} and may not import them.`);
/** Another language only through its index.ts (`../pgpoolConf`, never `../pgpoolConf/model`). */
const throughIndex = langs => regex(`^(\\.\\.?/)+(${langs.join('|')})/.+`, `Import ${langs.join(' or ')} only through its index.ts.`);
const notDeclared = langs => regex(up(langs), `This language does not use ${langs.join(' or ')} (no declared use; see ARCHITECTURE.md).`);

const pure = extra => ({ 'no-restricted-imports': ['error', { paths: NODE_BUILTIN_PATHS, patterns: [noNode, noNodeRoom, noLsp, noFrontEnds, noFacade, ...extra] }] });

/** Value imports of the core's rooms from a front end; `import type` stays allowed (types are the façade's vocabulary). */
const frontEnd = (extra = []) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': ['error', {
    patterns: [{ regex: up(['core', 'languages', 'certs', 'x509']), allowTypeImports: true,
      message: 'A front end reaches the core through the façade (service.ts, certService.ts) or protocol.ts.' }, ...extra],
  }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.e2e/**', 'bench/.work/**', 'test/e2e/workspace/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-debugger': 'error',
    },
  },
  {
    files: ['server/src/**/*.ts', 'client/src/**/*.ts'],
    ignores: ['server/src/languages/k8s/generated/**'],
    rules: {
      'max-lines': ['error', { max: 600 }],
      'max-lines-per-function': ['error', { max: 150 }],
    },
  },
  { files: ['server/src/core/**/*.ts'], rules: pure([above(['x509', 'certs', 'deploy', 'tlsFiles', 'languages'])]) },
  { files: ['server/src/x509/**/*.ts'], rules: pure([above(['certs', 'deploy', 'tlsFiles', 'languages'])]) },
  { files: ['server/src/certs/**/*.ts'], rules: pure([above(['deploy', 'tlsFiles', 'languages'])]) },
  { files: ['server/src/deploy/**/*.ts'], rules: pure([above(['tlsFiles', 'languages'])]) },
  { files: ['server/src/tlsFiles/**/*.ts'], rules: pure([above(['languages'])]) },
  { files: ['server/src/languages/pgpoolConf/**/*.ts'], rules: pure([throughIndex(['poolPasswd']), notDeclared(['hba', 'k8s'])]) },
  { files: ['server/src/languages/hba/**/*.ts'], rules: pure([throughIndex(['pgpoolConf', 'poolPasswd', 'pgIdent', 'postgresqlConf']), notDeclared(['k8s'])]) },
  { files: ['server/src/languages/poolPasswd/**/*.ts'], rules: pure([notDeclared(['pgpoolConf', 'hba', 'k8s'])]) },
  { files: ['server/src/languages/postgresqlConf/**/*.ts'], rules: pure([throughIndex(['pgpoolConf']), notDeclared(['hba', 'k8s', 'poolPasswd'])]) },
  { files: ['server/src/languages/k8s/**/*.ts'], rules: pure([throughIndex(['pgpoolConf', 'hba']), notDeclared(['poolPasswd'])]) },
  { files: ['server/src/languages/pgbouncerIni/**/*.ts'], rules: pure([throughIndex(['pgpoolConf', 'pgbouncerUserlist', 'hba']), notDeclared(['k8s', 'poolPasswd'])]) },
  { files: ['server/src/languages/pgIdent/**/*.ts'], rules: pure([throughIndex(['hba']), notDeclared(['pgpoolConf', 'poolPasswd', 'k8s'])]) },
  { files: ['server/src/languages/*.ts'], rules: pure([throughIndex(['pgpoolConf', 'hba', 'k8s', 'poolPasswd', 'pgbouncerIni', 'pgIdent', 'postgresqlConf', 'pgbouncerUserlist'])]) },
  { files: ['server/src/languages/pgbouncerUserlist/**/*.ts'], rules: pure([notDeclared(['pgpoolConf', 'hba', 'k8s', 'poolPasswd'])]) },
  // The TLS map sits beside the façade: pure, it takes the façade as an argument and reads languages only through their index.ts.
  { files: ['server/src/map/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: NODE_BUILTIN_PATHS, patterns: [noNode, noNodeRoom, noLsp, noFrontEnds, noFacade, throughIndex(['pgpoolConf', 'hba', 'k8s', 'poolPasswd', 'pgbouncerIni', 'pgIdent', 'postgresqlConf', 'pgbouncerUserlist'])] }] } },
  {
    files: ['server/src/service.ts', 'server/src/certService.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: NODE_BUILTIN_PATHS, patterns: [noNode, noNodeRoom, noLsp, noFrontEnds] }] },
  },
  {
    files: ['server/src/protocol.ts'],
    // The client bundles protocol.ts: it may use the core's vocabulary and the algorithm table, nothing heavier.
    rules: { 'no-restricted-imports': ['error', { paths: NODE_BUILTIN_PATHS, patterns: [noNode, noLsp,
      regex('^\\./(node|lsp|cli|languages|x509)(/|$)|^\\./certs/(?!algorithms$)|^\\./(service|certService|main)$', 'The client bundles protocol.ts: it imports only core/ and certs/algorithms.')] }] },
  },
  {
    files: ['server/src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noLsp, noFrontEnds] }] },
  },
  { files: ['server/src/lsp/**/*.ts'], rules: frontEnd([regex(up(['cli']), 'The language server does not use the CLI.')]) },
  { files: ['server/src/main.ts'], rules: frontEnd([regex('^\\./cli(/|$)', 'The language server does not use the CLI.')]) },
  { files: ['server/src/cli/**/*.ts'], rules: frontEnd([{ group: LSP, message: 'The CLI does not speak LSP.' }, regex(up(['lsp']), 'The CLI does not use the language server.')]) },
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/src/**', '!**/server/src/protocol'], message: 'The client talks to the server only through protocol.ts.' }],
      }],
    },
  },
);
