/**
 * Reading a parsed certificate's names and extensions straight from the ASN.1 classes of @peculiar/asn1-x509, which
 * the generator builds with anyway. @peculiar/x509's wrappers would read the same fields, but loading that library
 * (its dependency container, its Reflect metadata, Node's WebCrypto) is work a short-lived `pgtls cert set` process
 * does not need (x509lib.ts); inspect.ts describes every certificate with these functions instead.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier,
  type Extension, type GeneralName, type Name,
} from '@peculiar/asn1-x509';

/** Short names of the attribute types a distinguished name usually holds (the rest print as their OID). */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC', '1.2.840.113549.1.9.1': 'E', '2.5.4.42': 'G', '2.5.4.43': 'I', '2.5.4.4': 'SN', '2.5.4.12': 'T',
};
export const OID_COMMON_NAME = '2.5.4.3';

/** Bytes as lower-case hex, no separators. */
export const hex = (b: ArrayBuffer | Uint8Array): string => Array.from(new Uint8Array(b), x => x.toString(16).padStart(2, '0')).join('');

/** RFC 4514 escaping of one attribute value; control characters as \XX. */
function escapeValue(s: string): string {
  return s
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ')
    .replace(/[\r\n\t]/g, c => `\\${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

/** A name as `CN=…, O=…` in its encoded order; a value of a type that is not a string as `#` and its DER in hex. */
export function formatName(name: Name): string {
  return name.map(rdn => rdn.map(a => {
    const type = ATTRIBUTE_NAMES[a.type] ?? a.type;
    const value = a.value.anyValue ? `#${hex(a.value.anyValue)}` : escapeValue(a.value.toString());
    return `${type}=${value}`;
  }).join('+')).join(', ');
}

/** The values of one attribute type, in order (the first CN is what cert authentication compares). */
export function nameField(name: Name, oid: string): string[] {
  return name.flatMap(rdn => rdn.filter(a => a.type === oid).map(a => a.value.toString()));
}

export interface SubjectAltNames { dns: string[]; ip: string[]; email: string[]; uri: string[]; other: string[] }

/** The extensions inspect describes, each from the first extension of its type. Throws on a malformed one. */
export interface ReadExtensions {
  subjectAltNames: SubjectAltNames;
  basicConstraints?: { critical: boolean; ca: boolean; pathLength?: number };
  /** The key usage bits, bit 0 (digitalSignature) as the lowest bit. */
  keyUsage?: { critical: boolean; flags: number };
  extendedKeyUsage?: { critical: boolean; oids: string[] };
  /** Lower-case hex. */
  subjectKeyId?: string;
  authorityKeyId?: string;
}

export function readExtensions(extensions: readonly Extension[] | undefined): ReadExtensions {
  const first = (oid: string) => extensions?.find(e => e.extnID === oid);
  const value = (e: Extension) => e.extnValue.buffer;
  const out: ReadExtensions = { subjectAltNames: { dns: [], ip: [], email: [], uri: [], other: [] } };
  const san = first(id_ce_subjectAltName);
  if (san) for (const n of AsnConvert.parse(value(san), SubjectAlternativeName)) addName(out.subjectAltNames, n);
  const bc = first(id_ce_basicConstraints);
  if (bc) {
    const v = AsnConvert.parse(value(bc), BasicConstraints);
    out.basicConstraints = { critical: bc.critical, ca: v.cA, ...(v.pathLenConstraint !== undefined ? { pathLength: v.pathLenConstraint } : {}) };
  }
  const ku = first(id_ce_keyUsage);
  if (ku) out.keyUsage = { critical: ku.critical, flags: AsnConvert.parse(value(ku), KeyUsage).toNumber() };
  const eku = first(id_ce_extKeyUsage);
  if (eku) out.extendedKeyUsage = { critical: eku.critical, oids: Array.from(AsnConvert.parse(value(eku), ExtendedKeyUsage), String) };
  const ski = first(id_ce_subjectKeyIdentifier);
  if (ski) out.subjectKeyId = hex(AsnConvert.parse(value(ski), SubjectKeyIdentifier).buffer);
  const aki = first(id_ce_authorityKeyIdentifier);
  const akiId = aki ? AsnConvert.parse(value(aki), AuthorityKeyIdentifier).keyIdentifier : undefined;
  if (akiId) out.authorityKeyId = hex(akiId.buffer);
  return out;
}

function addName(s: SubjectAltNames, n: GeneralName): void {
  if (n.dNSName !== undefined) s.dns.push(n.dNSName);
  else if (n.iPAddress !== undefined) s.ip.push(n.iPAddress);
  else if (n.rfc822Name !== undefined) s.email.push(n.rfc822Name);
  else if (n.uniformResourceIdentifier !== undefined) s.uri.push(n.uniformResourceIdentifier);
  else if (n.registeredID !== undefined) s.other.push(`id:${n.registeredID}`);
  else if (n.directoryName !== undefined) s.other.push(`dn:${formatName(n.directoryName)}`);
  else if (n.otherName !== undefined) s.other.push(`otherName:${n.otherName.typeId}`);
  else s.other.push('unknown name form');
}
