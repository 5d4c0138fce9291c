/**
 * The deployment room: where the files a configuration names are, seen from the workspace. A language asks
 * `pathLocator(ctx, configPath)` and locates each path its file names (core/deployPaths.ts decides; this room adds the
 * mappings of `pgtls.pathMappings`/`--path-map` and those the workspace makes certain: compose.ts, dockerfile.ts,
 * kubernetes.ts, found by discover.ts). A locator is made once per validation run and configuration, and the
 * automatic mappings are looked for only when a path needs them (the first absolute path).
 */
import type { ValidateContext } from '../core/language';
import {
  type Located, type PathMapping, deployPathOf, explicitMappings, isAbsolutePath, dirName, locatePath, notCheckedMessage,
  workspaceRoots,
} from '../core/deployPaths';
import { CORE } from '../core/rules';
import type { Span } from '../core/types';
import { type Deployment, discoverDeployment } from './discover';
import type { ImageRun } from './images';

export type { Located } from '../core/deployPaths';
export type { ImageRun } from './images';
export { describeLocated } from '../core/deployPaths';

/** Where the files one configuration names are. */
export interface PathLocator {
  /** Where `written` is; a relative path starts at `baseDir` (default: the configuration's folder). */
  locate(written: string, baseDir?: string): Located;
  /** The configuration's own path where the server runs, when a mapping says so without doubt. */
  deployPath(): string | undefined;
  /** Where the local file `local` is where the server runs, when a mapping says so without doubt. */
  deployPathOfFile(local: string): string | undefined;
}

const perRun = new WeakMap<object, Map<string, PathLocator>>();

/** The locator of the configuration at `configPath` for this validation run (made once per run). */
export function pathLocator(ctx: Pick<ValidateContext, 'settings' | 'env'>, configPath: string): PathLocator {
  let byPath = perRun.get(ctx);
  if (!byPath) perRun.set(ctx, (byPath = new Map()));
  let loc = byPath.get(configPath);
  if (!loc) byPath.set(configPath, (loc = makeLocator(ctx, configPath)));
  return loc;
}

const deploymentPerRun = new WeakMap<object, Map<string, Deployment>>();

/** What the files near the configuration say (discover.ts), looked for once per validation run and configuration. */
function deploymentOf(ctx: Pick<ValidateContext, 'env'>, configPath: string): Deployment {
  let byPath = deploymentPerRun.get(ctx);
  if (!byPath) deploymentPerRun.set(ctx, (byPath = new Map()));
  let d = byPath.get(configPath);
  if (!d) byPath.set(configPath, (d = discoverDeployment(ctx.env, configPath, workspaceRoots(ctx.env))));
  return d;
}

function makeLocator(ctx: Pick<ValidateContext, 'settings' | 'env'>, configPath: string): PathLocator {
  const roots = workspaceRoots(ctx.env);
  const onDisk = isAbsolutePath(configPath);
  let mappings: PathMapping[] | undefined;
  const all = (): PathMapping[] => {
    if (!mappings) {
      const explicit = explicitMappings(ctx.settings.pathMappings, configPath, roots);
      mappings = onDisk ? [...explicit, ...deploymentOf(ctx, configPath).mappings] : explicit;
    }
    return mappings;
  };
  return {
    locate(written, baseDir) {
      const base = baseDir ?? (onDisk ? dirName(configPath) : undefined);
      // A relative path needs no mapping: do not look for compose files for it.
      return locatePath(written, { baseDir: base, mappings: isAbsolutePath(written) ? all() : [], roots, env: ctx.env });
    },
    deployPath: () => (onDisk ? deployPathOf(configPath, all()) : undefined),
    deployPathOfFile: local => (onDisk ? deployPathOf(local, all()) : undefined),
  };
}

/**
 * Reports `pgtls/path-not-checked` at `span` for a path pgtls cannot see (never an error); `what` starts the message
 * (e.g. "`ssl_cert`: ").
 */
export function reportNotChecked(ctx: Pick<ValidateContext, 'report'>, loc: Extract<Located, { status: 'unseen' }>, span: Span, what: string): void {
  ctx.report(CORE['path-not-checked'], span, notCheckedMessage(loc, what));
}

/**
 * The known container image that runs the configuration at `configPath` (images.ts: what its entrypoint adds to the
 * file, or whether the file is only a fragment of the configuration), found once per validation run; `undefined` for a
 * file that is not on disk or that no nearby compose service or workload runs with an image pgtls knows.
 */
export function imageRunOf(ctx: Pick<ValidateContext, 'env'>, configPath: string): ImageRun | undefined {
  return isAbsolutePath(configPath) ? deploymentOf(ctx, configPath).image : undefined;
}
