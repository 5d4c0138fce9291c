/** The certificate core: generation (generate.ts), description (inspect.ts), and the policy and encodings they share. */
export * from './generate';
export { describeCertificate, describeCertificates, renderCertificateText } from './inspect';
export type { CertificateDescription, KeyUsageName, PublicKeyDescription } from './inspect';
export { MIN_RSA_BITS, SIGNATURE_HASHES, WEAK_HASHES, algorithmSpec } from './algorithms';
export { KEY_FORMATS, exportPrivateKey, parseKeyFormat, pemDecodeAll, pemEncode, pkcs8ToPkcs1 } from './keys';
export { canonicalIp, dnsNameProblem, isDnsName, isIpAddress, splitSans } from './names';
