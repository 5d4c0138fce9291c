/**
 * No handler throws: `guard` runs a step, and when it fails logs what failed for which document (with the stack) and
 * returns the step's fallback (an empty result).
 */

export type Log = (message: string) => void;

export type Guard = <T>(what: string, uri: string, fallback: T, step: () => T) => T;

export function guard(log: Log): Guard {
  return <T>(what: string, uri: string, fallback: T, step: () => T): T => {
    try {
      return step();
    } catch (e) {
      log(`${what} failed for ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return fallback;
    }
  };
}
