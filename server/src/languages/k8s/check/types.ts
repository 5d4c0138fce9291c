/**
 * The contract of a rule module: the rules of one operator (or of one cross-cutting concern such as Secret
 * references) over the resources it applies to. Modules are listed in check/index.ts, which runs them; their rule
 * metadata is in ../rules.ts.
 *
 * Two phases, so that an edit re-validates only what changed:
 * - `checkDocument` sees one document and the settings only; its findings are memoised with the document's text and
 *   reused while the text is unchanged. No clock, no other files.
 * - `checkLive` runs on every validation and may look across the workspace (`ctx.workspace`) or use the clock.
 */
import type { Reporter } from '../../../core/rules';
import type { ServiceEnv, Settings } from '../../../core/types';
import type { Resource } from '../model';
import type { WorkspaceResources } from '../workspace';

export interface DocumentContext {
  settings: Settings;
  /**
   * The one reporter (core/rules.ts). Spans, fix edits and fix-command offsets are document-relative (the mode moves
   * them into the file); related places are places of files (`Place`, e.g. `namePlace`, with a message).
   */
  report: Reporter;
}

export interface LiveContext extends DocumentContext {
  env: ServiceEnv;
  workspace: WorkspaceResources;
}

export interface RuleModule {
  /** Short name, e.g. `cpo`, `secret-refs`. */
  name: string;
  appliesTo(r: Resource): boolean;
  checkDocument?(r: Resource, ctx: DocumentContext): void;
  checkLive?(r: Resource, ctx: LiveContext): void;
}
