/**
 * The node a place in a file stands for (the "Show TLS Map" code lens asks for the map with its resource in focus):
 * among the nodes placed in that file whose place holds the offset, a server first (a resource's name, the top of a
 * pgpool.conf), else the one with the smallest place. Pure; `undefined` when no node is placed there.
 */
import type { MapNode, TlsMap } from '../core/tlsMap';

export function focusNode(map: TlsMap, file: string, offset: number): string | undefined {
  const holds = (n: MapNode) => !!n.place && n.place.file === file && n.place.span[0] <= offset && offset <= n.place.span[1];
  const here = map.nodes.filter(holds);
  const size = (n: MapNode) => n.place!.span[1] - n.place!.span[0];
  here.sort((a, b) => Number(b.kind === 'server') - Number(a.kind === 'server') || size(a) - size(b) || (a.id < b.id ? -1 : 1));
  return here[0]?.id;
}
