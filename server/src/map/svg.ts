/**
 * The TLS map as SVG, drawn by pgtls itself (layout.ts; no Graphviz): boxes per node with the label and details
 * (expiry, names), arrows per edge, broken links and missing nodes in red, each diagnostic in the tooltip. Colours are
 * VS Code's theme variables with light fallbacks, so the same picture is themed in the editor's view and readable as a
 * standalone file. Nodes are focusable (`tabindex`, `role="button"`) and carry their id and place for the view.
 */
import type { MapDiagnostic, MapEdge, MapNode, MapPlace, TlsMap } from '../core/tlsMap';
import { LINE_HEIGHT, MAX_DETAILS, layout, type Box } from './layout';

export interface SvgOptions {
  /** A title drawn by the viewer as the accessible name; default "TLS map". */
  title?: string;
}

const STYLE = `
.map { font: 12px var(--vscode-font-family, sans-serif); }
.node rect { fill: var(--vscode-editorWidget-background, #f6f8fa); stroke: var(--vscode-editorWidget-border, #8c959f); stroke-width: 1; rx: 4; }
.node text { fill: var(--vscode-editor-foreground, #1f2328); }
.node .label { font-weight: bold; }
.node .detail { fill: var(--vscode-descriptionForeground, #57606a); }
.node.missing rect { stroke-dasharray: 4 3; }
.node.broken rect { stroke: var(--vscode-errorForeground, #cf222e); stroke-width: 2; }
.node:focus rect, .node:hover rect { stroke: var(--vscode-focusBorder, #0969da); stroke-width: 2; }
.node:focus { outline: none; }
.edge { fill: none; stroke: var(--vscode-editorWidget-border, #8c959f); stroke-width: 1.2; }
.edge.broken { stroke: var(--vscode-errorForeground, #cf222e); stroke-width: 2; }
.arrow { fill: var(--vscode-editorWidget-border, #8c959f); }
.arrow.broken { fill: var(--vscode-errorForeground, #cf222e); }
`;

export function toSvg(map: TlsMap, options: SvgOptions = {}): string {
  const l = layout(map);
  const title = options.title ?? 'TLS map';
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 ${l.width} ${l.height}" width="${l.width}" height="${l.height}" role="group" aria-label="${esc(title)}">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push('<defs>',
    '<marker id="arrow" class="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>',
    '<marker id="arrow-broken" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow broken" d="M0,0 L10,5 L0,10 z"/></marker>',
    '</defs>');
  out.push('<g class="edges">');
  for (const e of map.edges) {
    const a = l.boxes.get(e.from);
    const b = l.boxes.get(e.to);
    if (a && b) out.push(edgeSvg(e, a, b));
  }
  out.push('</g>', '<g class="nodes">');
  for (const n of map.nodes) out.push(nodeSvg(l.boxes.get(n.id)!));
  out.push('</g>', '</svg>');
  return out.join('\n') + '\n';
}

function edgeSvg(e: MapEdge, a: Box, b: Box): string {
  const forward = b.x > a.x;
  const x1 = forward ? a.x + a.width : a.x;
  const x2 = forward ? b.x : b.x + b.width;
  const y1 = a.y + a.height / 2;
  const y2 = b.y + b.height / 2;
  let d: string;
  if (a.x === b.x) {
    // Same column: a loop out to the right.
    const x = a.x + a.width;
    d = `M${x},${y1} C${x + 40},${y1} ${x + 40},${y2} ${x},${y2}`;
  } else {
    const dx = Math.max(30, Math.abs(x2 - x1) / 2) * (forward ? 1 : -1);
    d = `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  const cls = e.broken ? 'edge broken' : 'edge';
  const tip = [`${e.kind}${e.label ? ` (${e.label})` : ''}`, ...e.diagnostics.map(diagText)].join('\n');
  return `<path class="${cls}" d="${d}" marker-end="url(#${e.broken ? 'arrow-broken' : 'arrow'})" data-id="${esc(e.id)}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"${placeAttrs(e.place)}><title>${esc(tip)}</title></path>`;
}

function nodeSvg(box: Box): string {
  const n = box.node;
  const cls = ['node', `kind-${n.kind}`, ...(n.broken ? ['broken'] : []), ...(n.missing ? ['missing'] : [])].join(' ');
  const details = n.details.slice(0, MAX_DETAILS);
  const tip = [n.label, ...n.details, ...(n.missing ? ['not found in these files'] : []), ...n.diagnostics.map(diagText)].join('\n');
  const lines = [
    `<text class="label" x="${box.x + 8}" y="${box.y + LINE_HEIGHT + 2}">${esc(clip(`${kindWord(n)}${n.label}`))}</text>`,
    ...details.map((d, i) => `<text class="detail" x="${box.x + 8}" y="${box.y + LINE_HEIGHT * (i + 2) + 2}">${esc(clip(d))}</text>`),
  ];
  return `<g class="${cls}" data-id="${esc(n.id)}" tabindex="0" role="button" aria-label="${esc(tip.replace(/\n/g, '; '))}"${placeAttrs(n.place)}>`
    + `<title>${esc(tip)}</title><rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}"/>${lines.join('')}</g>`;
}

function kindWord(n: MapNode): string {
  if (n.kind === 'ca') return 'CA ';
  if (n.kind === 'certificate') return 'cert ';
  if (n.kind === 'file') return 'file ';
  if (n.kind === 'key') return 'key ';
  return '';
}

function placeAttrs(p: MapPlace | undefined): string {
  if (!p) return '';
  return ` data-file="${esc(p.file)}" data-line="${p.range.start.line}" data-character="${p.range.start.character}"`;
}

const diagText = (d: MapDiagnostic) => `${d.severity} ${d.rule}: ${d.message}`;
const clip = (s: string) => (s.length > 34 ? `${s.slice(0, 33)}…` : s);

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
