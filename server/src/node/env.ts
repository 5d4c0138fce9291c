/**
 * The Node.js environment of the core: file access through `fs`, WebCrypto, OpenSSL (through `node:crypto`) for the
 * TLS file checks, the real clock.
 * Used by the CLI and the language server (which overlays open editor buffers on `readText`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TlsBackend } from '../core/tlsBackend';
import type { FileStat, ServiceEnv } from '../core/types';
import { fastCrypto } from './fastCrypto';
import { listFiles } from './listFiles';
import { MAX_CONFIG_BYTES, tryReadRegularFile } from './readFiles';
import { ruleDocs, rulesDocOf } from './ruleDocs';

/** Finds the folder that holds `schemas/` (the package root), from the bundle's or the source's location. */
export function findSchemasDir(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'schemas');
    if (fs.existsSync(path.join(candidate, 'pgpool-params.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(start, '..', 'schemas');
}

/**
 * The environment on `node:fs`. `overlay` gives the text of open editor buffers by path; `roots` the workspace
 * folders (the language server's folders, or the CLI's current folder and the paths it was given); `maxFileBytes` the
 * largest file read (`pgtls check --max-file-size`; default `MAX_CONFIG_BYTES`).
 */
export function nodeEnv(
  schemasDir: string, overlay?: (p: string) => string | undefined, roots?: () => readonly string[], maxFileBytes = MAX_CONFIG_BYTES,
): ServiceEnv {
  const maxBytes = maxFileBytes;
  const jsonCache = new Map<string, unknown>();
  return {
    ...(roots ? { roots } : {}),
    ruleDocsUrl: ruleDocs(rulesDocOf(schemasDir)),
    loadJson(name) {
      let v = jsonCache.get(name);
      if (v === undefined) {
        v = JSON.parse(fs.readFileSync(path.join(schemasDir, name), 'utf8'));
        jsonCache.set(name, v);
      }
      return v;
    },
    // Only regular files of at most `maxFileBytes` (readFiles.ts): a FIFO or /dev/zero is absent, never a hang.
    readText(p) {
      const open = overlay?.(p);
      if (open !== undefined) return open;
      return tryReadRegularFile(p, { maxBytes })?.toString('utf8');
    },
    readBytes(p) {
      const bytes = tryReadRegularFile(p, { maxBytes });
      return bytes && new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    stat(p): FileStat | undefined {
      try {
        const st = fs.statSync(p);
        return { isFile: st.isFile(), mode: st.mode & 0o777, uid: st.uid };
      } catch {
        return undefined;
      }
    },
    euid: () => (typeof process.geteuid === 'function' ? process.geteuid() : undefined),
    listFiles,
    // WebCrypto with ECDSA/Ed25519 done synchronously on node:crypto: certificate generation without thread-pool hops.
    crypto: fastCrypto(),
    tls: lazyTlsBackend(),
    now: () => new Date(),
  };
}

/**
 * The TLS backend, loaded on first use. Its module pulls in @peculiar/x509 with tsyringe and the ASN.1 schema modules,
 * which take tens of milliseconds to evaluate; only Secrets with certificate or key entries need them, so the
 * language server's start does not pay for them. The bundler (esbuild) wraps a module that is `require`d into an
 * init function, so the module and its imports are evaluated at this call, not when the bundle loads.
 */
export function lazyTlsBackend(): TlsBackend {
  let backend: TlsBackend | undefined;
  const load = (): TlsBackend => {
    if (!backend) {
      // A synchronous lazy load (see above): validation uses env.tls synchronously, so no `await import()` here.
      const m = require('./tlsBackend') as typeof import('./tlsBackend');
      backend = m.nodeTlsBackend();
    }
    return backend;
  };
  return {
    readCertificates: pem => load().readCertificates(pem),
    readPrivateKey: pem => load().readPrivateKey(pem),
    keyMatches: (cert, key) => load().keyMatches(cert, key),
    issuedBy: (cert, issuer) => load().issuedBy(cert, issuer),
    signedBy: (cert, signer) => load().signedBy(cert, signer),
  };
}
