/**
 * The service `pgtls check` validates with, in the main thread and in each worker (cli/checkJobs.ts): the Node.js
 * environment for the run's workspace folders, its largest file, and the run's index of YAML files as
 * `env.workspace` (without an index, or for standard input, the files beside a validated file are listed instead).
 */
import { findSchemasDir, nodeEnv } from '../node/env';
import { readRegularText } from '../node/readFiles';
import type { ServiceEnv, WorkspaceView } from '../core/types';
import { createService, RunIndex, type ParsedFile, type Service } from '../service';

export interface CheckServiceOptions {
  /** A YAML stream on standard input: no sibling files are read as the workspace. */
  stdin?: boolean;
  maxFileBytes?: number;
  workspace?: WorkspaceView;
}

/** The façade on this machine for the run's folders. */
export function checkService(roots: readonly string[], options: CheckServiceOptions = {}): Service {
  const env: ServiceEnv = { ...nodeEnv(findSchemasDir(__dirname), undefined, () => roots, options.maxFileBytes) };
  // Standard input is a rendered stream: its resources refer to each other, not to the YAML files of this folder.
  if (options.stdin) delete env.listFiles;
  else if (options.workspace) env.workspace = options.workspace;
  return createService(env);
}

/**
 * The run's index of `files` (absolute paths of YAML files) and the service that validates with it: each file read
 * (a regular file within `maxFileBytes`, else left out) and parsed once, by that service.
 */
export function indexedService(
  roots: readonly string[], files: readonly string[], maxFileBytes: number, make: (options: CheckServiceOptions) => Service = o => checkService(roots, o),
): { service: Service; index: RunIndex } {
  let service: Service | undefined;
  const index = new RunIndex({
    read: p => {
      try {
        return readRegularText(p, { maxBytes: maxFileBytes });
      } catch {
        return undefined; // not a regular file, too large, unreadable: not part of the index
      }
    },
    parse: (path, text): ParsedFile => service!.parse({ path, text, languageId: 'yaml' }),
  }, { roots, files });
  service = make({ maxFileBytes, workspace: index });
  return { service, index };
}
