/**
 * The `pgtls/probe` request (protocol.ts): the palette's "PG TLS: Probe Server…" asks the language server to probe a
 * running server with node/probe.ts, loaded on the first request. The answer is the report's text and findings; a
 * target that cannot be parsed or a CA file that cannot be read is a JSON-RPC error with the reason.
 */
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { PROBE_REQUEST, type ProbeParams, type ProbeResult } from '../protocol';
import type { Glue } from './features';

export function registerProbeRequest(g: Glue): void {
  g.connection.onRequest(PROBE_REQUEST, async (p: ProbeParams): Promise<ProbeResult | ResponseError<void>> => {
    try {
      const { probeServer, probeTarget, renderProbeText } = await import('../node/probe');
      const target = typeof p?.target === 'string' ? probeTarget(p.target.trim()) : undefined;
      if (!target) return new ResponseError(LSPErrorCodes.RequestFailed, 'give HOST, HOST:PORT or [IPv6]:PORT (port 1-65535)');
      const timeout = typeof p.timeoutSeconds === 'number' && p.timeoutSeconds > 0 ? Math.min(p.timeoutSeconds, 600) : 10;
      const report = await probeServer({
        ...target, mode: p.direct ? 'direct' : 'sslrequest', timeoutMs: timeout * 1000,
        ...(p.ca ? { caFile: p.ca } : {}), ...(p.folder ? { cwd: p.folder } : {}),
      });
      return { exitCode: report.exitCode, text: renderProbeText(report), findings: report.findings.map(f => ({ id: f.id, severity: f.severity })) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof Error) || e.name !== 'ProbeInputError') g.log(`probe failed: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}`);
      return new ResponseError(LSPErrorCodes.RequestFailed, message);
    }
  });
}
