// Test-only stand-in for the Red Hat YAML extension (id redhat.vscode-yaml): the real yaml-language-server that
// extension runs, from the repository's node_modules (PGTLS_E2E_NODE_MODULES), as a language client for `yaml`.
// It exists because the real extension cannot be downloaded here; pgtls only looks at the extension id and `yaml.validate`.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');
const modules = process.env.PGTLS_E2E_NODE_MODULES;
let client;
exports.activate = async function activate() {
  if (!modules) throw new Error('PGTLS_E2E_NODE_MODULES is not set');
  const { LanguageClient, TransportKind } = createRequire(path.join(modules, 'package.json'))('vscode-languageclient/node');
  const server = path.join(modules, 'yaml-language-server/out/server/src/server.js');
  client = new LanguageClient('yaml', 'YAML Support (e2e)', { module: server, transport: TransportKind.ipc },
    { documentSelector: [{ scheme: 'file', language: 'yaml' }], synchronize: { configurationSection: ['yaml'] } });
  await client.start();
};
exports.deactivate = () => client && client.stop();
