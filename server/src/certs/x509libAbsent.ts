/**
 * x509lib.ts as `pgtls cert set`'s bundle has it (esbuild.mjs swaps it in): without @peculiar/x509. Generating a
 * set and describing what was generated never parse a certificate with it (the CA keeps its issuing facts, and
 * descriptions come from the ASN.1 classes); a path that would is a bug, reported as one rather than run.
 * test/unit/cliBundles.test.ts runs the bundle for every algorithm and option of `cert set`.
 */
import type * as X509 from '@peculiar/x509';

export function x509(): typeof X509 {
  throw new Error('@peculiar/x509 is not part of the cert set bundle (esbuild.mjs): run the command from dist/cli-cert.js');
}
