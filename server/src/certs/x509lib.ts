/**
 * @peculiar/x509, loaded on first use. Its module initialisation registers its classes in a dependency container
 * (tsyringe, which needs the Reflect metadata polyfill first) and binds Node's WebCrypto, work that a short-lived
 * `pgtls cert set` process does not need. So it
 * is required here, lazily, and every value of it is reached through `x509()`; modules import its types only.
 * (esbuild then bundles it as a module that runs on the first call, not at start-up.)
 */
import type * as X509 from '@peculiar/x509';

let lib: typeof X509 | undefined;

export function x509(): typeof X509 {
  if (!lib) {
    require('reflect-metadata');
    lib = require('@peculiar/x509') as typeof X509;
  }
  return lib;
}
