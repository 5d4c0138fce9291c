/**
 * The façade's guards on a file before its language reads it: its size, and NUL bytes (a binary file, or text saved as
 * UTF-16). A language whose parser reads NUL bytes the way its server does (`LanguageMode.nulBytes`) gets the file
 * anyway, and the first NUL byte is pointed out; the other languages' files are not validated. A YAML file pgtls does
 * not validate is reported only when it looks like a Kubernetes manifest (any `.yaml` may be another tool's).
 */
import { CORE } from './rules';
import type { Finding, LanguageId } from './types';

/** Files longer than this (in UTF-16 code units) are not validated. */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;

/** Where the binary guard looks for a NUL byte in the languages that do not read them. */
const BINARY_PROBE = 8192;

/** What the guards need to know of a language. */
export interface GuardedMode {
  id: LanguageId;
  /** Set when the mode's parser reads NUL bytes as its server does (`LanguageMode.nulBytes`). */
  nulBytes?: { server: string; effect: string };
}

/** Why a file is not handed to its language: the finding, and whether to keep it to ourselves (a YAML file not ours). */
export interface SkipReason {
  finding: Finding;
  silent: boolean;
}

/**
 * Whether `text` looks like text saved as UTF-16 and read as UTF-8: a byte-order mark read as two replacement
 * characters, or NUL bytes in every other place (ASCII text in UTF-16).
 */
export function looksUtf16(text: string): boolean {
  if (text.startsWith('\ufffd\ufffd') && (text.charCodeAt(2) === 0 || text.charCodeAt(3) === 0)) return true;
  const n = Math.min(text.length, 1024);
  let even = 0, odd = 0;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) === 0) { if (i % 2) odd++; else even++; }
  return n >= 8 && Math.max(even, odd) * 4 >= n;
}

/** A Kubernetes manifest, by its first 64 KiB: an `apiVersion:` and a `kind:` at the start of a line. */
function looksLikeManifest(text: string): boolean {
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  return /^(?:- )?apiVersion[ \t]*:/m.test(head) && /^(?:- |  )?kind[ \t]*:/m.test(head);
}

function firstNul(text: string, limit = text.length): number {
  const i = text.indexOf('\0');
  return i >= 0 && i < limit ? i : -1;
}

/** The reason not to parse `text` at all, or `undefined` when the language reads it. */
export function skipReason(mode: GuardedMode, text: string): SkipReason | undefined {
  const yaml = mode.id === 'yaml';
  if (text.length > MAX_FILE_CHARS) {
    const manifest = yaml && looksLikeManifest(text);
    return {
      silent: yaml && !manifest,
      finding: {
        rule: CORE['file-too-large'].id, span: [0, 0],
        message: `Not validated: this file has ${text.length} characters; pgtls validates files of up to ${MAX_FILE_CHARS} characters. ${yaml ? 'Split the manifests into several files' : 'Split it with include files'} to have it checked.`,
      },
    };
  }
  if (mode.nulBytes !== undefined) return undefined;
  // kubectl (go-yaml) refuses a control character anywhere in the stream; the other languages are probed at the start.
  const nul = firstNul(text, yaml ? text.length : BINARY_PROBE);
  if (nul < 0) return undefined;
  if (yaml) {
    const manifest = looksLikeManifest(text);
    return {
      silent: !manifest,
      finding: {
        rule: CORE['binary-file'].id, span: [nul, nul + 1], severity: 'error',
        message: `${looksUtf16(text) ? 'This file looks saved as UTF-16 (a NUL byte between the characters)' : 'A NUL byte'}: kubectl refuses the whole file ("yaml: control characters are not allowed"), so none of its resources can be applied, and pgtls does not validate it. ${looksUtf16(text) ? 'Save it as UTF-8.' : 'Remove the byte (or check that the right file was saved).'}`,
      },
    };
  }
  return {
    silent: false,
    finding: {
      rule: CORE['binary-file'].id, span: [nul, nul + 1],
      message: `Not validated: ${looksUtf16(text) ? 'this file looks saved as UTF-16 (a NUL byte between the characters)' : 'this file contains NUL bytes, so it is not a text configuration file'}; pgtls does not validate it. ${looksUtf16(text) ? 'Save it as UTF-8.' : 'Check that the right file was opened or saved.'}`,
    },
  };
}

/** For a language that reads NUL bytes (`GuardedMode.nulBytes`): the note at the first one, or `undefined`. */
export function nulNotice(mode: GuardedMode, text: string): Finding | undefined {
  if (mode.nulBytes === undefined) return undefined;
  const nul = firstNul(text);
  if (nul < 0) return undefined;
  const utf16 = looksUtf16(text);
  return {
    rule: CORE['binary-file'].id, span: [nul, nul + 1],
    message: utf16
      ? `This file looks saved as UTF-16 (a NUL byte between the characters), which ${mode.nulBytes.server} reads byte by byte (${mode.nulBytes.effect}): the other problems on it are what the server makes of it. Save it as UTF-8.`
      : `A NUL byte: ${mode.nulBytes.effect}. Remove it (or check that the right file was saved).`,
  };
}
