/**
 * The lines of a pool_passwd file as Pgpool-II reads them (`pool_get_user_credentials`, src/auth/pool_passwd.c,
 * identical in 4.3.5–4.7.2): `fgets` into a 1024-byte buffer, so a line is read in pieces of at most 1023 bytes, and
 * only a newline (`\n`) ends a line; a carriage return before it stays part of the line. There is no comment syntax and
 * no quoting. Never throws; linear in the text length.
 */
import { utf8Units } from '../../core/passwords';
import type { LongLine } from './model';

/** `fgets(buf, 1024)`: at most 1023 bytes per read. */
export const PIECE_BYTES = 1023;

/** One read of `fgets`: a line, or a piece of a long one, without its newline. */
export interface Piece {
  line: number;
  piece: number;
  start: number;
  end: number;
}

export { utf8Length, utf8Units } from '../../core/passwords';

/** Splits `text` into the pieces Pgpool-II reads, and lists the lines long enough to be read in several pieces. */
export function readPieces(text: string): { pieces: Piece[]; longLines: LongLine[] } {
  const pieces: Piece[] = [];
  const longLines: LongLine[] = [];
  const len = text.length;
  let pos = 0;
  let line = 0;
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? len : nl;
    // A line of fewer than 341 characters is under 1023 bytes whatever it holds (3 bytes per UTF-16 unit at most).
    if ((end - pos) * 3 < PIECE_BYTES) pieces.push({ line, piece: 0, start: pos, end });
    else splitLong(text, line, pos, end, pieces, longLines);
    pos = nl < 0 ? len : nl + 1;
    line++;
  }
  return { pieces, longLines };
}

function splitLong(text: string, line: number, start: number, end: number, pieces: Piece[], longLines: LongLine[]): void {
  const first = pieces.length;
  let pieceStart = start;
  let bytes = 0;
  let total = 0;
  for (let i = start; i < end; i++) {
    const u = utf8Units(text.charCodeAt(i));
    if (bytes + u > PIECE_BYTES) {
      pieces.push({ line, piece: pieces.length - first, start: pieceStart, end: i });
      pieceStart = i;
      bytes = 0;
    }
    bytes += u;
    total += u;
  }
  pieces.push({ line, piece: pieces.length - first, start: pieceStart, end });
  if (pieces.length - first > 1) longLines.push({ line, span: [start, end], bytes: total, cut: pieces[first + 1]!.start });
}
