/**
 * pg_hba.conf against the pg_ident.conf in the same folder (PostgreSQL's defaults put both in the data directory):
 * `map=` options that name no map, or that depend on a pg_ident.conf PostgreSQL refuses, and `cert` lines whose
 * `clientname=DN` cannot match the map's plain names. Silent without that file, or when its maps may come from files
 * pgtls does not read here (include directives, `@file` fields). Reads pg_ident.conf's model only (the façade parses it).
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { IdentEntry, PgIdentFile } from '../../pgIdent';
import type { HbaFile, HbaOption, HbaRecord } from '../model';
import { PG_HBA } from '../rules';

function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '.' : path.slice(0, i);
}

/** What the system user is for the line's method, for the messages. */
function systemUser(r: HbaRecord): string {
  if (r.method === 'cert') {
    const dn = r.options.some(o => o.name === 'clientname' && o.value === 'DN');
    return dn ? 'the client certificate\'s subject DN (`clientname=DN`)' : 'the client certificate\'s CN';
  }
  if (r.method === 'peer') return 'the client\'s operating-system user';
  return `the name \`${r.method}\` authenticates`;
}

/** `identPath`: the pg_ident.conf postgresql.conf's `ident_file` names (default: the one beside pg_hba.conf). */
export function checkIdentMaps(doc: SourceDocument, file: HbaFile, ctx: ValidateContext, identPath = `${folderOf(doc.path)}/pg_ident.conf`): void {
  const uses: { r: HbaRecord; o: HbaOption }[] = [];
  for (const r of file.records) for (const o of r.options) if (o.name === 'map') uses.push({ r, o });
  if (uses.length === 0) return;
  const ident = ctx.parseSibling<PgIdentFile>(identPath, 'pg-ident')?.file;
  if (!ident) return;
  const beside = identPath === `${folderOf(doc.path)}/pg_ident.conf`;
  const which = beside ? 'pg_ident.conf beside this file' : `the ident file postgresql.conf names (\`${identPath.split('/').pop()}\`)`;
  const Which = which[0]!.toUpperCase() + which.slice(1);
  const version = ctx.settings.postgresVersion;
  const refused = version >= 16 ? ident.refused.from16 : ident.refused.before16;
  if (refused) {
    const related = [{ file: identPath, span: refused.span, message: `PostgreSQL refuses pg_ident.conf here: ${refused.postgres}` }];
    for (const { r, o } of uses) {
      ctx.report(PG_HBA['ident-file-refused'], o.valueSpan, `${Which.replace(/^Pg_/, 'The pg_')} has an error (line ${refused.line.line + 1}: "${refused.postgres}"), so PostgreSQL refuses all of it: a server started now has no user-name maps and refuses every login through this line, matched against ${systemUser(r)}; a reload keeps the previous maps. Fix pg_ident.conf.`, { related });
    }
    return;
  }
  // Maps may also come from included files (16+) or `@file` fields, which pgtls does not follow from here.
  if ((version >= 16 && ident.includes.length > 0) || ident.atFiles) return;
  for (const { r, o } of uses) {
    const entries = ident.maps.get(o.value);
    if (!entries) {
      const known = [...ident.maps.keys()];
      ctx.report(PG_HBA['ident-map-undefined'], o.valueSpan, `${beside ? 'pg_ident.conf beside this file' : Which} defines no map \`${o.value}\`${known.length ? ` (it has ${known.map(k => `\`${k}\``).join(', ')})` : ''}, so every login through this line is refused ("no match in usermap"): PostgreSQL matches ${systemUser(r)} against the map's lines. Add lines \`${o.value} <system user> <database user>\` to pg_ident.conf, or fix the name.`,
        { related: [{ file: identPath, span: [0, 0], message: `pg_ident.conf has no map \`${o.value}\`` }] });
      continue;
    }
    checkDnMap(r, o, entries, identPath, ctx);
  }
}

/** `clientname=DN`: the system user looks like `CN=alice,O=Example`; a map of plain names never matches it. */
function checkDnMap(r: HbaRecord, o: HbaOption, entries: IdentEntry[], identPath: string, ctx: ValidateContext): void {
  if (r.method !== 'cert' || !r.options.some(x => x.name === 'clientname' && x.value === 'DN')) return;
  if (entries.some(e => e.system.value.startsWith('/') || e.system.value.includes('='))) return;
  ctx.report(PG_HBA['ident-map-dn'], o.valueSpan, `With \`clientname=DN\` the system user is the certificate's whole subject DN in RFC 2253 form (e.g. \`CN=alice,O=Example\`), but map \`${o.value}\` only lists plain names such as \`${entries[0]!.system.value}\`, which never match it; write the DN in pg_ident.conf, use a regular expression such as \`/^CN=([^,]*),\`, or drop \`clientname=DN\` to match the CN.`,
    { related: [{ file: identPath, span: entries[0]!.system.span, message: `map \`${o.value}\` starts here` }] });
}
