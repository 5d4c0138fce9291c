/**
 * The certificate requests (protocol.ts `pgtls/certs/*`): the preset of the resource under the cursor, generating and
 * writing a certificate set, inspecting a certificate. Files are read and the clock is taken through the core's
 * environment (`env.readText`, `env.readBytes`, `env.now`), open buffers before the disk. Answers never carry key
 * material; a failure is a JSON-RPC error with the failure's message.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import {
  CERT_CONFIG_EDIT_REQUEST, type CertConfigEditParams, type CertConfigEditResult,
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, CERT_PRESET_REQUEST, CERT_RENEW_REQUEST, CERT_ROTATE_CA_REQUEST, CERT_SIGN_REQUEST,
  type CertCreateParams, type CertLifecycleParams, type CertLifecycleResult, type CertSignParams, type CertSignResult, type CertCreateResult, type CertInspectParams, type CertInspectResult, type CertPresetParams, type CertPresetResult,
} from '../protocol';
import { MAX_CONFIG_BYTES, whyUnreadable } from '../node/readFiles';
import { uriToPath } from './convert';
import type { Glue } from './features';

type CertCommands = typeof import('../node/certCommands');

/** Failures whose message is the whole story for the user (bad input, existing files); anything else is also logged. */
const EXPECTED_FAILURES = ['CertError', 'WriteFilesError', 'ExistingFilesError', 'NotASetError', 'SetProblemError', 'FileReadError'];

/** A refusal of the inspect request, in plain words (no Markdown backticks). */
const refusal = (message: string): ResponseError<void> => new ResponseError(LSPErrorCodes.RequestFailed, message.replace(/`([^`\n]+)`/g, '"$1"').replace(/\*\*/g, ''));

/**
 * The certificate file named by the path value at `offset` of a configuration document (the façade's `tlsFileAt`, as
 * the hover locates it): its bytes when it is a file here (DER too), else the text pgtls reads (a resource's key).
 */
async function followedFile(g: Glue, uri: string, offset: number): Promise<{ input: { text?: string; bytes?: Uint8Array }; file: string; setting: string } | ResponseError<void>> {
  const doc = g.store.get(uri);
  const src = doc && g.store.source(doc);
  if (!doc || !src) return refusal('open the configuration file first');
  const settings = await g.store.settings(uri);
  const at = g.service.tlsFileAt(src.source, src.file, offset, settings);
  if (!at) return refusal('put the cursor on a certificate path value (ssl_cert, ssl_ca_cert, ssl_cert_file, ssl_ca_file, client_tls_cert_file, …), select a PEM certificate, or open a .crt/.pem file');
  if (at.role === 'key') return refusal(`\`${at.key}\` names a private key; Inspect Certificate shows certificates only (hover over the path for the key's type and whether it belongs to the certificate)`);
  if (at.role === 'crl') return refusal(`\`${at.key}\` names a certificate revocation list; Inspect Certificate shows certificates (hover over the path for what the file holds)`);
  if (at.role === 'cadir') return refusal(`\`${at.key}\` names a folder; open one of its certificates to inspect it`);
  if (at.unreadable !== undefined || at.path === undefined) return refusal(`\`${at.key}\`: ${at.unreadable ?? 'pgtls cannot locate the file'}`);
  const bytes = at.onDisk && !g.store.openAt(at.path) ? g.env.readBytes(at.path) : undefined;
  return { input: bytes ? { bytes } : { text: at.text ?? '' }, file: at.path, setting: at.key };
}


export function registerCertRequests(g: Glue): void {
  // The certificate code (generation, @peculiar/x509 and its ASN.1 modules) is loaded on the first request, not at
  // start-up: the bundler turns this dynamic import into a lazily initialised module.
  let certModule: Promise<CertCommands> | undefined;
  const certCommands = () => (certModule ??= import('../node/certCommands'));

  /** An open document's text, else the file's. */
  const textOf = (uri: string): string | undefined => g.store.get(uri)?.getText() ?? g.env.readText(uriToPath(uri));

  const certFailure = (what: string, e: unknown): ResponseError<void> => {
    // Messages name files, names and algorithms only; log the kind of failure, never an object dump.
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof Error) || !EXPECTED_FAILURES.includes(e.name)) g.log(`${what} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}`);
    return new ResponseError(LSPErrorCodes.RequestFailed, message);
  };

  g.connection.onRequest(CERT_PRESET_REQUEST, async (p: CertPresetParams): Promise<CertPresetResult | null> => {
    const text = textOf(p.uri);
    if (text === undefined) return null;
    let commands: CertCommands;
    try {
      commands = await certCommands();
    } catch (e) {
      g.log(`certificate preset failed for ${p.uri}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    const pr = g.guard('certificate preset', p.uri, undefined, () => commands.presetAt(text, p.offset));
    return pr ? commands.presetSummary(pr) : null;
  });

  g.connection.onRequest(CERT_CREATE_REQUEST, async (p: CertCreateParams): Promise<CertCreateResult | ResponseError<void>> => {
    try {
      const { runCertCommand } = await certCommands();
      return await runCertCommand(p, g.env, p.resource ? textOf(p.resource.uri) : undefined);
    } catch (e) {
      return certFailure('certificate generation', e);
    }
  });

  for (const [method, kind] of [[CERT_RENEW_REQUEST, 'renew'], [CERT_ROTATE_CA_REQUEST, 'rotateCa']] as const) {
    g.connection.onRequest(method, async (p: CertLifecycleParams): Promise<CertLifecycleResult | ResponseError<void>> => {
      try {
        const { runLifecycleRequest } = await import('../node/certLifecycle');
        return await runLifecycleRequest(kind, p, g.env.now(), g.env.crypto);
      } catch (e) {
        return certFailure(kind === 'renew' ? 'certificate renewal' : 'CA rotation', e);
      }
    });
  }

  g.connection.onRequest(CERT_INSPECT_REQUEST, async (p: CertInspectParams, token: CancellationToken): Promise<CertInspectResult | ResponseError<void>> => {
    try {
      const { inspectCertificates } = await certCommands();
      if (p.text !== undefined) return await inspectCertificates({ text: p.text }, g.env);
      if (p.uri && typeof p.offset === 'number') {
        const followed = await followedFile(g, p.uri, p.offset);
        if (followed instanceof ResponseError) return followed;
        return { ...(await inspectCertificates(followed.input, g.env)), file: followed.file, setting: followed.setting };
      }
      if (!p.uri) return new ResponseError(LSPErrorCodes.RequestFailed, 'nothing to inspect');
      const file = uriToPath(p.uri);
      const bytes = g.env.readBytes(file);
      // env.readBytes reads only a regular file, bounded (node/readFiles.ts): a FIFO or /dev/zero is refused at once.
      if (!bytes) return new ResponseError(LSPErrorCodes.RequestFailed, `cannot read ${file}: ${whyUnreadable(file, MAX_CONFIG_BYTES)}`);
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      const open = g.store.get(p.uri);
      return await inspectCertificates(open ? { text: open.getText() } : { bytes }, g.env);
    } catch (e) {
      return certFailure('certificate inspection', e);
    }
  });

  g.connection.onRequest(CERT_CONFIG_EDIT_REQUEST, async (p: CertConfigEditParams): Promise<CertConfigEditResult | null> => {
    const file = uriToPath(p.uri);
    const open = g.store.get(p.uri);
    const languageId = open ? g.store.languageOf(open) : g.service.languageOf(file);
    const text = open?.getText() ?? g.env.readText(file);
    if (!languageId || text === undefined || !p.files || typeof p.files !== 'object') return null;
    const settings = await g.store.settings(p.uri);
    return g.guard('configuration edit', p.uri, null, () => {
      const doc = { path: file, text, languageId };
      const r = g.service.tlsConfigEdit(doc, g.service.parse(doc), p.files, settings);
      return r ? { edits: r.edits.map(e => ({ uri: p.uri, start: e.span[0], end: e.span[1], newText: e.newText })), settings: r.settings, notes: r.notes } : null;
    });
  });

  g.connection.onRequest(CERT_SIGN_REQUEST, async (p: CertSignParams): Promise<CertSignResult | ResponseError<void>> => {
    try {
      const { runCertSign } = await import('../node/certSign');
      return await runCertSign(p, g.env);
    } catch (e) {
      return certFailure('CSR signing', e);
    }
  });
}
