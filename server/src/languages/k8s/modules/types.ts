/**
 * The contract of a rule module: the rules of one operator (or of one cross-cutting concern such as Secret
 * references) over the resources it applies to. Modules are listed in modules/index.ts; the mode runs them.
 *
 * Two phases, so that an edit re-validates only what changed:
 * - `checkDocument` sees one document and the settings only; its findings are memoised with the document's text and
 *   reused while the text is unchanged. No clock, no other files.
 * - `checkLive` runs on every validation and may look across the workspace (`ctx.workspace`) or use the clock.
 */
import type { Document } from 'yaml';
import type { Fix, RuleMeta, ServiceEnv, Settings, Span } from '../../../core/types';
import type { Header, K8sDocument } from '../parse';
import type { Place, WorkspaceResources } from '../workspace';

/** What a resource is: a built-in target or a kind defined by a CustomResourceDefinition of the workspace. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  /** Name used in messages, e.g. `CYBERTEC postgresql`. */
  title: string;
  operator: 'kubedb' | 'percona' | 'cpo' | 'cert-manager' | 'core' | 'custom';
  clusterScoped?: boolean;
}

/** One document that is a resource pgtls validates. */
export interface Resource {
  /** Path of the file. */
  path: string;
  doc: K8sDocument;
  /** The composed YAML document (document-relative ranges). */
  yaml: Document.Parsed;
  kind: ResourceKind;
  header: Header;
  /** Plain data as written (no defaults applied, nulls kept). */
  data: unknown;
}

export interface ReportExtra {
  severity?: RuleMeta['severity'];
  fixes?: Fix[];
  related?: { place: Place; message: string }[];
}

export interface DocumentContext {
  settings: Settings;
  /** Reports a finding; spans (and fix spans) are document-relative. */
  report(rule: RuleMeta, span: Span, message: string, extra?: ReportExtra): void;
}

export interface LiveContext extends DocumentContext {
  env: ServiceEnv;
  workspace: WorkspaceResources;
}

export interface RuleModule {
  /** Short name, e.g. `cpo`, `secret-refs`. */
  name: string;
  rules: readonly RuleMeta[];
  appliesTo(r: Resource): boolean;
  checkDocument?(r: Resource, ctx: DocumentContext): void;
  checkLive?(r: Resource, ctx: LiveContext): void;
}
