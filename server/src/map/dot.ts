/**
 * The TLS map as Graphviz DOT text (`pgtls map --format dot`): one node statement per node, one edge statement per
 * edge, left to right; broken links and missing nodes red, each diagnostic in the tooltip.
 */
import type { MapDiagnostic, TlsMap } from '../core/tlsMap';

const SHAPES: Record<string, string> = { ca: 'octagon', issuer: 'hexagon', server: 'box3d', service: 'ellipse', user: 'oval', key: 'note' };

export function toDot(map: TlsMap): string {
  const out = ['digraph "tls-map" {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontsize=10];', '  edge [fontsize=9];'];
  for (const n of map.nodes) {
    const attrs = [
      `label=${q([n.label, ...n.details].join('\n'))}`,
      `shape=${SHAPES[n.kind] ?? 'box'}`,
      ...(n.missing ? ['style="rounded,dashed"'] : []),
      ...(n.broken ? ['color=red', 'fontcolor=red'] : []),
      ...(n.diagnostics.length ? [`tooltip=${q(n.diagnostics.map(text).join('\n'))}`] : []),
    ];
    out.push(`  ${q(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of map.edges) {
    const attrs = [
      `label=${q(e.label ? `${e.kind}: ${e.label}` : e.kind)}`,
      ...(e.broken ? ['color=red', 'fontcolor=red', 'penwidth=2'] : []),
      ...(e.diagnostics.length ? [`tooltip=${q(e.diagnostics.map(text).join('\n'))}`] : []),
    ];
    out.push(`  ${q(e.from)} -> ${q(e.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

const text = (d: MapDiagnostic) => `${d.severity} ${d.rule}: ${d.message}`;

/** A DOT double-quoted string: backslash and quote escaped, line breaks as `\n`. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
