/**
 * A layered left-to-right layout of the TLS map, for the SVG drawing (svg.ts) and the editor's view: one column per
 * step of the chain (CAs and issuers, certificates and keys, Secrets and files, users and the files Secrets become in
 * containers, servers, Services), empty columns left out; in a column the nodes are ordered by the mean row of the
 * nodes they come from (one sweep), then by id, so the same map always gets the same picture.
 */
import type { MapNode, MapNodeKind, TlsMap } from '../core/tlsMap';

const COLUMN: Record<MapNodeKind, number> = {
  ca: 0, issuer: 0, certificate: 1, 'certificate-request': 1, key: 1, secret: 2, file: 2, user: 3, server: 4, service: 5,
};

export const NODE_WIDTH = 230;
export const LINE_HEIGHT = 15;
const COLUMN_GAP = 80;
const ROW_GAP = 18;
const MARGIN = 20;
/** Detail lines drawn under a node's label (the rest are in its tooltip). */
export const MAX_DETAILS = 4;

export interface Box {
  node: MapNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  boxes: Map<string, Box>;
}

export function layout(map: TlsMap): Layout {
  // A file a Secret's key becomes in a container (a `projects` link) stands after the Secret, beside the users.
  const projected = new Set(map.edges.filter(e => e.kind === 'projects').map(e => e.to));
  const columnOf = (n: MapNode) => (projected.has(n.id) ? COLUMN.user : COLUMN[n.kind]);
  const used = [...new Set(map.nodes.map(columnOf))].sort((a, b) => a - b);
  const columns: MapNode[][] = used.map(c => map.nodes.filter(n => columnOf(n) === c));
  const row = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const e of map.edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  for (const col of columns) {
    const key = (n: MapNode) => {
      const rows = (preds.get(n.id) ?? []).map(p => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_SAFE_INTEGER;
    };
    const keys = new Map(col.map(n => [n.id, key(n)]));
    col.sort((a, b) => keys.get(a.id)! - keys.get(b.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    col.forEach((n, i) => row.set(n.id, i));
  }
  const boxes = new Map<string, Box>();
  let height = 0;
  columns.forEach((col, c) => {
    let y = MARGIN;
    for (const n of col) {
      const h = LINE_HEIGHT * (2 + Math.min(n.details.length, MAX_DETAILS));
      boxes.set(n.id, { node: n, x: MARGIN + c * (NODE_WIDTH + COLUMN_GAP), y, width: NODE_WIDTH, height: h });
      y += h + ROW_GAP;
    }
    height = Math.max(height, y);
  });
  return { width: MARGIN * 2 + Math.max(1, columns.length) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP, height: Math.max(height + MARGIN - ROW_GAP, 60), boxes };
}
