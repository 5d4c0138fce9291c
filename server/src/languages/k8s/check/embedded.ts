/**
 * Embedded configuration files, validated by their own languages at their places inside the YAML:
 * - KubeDB Pgpool `spec.configuration.inline["pgpool.conf"]` (Pgpool-II version from `spec.version`), and the
 *   `spec.configuration.applyConfig["pgpool.conf"]` of a PgpoolOpsRequest of type Reconfigure. `pgpool.conf` is the
 *   only file KubeDB takes there (apimachinery `PgpoolCustomConfigFile`); other keys are left alone;
 * - Percona PerconaPGCluster `spec.authentication.rules[]`: a raw `hba` line as is, else the pg_hba line the operator
 *   builds from `connection`, `databases`, `users`, `method` and `options`; then the string items of
 *   `spec.patroni.dynamicConfiguration.postgresql.pg_hba`; all after the operator's mandatory lines (operatorHba.ts),
 *   so that a user line they decide is reported as `percona/operator-hba-first` (PostgreSQL version from
 *   `spec.postgresVersion`);
 * - CYBERTEC CPO and Zalando postgres-operator `spec.patroni.pg_hba[]` (one pg_hba line each; PostgreSQL version from
 *   `spec.postgresql.version`), read with the postgresql.conf Spilo writes (`ssl` on, `ssl_ca_file` only with
 *   `spec.tls.caFile`), so that `clientcert`/`cert` lines without a CA are found.
 * - the `stringData["user_hba.conf"]` of a Secret (KubeDB Postgres's configuration Secret key, which KubeDB splices
 *   into pg_hba.conf between its loopback rules and its catch-alls: kubedb/docs#1048), as a pg_hba text of its own.
 *
 * Findings keep the embedded language's rule ids (`pgpool-conf/unknown-parameter`, `pg-hba/md5-method`, ...), already
 * registered by those languages, at the YAML characters they came from (../embeddedText.ts), with their severity and
 * tags. Quick fixes are kept where their edits map verbatim into the scalar. The embedded languages run
 * directly on the text, not through the façade: the text is not a file of its own.
 *
 * What does not apply inside a custom resource is left out: the files the configuration names live in the pod, not in
 * the workspace (no file checks); the operator writes the certificate settings and the backends itself; and its own
 * HBA rules come before the user's, so an empty list is not an empty file.
 *
 * The embedded validation runs in `checkLive` because it needs the environment (parameter catalogues), but it is
 * memoised on the document part, keyed by the settings it depends on: it re-runs only when the document text or
 * those settings change. The parse of a pgpool.conf is memoised with the document text alone, and `pgpool/inline-ssl`
 * (kubedb.ts) reads it too.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { ValidateContext } from '../../../core/language';
import { CORE, extraOf, toFinding, type FindingExtra } from '../../../core/rules';
import { SUPPORTED_PGPOOL_VERSIONS, type Finding, type Fix, type RuleMeta, type Settings, type SourceDocument, type Span } from '../../../core/types';
import { pgHbaMode } from '../../hba';
import { pgpoolConfMode, type PgpoolConfFile } from '../../pgpoolConf';
import { postgresqlConfMode, type PostgresqlConfFile } from '../../postgresqlConf';
import { locate, nodeSpan } from '../data';
import { scalarOffsetMap, VirtualText, type ScalarMap } from '../embeddedText';
import type { Resource } from '../model';
import { postgresBool } from './operatorSettings';
import { LineLabels, mandatoryPurpose, perconaMandatoryHba, pgoMandatoryHba, type OperatorPrefix } from './operatorHba';
import { PERCONA_SETTINGS, PGO } from '../rules';
import type { LiveContext, RuleModule } from './types';
import { get, isCpo, isKubedbPgpool, isKubedbPgpoolOps, isObj, isPercona, isPgo, isZalando, relatedIn, spanAt, str, type DocumentRelated, type Held } from './util';

/**
 * The embedded languages' rules by id: only their own rules are mapped back (registered by them, not again here).
 * TRANSITIONAL: also turns a report that still names its rule by id into the rule (see `ValidateContext.report`).
 */
const INNER_RULES: ReadonlyMap<string, RuleMeta> = new Map(
  [...pgpoolConfMode.rules, ...pgHbaMode.rules].map(r => [r.id, r]),
);

const INTERNAL_ERROR = CORE['internal-error'];

/**
 * Rules that cannot be judged inside a custom resource: the operator writes `ssl_cert`/`ssl_key`/`ssl_ca_cert` (KubeDB
 * mounts the certificates at /config/tls) and the backends, the named files are in the pod, and the operator's own
 * HBA rules come before the user's lines. The file rules are also off through `checkFiles: false`; they are listed
 * so that no path can bring them back.
 */
export const NOT_APPLICABLE: ReadonlySet<string> = new Set([
  'pgpool-conf/ssl-cert-required', 'pgpool-conf/ssl-key-required', 'pgpool-conf/ssl-file-missing',
  'pgpool-conf/ssl-cert-invalid', 'pgpool-conf/ssl-key-invalid', 'pgpool-conf/ssl-key-encrypted',
  'pgpool-conf/ssl-key-permissions', 'pgpool-conf/ssl-ca-cert-dir-without-ca-cert',
  'pgpool-conf/recovery-needs-data-directory', 'pgpool-conf/watchdog-node-id',
  'pg-hba/no-entries', 'pg-hba/missing-include-file',
  // The operator writes `ssl`, the backends and pool_hba.conf, so what depends on them is not visible here.
  'pgpool-conf/clear-text-frontend-auth', 'pgpool-conf/clear-text-frontend-auth-ignored', 'pgpool-conf/ssl-not-required',
  'pgpool-conf/ssl-backend-unverified',
]);

/**
 * A finding of an embedded language, mapped into the YAML document: document-relative spans, its severity, tags and
 * the fixes that map verbatim in `extra`, and its related places in the same text (document-relative too).
 */
export interface Mapped extends Held {
  related?: DocumentRelated[];
}

/** One embedded text to validate. */
interface Embedded {
  /** The text as its language sees it: its path is the file's place in the container, for messages. */
  doc: SourceDocument;
  /** The text with the way back into the YAML. */
  text: VirtualText;
  settings: Partial<Settings>;
  /** Runs the embedded language on `doc`. */
  validate(ctx: ValidateContext): void;
  /** Drops findings that another rule of the YAML mode already reports better. */
  skip?: (f: Finding) => boolean;
  /**
   * Rewrites a finding of a composed text (the operator's own lines before the user's, operatorHba.ts): drops those
   * on the operator's lines, names the YAML place for `line N`, and turns a line hidden by an operator line into
   * that operator's rule. `undefined` drops the finding.
   */
  adjust?: (rule: RuleMeta, f: Finding) => { rule: RuleMeta; finding: Finding } | undefined;
}

export const embeddedModule: RuleModule = {
  name: 'embedded',
  appliesTo: (r: Resource) => isKubedbPgpool(r) || isKubedbPgpoolOps(r) || isPercona(r) || isPgo(r) || isCpo(r) || isZalando(r) || userHbaScalar(r) !== undefined,
  checkLive(r, ctx) {
    // Related places are file places; the memo holds them document-relative since the document may move.
    for (const f of embeddedFindings(r, ctx)) ctx.report(f.rule, f.span, f.message, { ...f.extra, related: relatedIn(r, f.related) });
  },
};

/** The mapped findings of a resource's embedded texts, memoised on its document part. */
export function embeddedFindings(r: Resource, ctx: Pick<LiveContext, 'settings' | 'env'>): Mapped[] {
  const key = `embedded\0${ctx.settings.pgpoolVersion}\0${ctx.settings.postgresVersion}`;
  const memo = r.doc.part.memo;
  const hit = memo.get(key) as Mapped[] | undefined;
  if (hit) return hit;
  const out: Mapped[] = [];
  for (const e of embeddedTexts(r)) out.push(...validateEmbedded(e, ctx));
  for (const k of [...memo.keys()]) if (k.startsWith('embedded\0')) memo.delete(k);
  memo.set(key, out);
  return out;
}

/** Runs the embedded language on one text and maps its findings back. */
function validateEmbedded(e: Embedded, ctx: Pick<LiveContext, 'settings' | 'env'>): Mapped[] {
  const raw: { rule: RuleMeta; finding: Finding }[] = [];
  const vctx: ValidateContext = {
    settings: { ...ctx.settings, ...e.settings, checkFiles: false },
    env: ctx.env,
    parseSibling: () => undefined,
    report(rule, span, message, extra) {
      const meta = INNER_RULES.get(rule.id);
      if (meta) raw.push({ rule: meta, finding: toFinding(meta, span, message, extra) });
    },
  };
  try {
    e.validate(vctx);
  } catch (err) {
    // The embedded languages never throw by contract; if one does, say so on the text instead of hiding it.
    return [{ rule: INTERNAL_ERROR, span: e.text.span([0, 1]), message: `pgtls failed while checking this embedded ${e.doc.languageId === 'pg-hba' ? 'pg_hba' : 'pgpool.conf'} text (${err instanceof Error ? err.message : String(err)}); please report it with the file attached.` }];
  }
  const out: Mapped[] = [];
  for (const item of raw) {
    if (NOT_APPLICABLE.has(item.finding.rule) || e.skip?.(item.finding)) continue;
    const adjusted = e.adjust ? e.adjust(item.rule, item.finding) : item;
    if (!adjusted) continue;
    const { rule, finding: f } = adjusted;
    // Severity and tags carry over as they are; fixes only where their edits land verbatim in the YAML.
    const { fixes, related, ...extra }: FindingExtra = extraOf(f);
    const mapped = (fixes ?? []).map(x => mapFix(x, e.text)).filter((x): x is Fix => !!x);
    const m: Mapped = { rule, span: e.text.span(f.span), message: f.message, extra: mapped.length ? { ...extra, fixes: mapped } : extra };
    const here = (related ?? []).filter(x => x.file === e.doc.path).map(x => ({ span: e.text.span(x.span), message: x.message }));
    if (here.length) m.related = here;
    out.push(m);
  }
  return out;
}

/** A fix whose every edit lands verbatim inside one scalar; `undefined` otherwise (commands do not carry over). */
function mapFix(fix: Fix, text: VirtualText): Fix | undefined {
  if (fix.command || fix.edits.length === 0) return undefined;
  const edits = [];
  for (const e of fix.edits) {
    const span = text.editSpan(e.span, e.newText);
    if (!span) return undefined;
    edits.push({ span, newText: e.newText });
  }
  return { title: fix.title, edits, ...(fix.preferred ? { preferred: true } : {}), ...(fix.changesBehaviour ? { changesBehaviour: true } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Where the embedded texts are.

function embeddedTexts(r: Resource): Embedded[] {
  if (isKubedbPgpool(r)) return kubedbText(r, INLINE_PGPOOL_CONF, pgpoolVersionOf(get(r.data, ['spec', 'version'])));
  // The ops request names its Pgpool only by reference: the version setting applies.
  if (isKubedbPgpoolOps(r)) return kubedbText(r, ['spec', 'configuration', 'applyConfig', 'pgpool.conf'], undefined);
  if (isPercona(r) || isPgo(r)) return crunchyTexts(r);
  if (isCpo(r) || isZalando(r)) return spiloTexts(r);
  return userHbaTexts(r);
}

/** The node at a data path (through aliases and merge keys), when the whole path resolves. */
function nodeAt(r: Resource, path: readonly (string | number)[]): { node: Node | undefined; key: Node | undefined } | undefined {
  const segs = path.map(String);
  const steps = locate(r.yaml, segs);
  if (steps.length !== segs.length + 1) return undefined;
  return steps[steps.length - 1]!;
}

function stringScalar(n: Node | undefined): Scalar<string> | undefined {
  return isScalar(n) && typeof n.value === 'string' ? n as Scalar<string> : undefined;
}

/** `4.5.0` → `4.5` when Pgpool-II 4.3–4.7 (the catalogue's versions); else the setting. */
export function pgpoolVersionOf(version: unknown): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.|$|-)/.exec(str(version)?.trim() ?? '');
  if (!m) return undefined;
  const v = `${Number(m[1])}.${Number(m[2])}`;
  return (SUPPORTED_PGPOOL_VERSIONS as readonly string[]).includes(v) ? v : undefined;
}

/** A PostgreSQL major version (a number or a numeric string, 10–99). */
export function postgresVersionOf(version: unknown): number | undefined {
  const n = typeof version === 'number' ? version : typeof version === 'string' && /^\s*\d+\s*$/.test(version) ? Number(version) : NaN;
  return Number.isInteger(n) && n >= 10 && n <= 99 ? n : undefined;
}

/** Where a KubeDB Pgpool holds its inline pgpool.conf. */
export const INLINE_PGPOOL_CONF: readonly string[] = ['spec', 'configuration', 'inline', 'pgpool.conf'];

/** A pgpool.conf held in a YAML string: the text, the way back into the YAML, and the pgpool.conf language's parse. */
export interface EmbeddedPgpoolConf {
  doc: SourceDocument;
  text: VirtualText;
  file: PgpoolConfFile;
}

/**
 * The pgpool.conf in the string at `path` of a KubeDB resource, parsed once per document text (memoised on the
 * document part): the embedded validation and `pgpool/inline-ssl` read the same parse.
 */
export function pgpoolConfAt(r: Resource, path: readonly string[]): EmbeddedPgpoolConf | undefined {
  const key = `pgpool.conf\0${path.join('\0')}`;
  const memo = r.doc.part.memo;
  if (memo.has(key)) return memo.get(key) as EmbeddedPgpoolConf | undefined;
  const node = stringScalar(nodeAt(r, path)?.node);
  const map = node ? scalarOffsetMap(node, r.doc.part.source) : undefined;
  let out: EmbeddedPgpoolConf | undefined;
  if (map) {
    const text = new VirtualText().addScalar(map);
    // KubeDB mounts its configuration at /config (operators.md §1.3, P5).
    const doc: SourceDocument = { path: '/config/pgpool.conf', text: text.text, languageId: 'pgpool-conf' };
    out = { doc, text, file: pgpoolConfMode.parse(doc) };
  }
  memo.set(key, out);
  return out;
}

function kubedbText(r: Resource, path: readonly string[], version: string | undefined): Embedded[] {
  const conf = pgpoolConfAt(r, path);
  if (!conf) return [];
  return [{
    doc: conf.doc, text: conf.text, settings: version ? { pgpoolVersion: version } : {},
    validate: ctx => pgpoolConfMode.validate(conf.doc, conf.file, ctx),
  }];
}

/** A pg_hba text the operator writes (at `path` in the container) from the resource's rules. */
function hbaText(path: string, text: VirtualText, settings: Partial<Settings>, skip?: Embedded['skip']): Embedded {
  const doc: SourceDocument = { path, text: text.text, languageId: 'pg-hba' };
  return { doc, text, settings, validate: ctx => pgHbaMode.validate(doc, pgHbaMode.parse(doc), ctx), ...(skip ? { skip } : {}) };
}

/** Characters the Percona operator trims from both ends of a raw `hba` line (control characters, space, backslash). */
const TRIMMED = (c: string) => c > '~' || c < '!' || c === '\\';

const DYNAMIC_PG_HBA = ['spec', 'patroni', 'dynamicConfiguration', 'postgresql', 'pg_hba'];
/** `pg_hba` misplaced under `parameters` (`<op>/dynamic-config-ignored`): validated as the lines it would be once moved. */
const MISPLACED_PG_HBA = ['spec', 'patroni', 'dynamicConfiguration', 'postgresql', 'parameters', 'pg_hba'];

/**
 * The pg_hba file a Percona or PGO cluster gets (operatorHba.ts): the operator's mandatory lines, then
 * `spec.authentication.rules`, then the string items of `dynamicConfiguration.postgresql.pg_hba` (and those of a
 * `pg_hba` misplaced under `parameters`, as they would be once moved there). Validated only when the user adds a
 * line; findings on the operator's lines are dropped.
 */
function crunchyTexts(r: Resource): Embedded[] {
  const pgo = isPgo(r);
  const pg = postgresVersionOf(get(r.data, ['spec', 'postgresVersion']));
  const tlsOnly = !pgo && get(r.data, ['spec', 'tlsOnly']) === true;
  const pgBouncer = isObj(get(r.data, ['spec', 'proxy', 'pgBouncer']));
  const text = new VirtualText();
  const marks: { at: number; label: string }[] = [];
  const operatorPlace: Span = spanAt(r, ['spec', 'authentication', 'rules'], 'key');
  const mandatory = pgo
    ? pgoMandatoryHba({ pgBouncer, monitoring: isObj(get(r.data, ['spec', 'monitoring', 'pgmonitor', 'exporter'])) })
    : perconaMandatoryHba({ pgBouncer, tlsOnly });
  for (const line of mandatory) {
    marks.push({ at: text.text.length, label: `the operator's own line \`${line}\`` });
    text.addSynthetic(`${line}\n`, operatorPlace);
  }
  const prefix: OperatorPrefix = { end: text.text.length, fallback: operatorPlace };
  const mark = (label: string) => marks.push({ at: text.text.length, label });
  const rules = perconaRuleLines(r, text, mark);
  const dynamic = dynamicHbaLines(r, text, mark, DYNAMIC_PG_HBA, 0);
  const lines = rules + dynamic + dynamicHbaLines(r, text, mark, MISPLACED_PG_HBA, dynamic);
  if (!lines) return [];
  const labels = new LineLabels(text.text, marks);
  // With tlsOnly, percona/tls-only-user-rules already says what prefer-hostssl would say about a `host` line.
  const skip = tlsOnly ? (f: Finding) => f.rule === 'pg-hba/prefer-hostssl' : undefined;
  return [{ ...hbaText('/pgdata/pg_hba.conf', text, pg ? { postgresVersion: pg } : {}, skip), adjust: operatorAdjust(text.text, prefix, labels, pgo ? PGO['operator-hba-first'] : PERCONA_SETTINGS['operator-hba-first']) }];
}

/** Adds the lines of `spec.authentication.rules`; returns how many. */
function perconaRuleLines(r: Resource, text: VirtualText, mark: (label: string) => void): number {
  const rules = get(r.data, ['spec', 'authentication', 'rules']);
  if (!Array.isArray(rules) || rules.length === 0) return 0;
  const source = r.doc.part.source;
  const base = ['spec', 'authentication', 'rules'];
  let lines = 0;
  rules.forEach((rule, i) => {
    if (!isObj(rule)) return;
    const at = nodeAt(r, [...base, i]);
    const ruleNode = at?.node;
    if (!isMap(ruleNode)) return;
    const firstKey = (ruleNode.items[0] as Pair | undefined)?.key as Node | undefined;
    const fallback: Span = firstKey ? nodeSpan(firstKey) : nodeSpan(ruleNode);
    const hba = str(rule.hba);
    if (hba !== undefined && hba !== '') {
      // The operator writes a non-empty `hba` as it is, trimmed, and ignores the structured fields; it drops lines that
      // start with `include` (a security measure), so those are not validated.
      let a = 0;
      let b = hba.length;
      while (a < b && TRIMMED(hba[a]!)) a++;
      while (b > a && TRIMMED(hba[b - 1]!)) b--;
      if (a === b || hba.startsWith('include', a)) return;
      const node = stringScalar(nodeAt(r, [...base, i, 'hba'])?.node);
      const map = node ? scalarOffsetMap(node, source) : undefined;
      if (!map) return;
      if (lines++) text.addSynthetic('\n', fallback);
      mark(`\`spec.authentication.rules[${i}]\``);
      text.addScalar(map, a, b);
      return;
    }
    const conn = str(rule.connection);
    const method = str(rule.method);
    if (!conn || !method) return; // the schema reports the missing or mistyped field
    if (lines++) text.addSynthetic('\n', fallback);
    mark(`\`spec.authentication.rules[${i}]\``);
    structuredLine(r, [...base, i], rule, conn, text, fallback);
  });
  if (lines) text.addSynthetic('\n', spanAt(r, base, 'key'));
  return lines;
}

/**
 * Adds the string items of the list at `path` (`dynamicConfiguration.postgresql.pg_hba`; the operator skips other
 * items); `before`: lines already added from a list before it. Returns how many.
 */
function dynamicHbaLines(r: Resource, text: VirtualText, mark: (label: string) => void, path: readonly string[], before: number): number {
  const at = nodeAt(r, path);
  const list = at?.node;
  if (!isSeq(list)) return 0;
  const fallback: Span = at?.key ? nodeSpan(at.key) : nodeSpan(list);
  let lines = 0;
  const label = path.slice(2).join('.');
  list.items.forEach((_, i) => {
    const node = stringScalar(nodeAt(r, [...path, i])?.node);
    const map = node ? scalarOffsetMap(node, r.doc.part.source) : undefined;
    if (!map || map.text.trim() === '') return;
    if (lines++ || before) text.addSynthetic('\n', fallback);
    mark(`\`${label}[${i}]\``);
    text.addScalar(map);
  });
  return lines;
}

/**
 * The `adjust` of a composed text: findings on the operator's lines are dropped (the operator's business), a user line
 * that an operator line hides becomes `percona/operator-hba-first`, and `line N` in messages names the YAML place.
 */
function operatorAdjust(composed: string, prefix: OperatorPrefix, labels: LineLabels, meta: RuleMeta): NonNullable<Embedded['adjust']> {
  return (rule, f) => {
    if (f.span[0] < prefix.end) return undefined;
    const by = f.related?.[0];
    if (rule.id === 'pg-hba/unreachable-line' && by && by.span[0] < prefix.end) {
      const line = composed.slice(by.span[0], by.span[1]);
      return { rule: meta, finding: toFinding(meta, f.span, `This line never takes effect: the operator writes its own line \`${line}\` before the user's lines, and it matches every connection this one would (PostgreSQL uses the first matching line only), because ${mandatoryPurpose(line)}. The operator's lines cannot be changed: remove this line, or write it for another user.`, { tags: ['unnecessary'] }) };
    }
    const finding: Finding = { ...f, message: labels.relabel(f.message) };
    const related = f.related?.filter(x => x.span[0] >= prefix.end).map(x => ({ ...x, message: labels.relabel(x.message) }));
    if (related?.length) finding.related = related;
    else delete finding.related;
    return { rule, finding };
  };
}

/**
 * The pg_hba line the operator builds from a structured rule: `<connection> <databases> <users> all <method>
 * <options>`, without the address for `local`. Empty lists mean `all`; names are double-quoted (so they are never
 * keywords), and a name starting with `/` becomes a regular expression matching exactly that name (checked as a plain
 * name here); options are `name="value"`, sorted by name (the operator quotes the name too, which PostgreSQL reads the
 * same). Each word is mapped to the YAML value it comes from; synthetic words to the field's node, else to the rule's
 * first key. The builder is Crunchy's (`internal/postgres/hba.go`, `HostBasedAuthentication`), which Percona forks;
 * Percona's `hbaFromSpec` (v2.9.0+) writes the method `password` as `scram-sha-256`.
 */
function structuredLine(r: Resource, path: (string | number)[], rule: Record<string, unknown>, conn: string, text: VirtualText, fallback: Span): void {
  const source = r.doc.part.source;
  const scalarPiece = (p: (string | number)[], value: string) => {
    const at = nodeAt(r, p);
    const node = stringScalar(at?.node);
    const map = node ? scalarOffsetMap(node, source) : undefined;
    if (map && map.text === value) text.addScalar(map);
    else text.addSynthetic(value, at?.node ? nodeSpan(at.node) : fallback);
  };
  const names = (field: 'databases' | 'users') => {
    const list = rule[field];
    const items = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    if (!Array.isArray(list) || items.length === 0) {
      text.addSynthetic('all', Array.isArray(list) ? nodeSpanAt(r, [...path, field], fallback) : fallback);
      return;
    }
    let first = true;
    (list as unknown[]).forEach((name, k) => {
      if (typeof name !== 'string') return;
      if (!first) text.addSynthetic(',', nodeSpanAt(r, [...path, field, k], fallback));
      first = false;
      const itemSpan = nodeSpanAt(r, [...path, field, k], fallback);
      if (name.startsWith('/')) {
        // The operator turns it into a regular expression matching exactly this name: a plain name for the checks.
        text.addSynthetic('"_"', itemSpan);
      } else if (name.includes('"')) {
        text.addSynthetic(`"${name.replace(/"/g, '""')}"`, itemSpan);
      } else {
        text.addSynthetic('"', itemSpan);
        scalarPiece([...path, field, k], name);
        text.addSynthetic('"', itemSpan);
      }
    });
  };
  scalarPiece([...path, 'connection'], conn);
  text.addSynthetic(' ', fallback);
  names('databases');
  text.addSynthetic(' ', fallback);
  names('users');
  if (conn !== 'local') text.addSynthetic(' all', fallback);
  text.addSynthetic(' ', fallback);
  const method = str(rule.method)!;
  // Since v2.9.0 the operator writes `password` as `scram-sha-256` (internal/patroni/config.go hbaFromSpec).
  if (method === 'password') text.addSynthetic('scram-sha-256', nodeSpanAt(r, [...path, 'method'], fallback));
  else scalarPiece([...path, 'method'], method);
  const options = rule.options;
  if (isObj(options)) {
    for (const name of Object.keys(options).sort()) {
      const v = options[name];
      const value = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
      if (value === undefined) continue;
      const at = nodeAt(r, [...path, 'options', name]);
      const keySpan = at?.key ? nodeSpan(at.key) : fallback;
      text.addSynthetic(' ', keySpan);
      if (/^[A-Za-z0-9_]+$/.test(name)) text.addSynthetic(name, keySpan);
      else text.addSynthetic(`"${name.replace(/"/g, '""')}"`, keySpan);
      text.addSynthetic('="', keySpan);
      if (typeof v === 'string' && !v.includes('"')) scalarPiece([...path, 'options', name], value);
      else text.addSynthetic(value.replace(/"/g, '""'), at?.node ? nodeSpan(at.node) : keySpan);
      text.addSynthetic('"', keySpan);
    }
  }
}

function nodeSpanAt(r: Resource, path: (string | number)[], fallback: Span): Span {
  const at = nodeAt(r, path);
  return at?.node ? nodeSpan(at.node) : at?.key ? nodeSpan(at.key) : fallback;
}

/**
 * `spec.patroni.pg_hba[]` of CYBERTEC CPO and Zalando's postgres-operator: the operator hands the list to Patroni as
 * the whole pg_hba.conf (nothing of Spilo's defaults stays, operatorSettings.ts says what that loses). The pg_hba rules
 * see the postgresql.conf Spilo writes: `ssl` on, `ssl_ca_file` only when SSL_CA_FILE is set (spiloServerConf).
 */
function spiloTexts(r: Resource): Embedded[] {
  const at = nodeAt(r, SPILO_PG_HBA);
  const list = at?.node;
  if (!isSeq(list) || list.items.length === 0) return [];
  const pg = postgresVersionOf(get(r.data, ['spec', 'postgresql', 'version']));
  const text = new VirtualText();
  const source = r.doc.part.source;
  const fallback: Span = at?.key ? nodeSpan(at.key) : nodeSpan(list);
  const marks: { at: number; label: string }[] = [];
  let lines = 0;
  list.items.forEach((_, i) => {
    const node = stringScalar(nodeAt(r, [...SPILO_PG_HBA, i])?.node);
    const map = node ? scalarOffsetMap(node, source) : undefined;
    if (!map || map.text.trim() === '') return;
    if (lines++) text.addSynthetic('\n', fallback);
    marks.push({ at: text.text.length, label: `\`spec.patroni.pg_hba[${i}]\`` });
    addSpiloLine(text, map, pg);
  });
  if (!lines) return [];
  const labels = new LineLabels(text.text, marks);
  const hba = hbaText(`${SPILO_PGDATA}/pg_hba.conf`, text, pg ? { postgresVersion: pg } : {});
  const conf = spiloServerConf(r);
  return [{
    ...hba,
    validate: ctx => hba.validate({ ...ctx, parseSibling: <T>(path: string, id: string) => (path === conf.doc.path && id === 'postgresql-conf' ? conf as { doc: SourceDocument; file: T } : undefined) }),
    // The operator's own configuration may give every pod SSL_CA_FILE (pod_environment_configmap), which the
    // manifest does not show: a missing CA is then a warning, not a certain failure.
    adjust: (rule, f) => ({ rule, finding: { ...f, ...(rule.id === 'pg-hba/cert-without-ssl-ca-file' ? { severity: 'warning' as const } : {}), message: SPILO_MESSAGES[rule.id]?.(r) ?? labels.relabel(f.message) } }),
  }];
}

/** A KubeDB configuration Secret's `user_hba.conf` (stringData), where KubeDB mounts it (/etc/config). */
function userHbaTexts(r: Resource): Embedded[] {
  const node = userHbaScalar(r);
  const map = node ? scalarOffsetMap(node, r.doc.part.source) : undefined;
  if (!map || map.text.trim() === '') return [];
  return [hbaText('/etc/config/user_hba.conf', new VirtualText().addScalar(map), {})];
}

/** The configuration Secret's key KubeDB splices into pg_hba.conf (apimachinery `PostgresCustomHBAFile`). */
export const USER_HBA = 'user_hba.conf';

/** The `stringData` scalar of `user_hba.conf` in a Secret (only `stringData`: `data` is base64, with no positions to report on). */
export function userHbaScalar(r: Resource): Scalar<string> | undefined {
  if (r.kind.apiVersion !== 'v1' || r.kind.kind !== 'Secret') return undefined;
  return stringScalar(nodeAt(r, ['stringData', USER_HBA])?.node);
}

const SPILO_PG_HBA = ['spec', 'patroni', 'pg_hba'];

/**
 * Adds one pg_hba line. The pg_hba rules read PostgreSQL 14+, where `clientcert=1` is an error; PostgreSQL 12 and 13
 * (still accepted by both operators' CRDs) read `1` as `verify-ca` and `0`/`no-verify` as no check, so for them the
 * value is read as what it means there: `verify-ca`, or the option left out.
 */
function addSpiloLine(text: VirtualText, map: ScalarMap, pg: number | undefined): void {
  if (pg === undefined || pg >= 14) {
    text.addScalar(map);
    return;
  }
  const legacy = /\bclientcert=(1|0|no-verify)(?=\s|$)/g;
  let from = 0;
  for (let m = legacy.exec(map.text); m; m = legacy.exec(map.text)) {
    // The whole option is synthetic, so that a finding on it points at the option as written.
    const end = m.index + m[0].length;
    text.addScalar(map, from, m.index);
    text.addSynthetic(m[1] === '1' ? 'clientcert=verify-ca' : ' '.repeat(m[0].length), map.span([m.index, end]));
    from = end;
  }
  text.addScalar(map, from);
}
/** Spilo's PGDATA (PGHOME /home/postgres); pg_hba.conf and postgresql.conf are written there. */
const SPILO_PGDATA = '/home/postgres/pgdata/pgroot/data';

/**
 * The postgresql.conf settings of a Spilo pod that the pg_hba rules read: Spilo always writes `ssl: 'on'` (with a
 * self-signed certificate when `spec.tls` names none), and `ssl_ca_file` only from SSL_CA_FILE, which the operator
 * sets only for `spec.tls.caFile` beside a non-empty `secretName` (pkg/cluster/k8sres.go generateTlsMounts; zalando/spilo
 * configure_spilo.py). `spec.postgresql.parameters` and an SSL_CA_FILE in `spec.env` count as well.
 */
function spiloServerConf(r: Resource): { doc: SourceDocument; file: PostgresqlConfFile } {
  const params = get(r.data, ['spec', 'postgresql', 'parameters']);
  const p = isObj(params) ? params : {};
  const lines = [`ssl = ${postgresBool(p.ssl) === false ? 'off' : 'on'}`];
  if (spiloCaFile(r)) lines.push("ssl_ca_file = '/tls/ca.crt'");
  const enc = str(p.password_encryption);
  if (enc && /^[A-Za-z0-9-]+$/.test(enc)) lines.push(`password_encryption = '${enc}'`);
  const doc: SourceDocument = { path: `${SPILO_PGDATA}/postgresql.conf`, text: `${lines.join('\n')}\n`, languageId: 'postgresql-conf' };
  return { doc, file: postgresqlConfMode.parse(doc) };
}

/** Whether the Spilo pod gets a CA file for client certificates (spiloServerConf). */
function spiloCaFile(r: Resource): boolean {
  const tls = get(r.data, ['spec', 'tls']);
  if (isObj(tls) && str(tls.secretName) && str(tls.caFile)) return true;
  if (str(get(r.data, ['spec', 'postgresql', 'parameters', 'ssl_ca_file']))) return true;
  const env = get(r.data, ['spec', 'env']);
  return Array.isArray(env) && env.some(e => isObj(e) && e.name === 'SSL_CA_FILE');
}

/** Messages of the rules that read the synthetic postgresql.conf, in the manifest's words. */
const SPILO_MESSAGES: Readonly<Record<string, (r: Resource) => string>> = {
  'pg-hba/cert-without-ssl-ca-file': r => {
    const tls = get(r.data, ['spec', 'tls']);
    const why = !isObj(tls) || !str(tls.secretName)
      ? 'this cluster has no `spec.tls.secretName`, so the operator configures no CA (`ssl_ca_file` stays unset)'
      : '`spec.tls` has no `caFile`, so the operator sets no SSL_CA_FILE and Spilo writes no `ssl_ca_file`';
    return `Client certificates cannot be checked here, so every login this line matches fails ("client certificates can only be checked if a root certificate store is available"): ${why}. Add \`caFile: ca.crt\` to \`spec.tls\` (the key of the CA in the TLS Secret, or in \`caSecretName\`), or drop the certificate requirement from this line. (If the operator's \`pod_environment_configmap\` sets SSL_CA_FILE for every cluster, this does not apply.)`;
  },
  'pg-hba/hostssl-without-ssl': () => '`hostssl` lines never match while `spec.postgresql.parameters.ssl` is off: PostgreSQL loads the line but only logs "hostssl record cannot match because SSL is disabled", and clients fall through to the lines below (or are refused). Remove `ssl` from the parameters (Spilo turns TLS on by default).',
};
