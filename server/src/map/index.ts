/**
 * The TLS map (core/tlsMap.ts): built from a folder's files by build.ts, drawn as Graphviz DOT by dot.ts and as SVG by
 * svg.ts (no Graphviz needed). The CLI's `pgtls map` and the language server's `pgtls/tlsMap` request use it.
 */
export { brokenKind, buildTlsMap, type MapInput, type MapService } from './build';
export { toDot } from './dot';
export { focusNode } from './focus';
export { toSvg, type SvgOptions } from './svg';
export { layout } from './layout';
export { mapLensSpans } from './yamlFacts';
export type { TlsMap } from '../core/tlsMap';
