// Lint keeps the architecture honest: the pure core under server/src may not import the editor or the LSP
// connection; only the glue (main.ts, lsp/, protocol.ts) may. The client reaches the server only through protocol.ts.
import tseslint from 'typescript-eslint';

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
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/main.ts', 'server/src/lsp/**', 'server/src/protocol.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The core must not import the editor API.' },
          { name: 'vscode-languageserver', message: 'Only main.ts and lsp/ may use the LSP connection.' },
          { name: 'vscode-languageserver/node', message: 'Only main.ts and lsp/ may use the LSP connection.' },
          { name: 'vscode-languageclient', message: 'The core must not import the language client.' },
        ],
        patterns: [{ group: ['vscode-languageserver/*', 'vscode-languageclient/*'], message: 'The core stays free of LSP glue.' }],
      }],
    },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/src/**', '!**/server/src/protocol'], message: 'The client talks to the server only through protocol.ts.' }],
      }],
    },
  },
);
