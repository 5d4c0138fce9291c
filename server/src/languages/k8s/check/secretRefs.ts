/**
 * The first cross-document rule over the Secret references (references.ts): a referenced Secret that is not in the
 * workspace is a note (it may well exist only in the cluster), with a fix that creates it. A Secret that a cert-manager
 * Certificate of the workspace writes (`spec.secretName`) counts as present.
 */
import { CREATE_TLS_SET_COMMAND, type Fix, type FixLocationArg } from '../../../core/types';
import { stringAt } from '../data';
import type { Resource } from '../model';
import { SECRET_REFERENCES } from '../references';
import { SECRET } from '../rules';
import type { RuleModule } from './types';

/** The client command (client/src/commands/certs.ts) that generates a CA, leaves and Secrets for a resource. */
export { CREATE_TLS_SET_COMMAND };
export const CREATE_TLS_SET_TITLE = 'Create certificates and Secrets for this resource…';

/**
 * A command-only fix: runs Create Complete TLS Set on the resource that holds `offset` (document-relative here; the
 * mode shifts it into the file and the LSP glue fills in the document URI, see `FixCommand`).
 */
export function createTlsSetFix(offset: number): Fix {
  const arg: FixLocationArg = { offset };
  return { title: CREATE_TLS_SET_TITLE, edits: [], command: { title: CREATE_TLS_SET_TITLE, command: CREATE_TLS_SET_COMMAND, arguments: [arg] } };
}

export const secretRefsModule: RuleModule = {
  name: 'secret-refs',
  appliesTo: (r: Resource) => SECRET_REFERENCES.some(ref => ref.apiVersion === r.kind.apiVersion && ref.kind === r.kind.kind),
  checkLive(r, ctx) {
    for (const ref of SECRET_REFERENCES) {
      if (ref.apiVersion !== r.kind.apiVersion || ref.kind !== r.kind.kind) continue;
      const at = stringAt(r.yaml, ref.path);
      if (!at || at.value === '') continue; // an empty name is a different problem (TLS off for CPO)
      // A Secret that a Certificate of the workspace writes exists as soon as cert-manager has issued it.
      if (ctx.workspace.find('Secret', at.value, r.header.namespace, 'v1').length
        || ctx.workspace.certificatesWriting(at.value, r.header.namespace).length) continue;
      const where = ctx.workspace.scope;
      ctx.report(SECRET['not-found'], at.span,
        `Secret \`${at.value}\`${r.header.namespace ? ` (namespace \`${r.header.namespace}\`)` : ''} is not ${where}; ${ref.use}. If it is created in the cluster (kubectl create secret, cert-manager), nothing is wrong; otherwise add the Secret manifest.`, { fixes: [createTlsSetFix(at.span[0])] });
    }
  },
};
