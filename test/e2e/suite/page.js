// Questions from the in-editor suite to the browser side (harness/pageRequests.ts): the extension host cannot see the
// workbench's DOM, so the suite writes a request file and waits (fs.watch, under a deadline) for the answer.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIR = process.env.PGTLS_E2E_OUT ? path.join(process.env.PGTLS_E2E_OUT, 'page') : undefined;
const WAIT_MS = 60000;
let next = 0;

/** Sends `request` (see pageRequests.ts) and resolves with the answer; rejects with the browser side's error. */
function askPage(request) {
  if (!DIR) return Promise.reject(new Error('PGTLS_E2E_OUT is not set: the suite runs outside the harness'));
  fs.mkdirSync(DIR, { recursive: true });
  const id = `${String(++next).padStart(3, '0')}-${request.kind}`;
  const response = path.join(DIR, `${id}.response.json`);
  return new Promise((resolve, reject) => {
    const done = () => {
      if (!fs.existsSync(response)) return false;
      clearTimeout(timer);
      watcher.close();
      const answer = JSON.parse(fs.readFileSync(response, 'utf8'));
      if (answer.ok) resolve(answer);
      else reject(new Error(`the browser side answered: ${answer.error}`));
      return true;
    };
    const watcher = fs.watch(DIR, () => { done(); });
    const timer = setTimeout(() => { watcher.close(); reject(new Error(`no answer to ${id} within ${WAIT_MS / 1000}s`)); }, WAIT_MS);
    const file = path.join(DIR, `${id}.request.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(request));
    fs.renameSync(`${file}.tmp`, file);
    done();
  });
}

module.exports = { askPage };
