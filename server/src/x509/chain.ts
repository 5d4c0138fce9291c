/**
 * The one chain walk: does a certificate lead to one of a set of trust anchors, directly or through the
 * intermediates sent with it? Wherever a leaf is held against a CA (pgpool.conf's `ssl_cert` against `ssl_ca_cert`,
 * a Secret's `tls.crt` against its `ca.crt`, one Secret's certificate against another's root) the same walk, the same
 * bounds and the same anchor identity apply. The signature test is the caller's `issuedBy`, so the TLS backend's
 * OpenSSL handles and the generator's own certificate objects can both walk.
 */
import type { Certificate, TlsBackend } from '../core/tlsBackend';

/**
 * At most this many certificates of the chain are followed (OpenSSL's default depth limit is 100, but no real TLS
 * chain has more than a handful; a longer one is a pasted bundle, not a chain).
 */
export const MAX_CHAIN = 16;
/**
 * At most this many anchors are tried. A pasted system bundle has a few hundred CAs; a huge file must not cost
 * millions of signature checks.
 */
export const MAX_ANCHORS = 500;

/** What the walk needs of a certificate besides `issuedBy`: its identity. */
export interface ChainCertificate {
  /** SHA-256 of the DER, in any fixed notation. */
  readonly fingerprint256: string;
}

/** `issuer` issued `cert`: names and key identifiers agree and the signature verifies. Exceptions count as "no". */
export type IssuedBy<C> = (cert: C, issuer: C) => boolean;

/**
 * Anchor identity: the very same certificate (the same DER), as OpenSSL finds a certificate in its trust store. A
 * different certificate with the anchor's subject and key (a renewed or cross-signed CA) is not the anchor; whatever
 * it issued is reached through `issuedBy` all the same, since its signature verifies with the anchor's key.
 */
export function sameCertificate(a: ChainCertificate, b: ChainCertificate): boolean {
  return a.fingerprint256 === b.fingerprint256;
}

/**
 * The anchor `chain[0]` leads to: an anchor that is `chain[0]` itself or issued it, or, step by step, one that
 * issued a certificate of `chain` that issued the previous one. `undefined` when there is none. Bounded: the first
 * `MAX_CHAIN` certificates of `chain` and the first `MAX_ANCHORS` anchors, each chain certificate used once, so a
 * loop (A issued B issued A) ends.
 */
export function anchorOf<C extends ChainCertificate>(chain: readonly C[], anchors: readonly C[], issuedBy: IssuedBy<C>): C | undefined {
  const links = chain.slice(0, MAX_CHAIN);
  const trusted = anchors.slice(0, MAX_ANCHORS);
  const issued = (c: C, i: C): boolean => {
    try {
      return issuedBy(c, i);
    } catch {
      return false;
    }
  };
  const used = new Set<C>();
  for (let cur: C | undefined = links[0]; cur !== undefined; ) {
    const c: C = cur;
    const anchor = trusted.find(a => sameCertificate(a, c) || issued(c, a));
    if (anchor) return anchor;
    used.add(c);
    cur = links.find(x => !used.has(x) && issued(c, x));
  }
  return undefined;
}

/** Whether `chain[0]` leads to one of `anchors` (see `anchorOf`). */
export function chainsTo<C extends ChainCertificate>(chain: readonly C[], anchors: readonly C[], issuedBy: IssuedBy<C>): boolean {
  return anchorOf(chain, anchors, issuedBy) !== undefined;
}

/**
 * The `issuedBy` of certificates the TLS backend read: OpenSSL's `X509_check_issued` and signature check on their
 * handles. The walk above stays free of the backend; every checker that walks backend certificates passes this.
 */
export function issuedByBackend(tls: Pick<TlsBackend, 'issuedBy'>): IssuedBy<Certificate> {
  return (cert, issuer) => tls.issuedBy(cert.handle, issuer.handle);
}
