/**
 * The generating half of the certificate façade: a CA, the leaves it issues, a whole set, and the description of a
 * certificate, as data (the clock and WebCrypto come from the env; callers write the files). certService.ts builds
 * the whole façade on it. A module of its own so that `pgtls cert set`'s bundle (cli/certSetMain.ts) holds only
 * this: no YAML library, no @peculiar/x509, no inspection of containers, no lifecycle.
 */
import {
  createCa, createIntermediate, issueClient, issueReplication, issueServer, type CaOptions, type CertificateAuthority, type IssuedCertificate,
} from './certs/generate';
import { describeCertificate, type CertificateDescription } from './certs/inspect';

// The vocabulary the front ends use (names, limits, parsers of user input), so that they need no deeper import.
export {
  CertError, DEFAULT_ALGORITHM, KEY_ALGORITHMS, SIGNATURE_HASHES, algorithmSpec, assertStrong, parseAlgorithm, type KeyAlgorithm,
} from './certs/algorithms';
export { DEFAULT_CA_DAYS, DEFAULT_LEAF_DAYS, type CertificateAuthority, type IssuedCertificate } from './certs/generate';
export { compatWarnings, isEddsaSignature, rolesOfFiles } from './certs/compat';
export type { CertificateDescription } from './certs/inspect';
export { parseKeyFormat, type KeyFormat } from './certs/keys';
export { splitSans } from './certs/names';
export {
  DEFAULT_CLIENT_USER, OPERATORS, PERCONA_REPLICATION_USER, parseOperator, preset, type CertPreset, type CpoLayout, type PresetInput,
} from './certs/presets';

/** What the certificate operations take from their surroundings; tests pin the clock. */
export interface CertEnv {
  now(): Date;
  crypto: Crypto;
}

/**
 * An input file is not what it must be (not PEM, a key that does not belong to its certificate, a certificate from
 * another CA): the command cannot be carried out, but the command line was fine.
 */
export class CertFileError extends Error {
  override readonly name = 'CertFileError';
}

/** A new CA: a root, or with `parent` an intermediate signed by it. */
export type NewCa = Omit<CaOptions, 'now' | 'crypto'> & { parent?: CertificateAuthority };

/** The certificates to issue from one CA; the leaves' algorithm defaults to the CA's. */
export interface IssueRequest {
  leaves?: { algorithm?: string; days?: number; keyFormat?: string; notBefore?: string | Date; notAfter?: string | Date; allowInvalidDates?: boolean };
  server?: { commonName: string; dnsNames: readonly string[]; ipAddresses: readonly string[]; clientAuth?: boolean };
  client?: { user: string };
  replication?: boolean;
}

export interface IssuedSet {
  server?: IssuedCertificate;
  client?: IssuedCertificate;
  replication?: IssuedCertificate;
}

export interface CertGenerator {
  createCa(opts: NewCa): Promise<CertificateAuthority>;
  /** Issues the requested leaves from `ca` (in parallel). */
  issue(ca: CertificateAuthority, request: IssueRequest): Promise<IssuedSet>;
  /** A certificate set as data: a new CA (`ca`) and the leaves it issues. Nothing is written. */
  createSet(request: IssueRequest & { ca: NewCa }): Promise<IssuedSet & { ca: CertificateAuthority }>;
  describe(pemOrDer: string | BufferSource): Promise<CertificateDescription>;
}

export function createCertGenerator(env: CertEnv): CertGenerator {
  const createNewCa = (opts: NewCa): Promise<CertificateAuthority> => {
    const { parent, ...rest } = opts;
    const full = { ...rest, now: env.now(), crypto: env.crypto };
    return parent ? createIntermediate(parent, full) : createCa(full);
  };
  const issue = async (ca: CertificateAuthority, r: IssueRequest): Promise<IssuedSet> => {
    const common = { now: env.now(), crypto: env.crypto, ...r.leaves };
    const [server, client, replication] = await Promise.all([
      r.server ? issueServer(ca, { ...common, ...r.server }) : undefined,
      r.client ? issueClient(ca, { ...common, user: r.client.user }) : undefined,
      r.replication ? issueReplication(ca, common) : undefined,
    ]);
    return { ...(server ? { server } : {}), ...(client ? { client } : {}), ...(replication ? { replication } : {}) };
  };
  return {
    createCa: createNewCa,
    issue,
    async createSet(request) {
      const ca = await createNewCa(request.ca);
      return { ca, ...(await issue(ca, request)) };
    },
    describe: pemOrDer => describeCertificate(pemOrDer, env.now(), env.crypto),
  };
}
