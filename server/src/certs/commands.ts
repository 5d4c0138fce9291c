/**
 * TRANSITIONAL, not certificate logic: the editor's certificate commands moved to node/certCommands.ts (they touch
 * the disk). This re-export keeps server.ts building until the LSP glue imports node/certCommands.ts; delete it then.
 */
export * from '../node/certCommands';
