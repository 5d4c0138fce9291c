/**
 * The X.509 room: what pgtls knows about certificates, in one place, pure (no I/O, no clock, no cryptography, no
 * ASN.1 library). Every place a certificate is judged uses it: the pgpool.conf file checks, the Secret checks,
 * `pgtls inspect`, and the generator's checks of what it is given.
 *
 * - oids.ts      OIDs and OpenSSL's names: curves, signature algorithms, key usages, extended key usages
 * - keys.ts      key facts (type, size, curve) from either reader
 * - strength.ts  the one key and signature strength table (pgtls's column, OpenSSL security level 2's column)
 * - chain.ts     the one bounded chain walk and anchor identity
 * - names.ts     host-name verification as libpq does it
 * - validity.ts  expired, not yet valid, expiring, as data
 * - usage.ts     CA flags, extended key usage, key usage against key type
 * - identity.ts  empty subject and issuer names, OpenSSL's self-signed test (names and key identifiers)
 * - rules.ts     the certificate policy's rules (`cert/*`), shared by every language
 */
export {
  EXTENDED_KEY_USAGES, KEY_USAGES, NAMED_CURVES, OID, SIGNATURE_ALGORITHMS,
  curveBits, ekuLabel, ekuName, namedCurve, signatureAlgorithm, signatureName, signatureOid,
} from './oids';
export type { KeyUsageName, NamedCurve, SignatureAlgorithm } from './oids';
export { EDDSA_BITS, bitLength, cannotEncipher, curveOfOid, keyFamily, keyOfPublicKeyInfo, keyTypeOfOid } from './keys';
export type { KeyFacts, KeyFamily, KeyType } from './keys';
export { STRENGTH, weakHashes, weakKey, weakSignature } from './strength';
export type { HashStrength, KeyStrength, StrengthColumn, WeakKey, WeakSignature } from './strength';
export { MAX_ANCHORS, MAX_CHAIN, anchorOf, chainsTo, sameCertificate } from './chain';
export type { ChainCertificate, IssuedBy } from './chain';
export { issuedByBackend } from './chain';
export { canonicalIp, certLabel, certNames, commonName, isIpAddress, matchesHost, nameMatches, sameIp, wildcardMatch } from './names';
export type { CertNames } from './names';
export { DAY_MS, mattersInBundle, validityAt, warningDays } from './validity';
export type { Validity, ValidityState } from './validity';
export { allowsPurpose, allowsTls, isCA, issuerProblem, looksLikeEndEntity, misplacedEncipherment, notCaReason } from './usage';
export type { CaFlags } from './usage';
export { canonicalName, chainPath, mistakenForSelfSigned, nameProblem, nameProblemText, opensslSelfSigned, sameName } from './identity';
export type { NameProblem } from './identity';
export { CERT, CERT_RULES } from './rules';
