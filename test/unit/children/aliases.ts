/**
 * Child process of slowInputs.test.ts: a Secret whose stringData has COUNT aliases of one anchor, validated three
 * times with an edit between, as the language server validates keystrokes. Prints the rules found as JSON.
 */
import { DEFAULT_SETTINGS } from '../../../server/src/core/types';
import type { ParsedFile } from '../../../server/src/service';
import { testService } from '../../helpers';

const count = Number(process.argv[2]);
const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: aliases', 'type: Opaque', 'stringData:', '  base: &a hello'];
for (let i = 0; i < count; i++) lines.push(`  k${i}: *a`);
const service = testService();
let previous: ParsedFile | undefined;
const rules: string[][] = [];
for (const edit of ['', '# edited\n', '']) {
  const doc = { path: '/nonexistent/pgtls/aliases.yaml', text: lines.join('\n') + '\n' + edit, languageId: 'yaml' as const, version: rules.length + 1 };
  const parsed = service.parse(doc, previous);
  previous = parsed;
  rules.push(service.validate(doc, parsed, DEFAULT_SETTINGS).map(p => p.rule));
}
process.stdout.write(JSON.stringify(rules));
