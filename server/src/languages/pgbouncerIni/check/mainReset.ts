/**
 * A `[pgbouncer]` header after [pgbouncer] settings (here, or in a file an `%include` reads): libusual's loader sets
 * every [pgbouncer] setting back to its default at each header of the section (usual/cfparser.c `load_handler` →
 * `fill_defaults`), so what is written above it and not again below it is lost. Seen with PgBouncer 1.18.0: with
 * `client_tls_sslmode = require` above a second header, psql with sslmode=require got "server does not support SSL".
 * includes.ts works out what each header loses (`c.resets`); the other checks already read the settings without it.
 */
import { LineIndex } from '../../../core/text';
import { R } from '../rules';
import { type Check, code } from './common';

export function checkMainResets(c: Check): void {
  if (c.resets.length === 0) return;
  const lines = new LineIndex(c.file.text);
  for (const r of c.resets) {
    const lost = r.lost.map(e => {
      const where = e.included ? `${e.included.path}:${e.included.line}` : `line ${lines.positionAt(e.st.keySpan[0]).line + 1}`;
      const def = c.release.params[e.st.key]?.default;
      return `\`${e.st.key}\` (${where}, back to ${def ? code(def) : 'empty'})`;
    });
    const mode = r.lost.find(e => e.st.key === 'client_tls_sslmode' && e.st.value.trim().toLowerCase() !== 'disable');
    const tlsOff = mode ? ' TLS towards clients is then off, and clients that require it are refused ("server does not support SSL").' : '';
    const head = r.included
      ? 'The file this `%include` reads has a `[pgbouncer]` header: PgBouncer sets every [pgbouncer] setting read before it back to its default'
      : 'This second `[pgbouncer]` header makes PgBouncer set every [pgbouncer] setting above it back to its default';
    const how = r.included
      ? 'Remove the header from the included file (it is read in the section in effect at the `%include` line), or move the `%include` above those settings.'
      : 'Keep one [pgbouncer] section: move those settings below this header, or remove the header if the section above is [pgbouncer] too.';
    c.ctx.report(R['main-section-reset'], r.span, `${head}: ${lost.join(', ')} ${lost.length === 1 ? 'is' : 'are'} lost.${tlsOff} ${how}`, {
      ...(mode ? { severity: 'error' as const } : {}),
      related: r.lost.map(e => ({ file: c.file.path, span: e.st.keySpan, message: 'reset to its default by the later [pgbouncer] header' })),
    });
  }
}
