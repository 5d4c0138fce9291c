/**
 * Schema validation of one document with Kubernetes semantics, and the mapping of ajv's errors back to YAML nodes (C6):
 *   1. the document becomes plain data (data.ts), then a copy of it drops `null` on fields that are not `nullable`
 *      (the API server prunes them before anything else);
 *   2. ajv (precompiled for our schemas, compiled at run time for users' CRDs) applies each field's `default` and then
 *      checks, `required` included, like the API server defaulting before validation;
 *   3. each error lands on a node: an unknown key on the key, a missing key on the key of the object that lacks it, a
 *      wrong value on the value; `anyOf` alternatives collapse into one message.
 * Findings carry document-relative spans; the mode shifts them into the file. The schema queries (which field a
 * path names, null pruning) are ../catalogue.ts's, shared with hover and completion.
 */
import { isMap, isScalar, Scalar, type Document, type Node, type Pair } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Reporter } from '../../../core/rules';
import type { Fix, RuleMeta, Span } from '../../../core/types';
import { didYouMean, listing } from '../../../core/text';
import { dataOf, locate, nodeSpan, type Step } from '../data';
import type { Part } from '../parse';
import { SCHEMA } from '../rules';
import { declaredFields, fieldPath, plainIsString, pruneNulls, schemaAt, type JsonSchema } from '../catalogue';
import { structuralErrors } from './structural';
import { keepsError, releaseOf, reportRelease } from './crVersion';

export interface SchemaSubject {
  part: Part;
  /** Name of the resource kind in messages, e.g. `KubeDB Pgpool`. */
  title: string;
  /** The root schema (for field lists in did-you-mean and for null pruning). */
  schema: JsonSchema;
  validate: ValidateFunction;
}

/** A problem found in the document, before it is reported. */
interface Issue {
  rule: RuleMeta;
  span: Span;
  message: string;
  fixes?: Fix[];
}

/** Validates one document; reports with document-relative spans, each place and rule once. */
export function checkSchema(s: SchemaSubject, report: Reporter): void {
  const doc = s.part.doc;
  if (!doc) return;
  const data = pruneNulls(dataOf(s.part).value, s.schema);
  if (!data || typeof data !== 'object' || Array.isArray(data)) return;
  // The release's own fields are judged on the data as written, before the union schema's defaults fill it in.
  const release = releaseOf(s.schema, data);
  if (release) reportRelease(release, s.title, doc, data, report);
  let errors = s.validate(data) ? [] : collapse([...(s.validate.errors ?? [])]);
  errors.push(...structuralErrors(s.schema, data), ...base64LengthErrors(s.schema, data));
  if (release) errors = errors.filter(e => keepsError(release, e));
  if (!errors.length) return;
  // A value of the wrong type fails its enum and pattern too; the type is the one thing to say about it.
  const typed = new Set(errors.filter(e => e.keyword === 'type').map(e => e.instancePath));
  const relevant = errors.filter(e => e.keyword === 'type' || !typed.has(e.instancePath) || !['enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'minLength', 'maxLength'].includes(e.keyword));
  const seen = new Set<string>();
  for (const e of groupRequired(relevant)) {
    const f = issueOf(s, doc, e);
    if (!f) continue;
    const key = `${f.span[0]}:${f.span[1]}:${f.rule.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    report(f.rule, f.span, f.message, f.fixes ? { fixes: f.fixes } : undefined);
  }
}

/**
 * The base64 form of Secret `data` as the schema writes it: the alphabet (line breaks allowed anywhere) and at most
 * two `=` at the end. It is a single character class on purpose: a pattern that also counted the characters in fours
 * would need a repeated group, which V8's regular expressions run with a backtracking stack that a value of a few
 * megabytes overflows ("Maximum call stack size exceeded"). The count is `base64LengthErrors`'s, in a plain loop.
 */
const BASE64_PATTERN = '^[A-Za-z0-9+/\\r\\n]*(?:=[\\r\\n]*){0,2}$';

/**
 * Secret `data` values of the schema's base64 form whose characters (without line breaks) do not come in fours: Go's
 * base64 decoder (the API server's) refuses them, as the schema's pattern cannot say. An error like the pattern's.
 */
function base64LengthErrors(schema: JsonSchema, data: object): ErrorObject[] {
  const fields = (schema.properties as Record<string, JsonSchema> | undefined)?.data;
  const values = (data as Record<string, unknown>).data;
  if (!fields || !values || typeof values !== 'object' || Array.isArray(values)) return [];
  const out: ErrorObject[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    const field = (fields.properties as Record<string, JsonSchema> | undefined)?.[key] ?? (fields.additionalProperties as JsonSchema | undefined);
    if (field?.pattern !== BASE64_PATTERN || !new RegExp(BASE64_PATTERN).test(value)) continue;
    let n = 0;
    for (let i = 0; i < value.length; i++) { const c = value.charCodeAt(i); if (c !== 10 && c !== 13) n++; }
    if (n % 4 === 0) continue;
    out.push({
      instancePath: `/data/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, schemaPath: '#/properties/data', keyword: 'pattern',
      params: { pattern: BASE64_PATTERN }, message: `must match pattern "${BASE64_PATTERN}"`,
    });
  }
  return out;
}

/** All missing fields of one object in one error (`params.missingProperties`), as kubectl lists them all. */
function groupRequired(errors: Err[]): Err[] {
  const byObject = new Map<string, Err>();
  const out: Err[] = [];
  for (const e of errors) {
    if (e.keyword !== 'required') { out.push(e); continue; }
    const name = String((e.params as { missingProperty: string }).missingProperty);
    const first = byObject.get(e.instancePath);
    if (first) {
      const names = (first.params as { missingProperties: string[] }).missingProperties;
      if (!names.includes(name)) names.push(name);
      continue;
    }
    const grouped: Err = { ...e, params: { ...e.params, missingProperties: [name] } };
    byObject.set(e.instancePath, grouped);
    out.push(grouped);
  }
  return out;
}

/** A synthesized error for a failed anyOf/oneOf, or an ajv error. */
type Err = ErrorObject & { alternatives?: ErrorObject[] };

/** Removes summary errors (`if`, `propertyNames`) and folds the branches of each failed anyOf/oneOf into one error. */
function collapse(errors: ErrorObject[]): Err[] {
  const groups = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  let rest: Err[] = errors.filter(e => e.keyword !== 'if' && e.keyword !== 'propertyNames');
  // Innermost groups first, so nested alternatives fold into their parent.
  groups.sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const g of groups) {
    const prefix = `${g.schemaPath}/`;
    const branch = rest.filter(e => e !== g && e.schemaPath.startsWith(prefix));
    if (g.keyword === 'oneOf' && branch.length === 0) continue; // oneOf that matched twice: keep ajv's own error
    rest = rest.filter(e => !branch.includes(e));
    (g as Err).alternatives = branch;
  }
  return rest;
}

const pathOf = (instancePath: string): string[] =>
  instancePath === '' ? [] : instancePath.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));

const REJECTS = 'the API server rejects the object';

function issueOf(s: SchemaSubject, doc: Document.Parsed, e: Err): Issue | undefined {
  const path = pathOf(e.instancePath);
  const steps = locate(doc, path);
  const exact = steps.length === path.length + 1;
  const last = steps[steps.length - 1]!;
  const where = fieldPath(path);
  const valueSpan = exact && last.node ? nodeSpan(last.node) : anchorSpan(doc, steps);
  const p = e.params as Record<string, unknown>;

  if (e.alternatives) return alternativesIssue(s, doc, e, path, steps);

  // propertyNames failures carry the offending key name.
  const propertyName = (e as { propertyName?: string }).propertyName;
  if (propertyName !== undefined && exact && isMap(last.node)) {
    const pair = pairOf(last.node, propertyName);
    return {
      rule: SCHEMA.pattern, span: pair ? nodeSpan(pair.key as Node) : valueSpan,
      message: `The key \`${propertyName}\` in \`${where}\` is not allowed (${e.message ?? 'invalid name'}): ${REJECTS}. Rename the key.`,
    };
  }

  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const map = exact && isMap(last.node) ? last.node : undefined;
      const pair = map ? pairOf(map, name) : undefined;
      const span = pair ? nodeSpan(pair.key as Node) : valueSpan;
      const known = declaredFields(schemaAt(s.schema, path));
      const candidates = didYouMean(name, known);
      const fixes: Fix[] = pair ? candidates.map((c, i) => ({
        title: `Rename to \`${c}\``, edits: [{ span: nodeSpan(pair.key as Node), newText: c }], preferred: i === 0 && candidates.length === 1,
      })) : [];
      const inWhat = path.length ? `\`${where}\`` : `a ${s.title}`;
      const hint = candidates.length ? ` Did you mean ${listing(candidates)}?` : known.length && known.length <= 12 ? ` Known fields: ${listing(known)}.` : '';
      return {
        rule: SCHEMA['unknown-field'], span,
        message: `\`${name}\` is not a field of ${inWhat}: kubectl rejects it (strict field validation), and without that check the API server drops it, so the setting has no effect.${hint}`,
        ...(fixes.length ? { fixes } : {}),
      };
    }
    case 'required': {
      const names = Array.isArray(p.missingProperties) ? (p.missingProperties as string[]) : [String(p.missingProperty)];
      const inWhat = path.length ? `\`${where}\`` : `A ${s.title}`;
      const add = names.map(n => `\`${n}:\`${describe(schemaAt(s.schema, [...path, n]))}`);
      return {
        rule: SCHEMA['missing-field'], span: missingSpan(doc, steps, exact),
        message: `${inWhat} needs ${names.map(n => `\`${n}\``).join(', ').replace(/, (?=[^,]*$)/, ' and ')}: ${REJECTS} without ${names.length > 1 ? 'them' : 'it'}. Add ${add.join('; ')}.`,
      };
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (p.allowedValues as unknown[]) : [p.allowedValue]).map(v => String(v));
      const actual = exact && isScalar(last.node) ? String(last.node.value) : undefined;
      const candidates = actual === undefined ? [] : didYouMean(actual, allowed);
      const fixes: Fix[] = exact && isScalar(last.node) ? candidates.map((c, i) => ({
        title: `Change to \`${c}\``, edits: [replaceScalar(last.node as Scalar, c)], preferred: i === 0,
      })) : [];
      const hint = candidates.length ? ` Did you mean \`${candidates[0]}\`?` : '';
      return {
        rule: SCHEMA['invalid-value'], span: valueSpan,
        message: `${actual !== undefined ? `\`${actual}\`` : 'This value'} is not an allowed value of \`${where}\`: ${REJECTS}. Allowed: ${listing(allowed)} (exact spelling and case).${hint}`,
        ...(fixes.length ? { fixes } : {}),
      };
    }
    case 'type': {
      const expected = String(p.type);
      const node = exact ? last.node : undefined;
      const actual = describeType(node);
      const fixes: Fix[] = [];
      let how = '';
      if (expected === 'string' && isScalar(node) && node.type === Scalar.PLAIN && node.value !== null) {
        const literal = s.part.source.slice(nodeSpan(node)[0], nodeSpan(node)[1]);
        fixes.push({ title: `Quote it: "${literal}"`, edits: [{ span: nodeSpan(node), newText: JSON.stringify(literal) }], preferred: true });
        how = ` YAML reads the unquoted \`${literal}\` as ${article(actual)}; quote it to keep it a string.`;
      } else if ((expected === 'boolean' || expected === 'integer' || expected === 'number') && isScalar(node) && typeof node.value === 'string') {
        how = ' Write it without quotes.';
        const v = node.value.trim();
        const ok = expected === 'boolean' ? /^(?:true|false)$/.test(v) : expected === 'integer' ? /^-?\d+$/.test(v) : /^-?\d+(?:\.\d+)?$/.test(v);
        if (ok && node.type !== Scalar.PLAIN) fixes.push({ title: `Remove the quotes: ${v}`, edits: [{ span: nodeSpan(node), newText: v }], preferred: true });
      }
      return {
        rule: SCHEMA['wrong-type'], span: valueSpan,
        message: `\`${where}\` must be ${article(expected)}, not ${article(actual)}: ${REJECTS}.${how}`,
        ...(fixes.length ? { fixes } : {}),
      };
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
    case 'minLength': case 'maxLength': case 'minItems': case 'maxItems': case 'minProperties': case 'maxProperties':
    case 'multipleOf':
      return {
        rule: SCHEMA['out-of-range'], span: valueSpan,
        message: `\`${where}\` ${e.message ?? 'is out of range'}: ${REJECTS}.`,
      };
    case 'pattern':
    case 'format': {
      const pattern = String(p.pattern ?? '');
      const field = schemaAt(s.schema, path);
      let what: string;
      let hint = '';
      if (pattern.includes('A-Za-z0-9+/')) {
        what = 'is not valid base64';
        hint = ' Secret `data` holds base64-encoded values: put raw text (PEM) under `stringData` instead, or encode it (`base64 -w0 file`).';
      } else if (e.keyword === 'format') what = e.message ?? 'has a wrong format';
      else {
        what = `does not have the required form \`${pattern.length <= 60 ? pattern : `${pattern.slice(0, 57)}...`}\``;
        if (typeof field?.description === 'string') hint = ` ${firstSentence(field.description)}`;
      }
      return { rule: SCHEMA.pattern, span: valueSpan, message: `\`${where}\` ${what}: ${REJECTS}.${hint}` };
    }
    default:
      return {
        rule: SCHEMA['invalid-value'], span: valueSpan,
        message: `\`${where}\` ${e.message ?? 'is not valid'}: ${REJECTS}.`,
      };
  }
}

/** One error for a failed anyOf/oneOf: "must be integer or string", or "needs `a` or `b.c`". */
function alternativesIssue(s: SchemaSubject, doc: Document.Parsed, e: Err, path: string[], steps: Step[]): Issue | undefined {
  const alts = e.alternatives ?? [];
  const where = fieldPath(path);
  const exact = steps.length === path.length + 1;
  if (alts.length && alts.every(a => a.keyword === 'type' && a.instancePath === e.instancePath)) {
    const types = [...new Set(alts.map(a => String((a.params as { type: string }).type)))];
    const last = steps[steps.length - 1]!;
    return {
      rule: SCHEMA['wrong-type'], span: exact && last.node ? nodeSpan(last.node) : anchorSpan(doc, steps),
      message: `\`${where}\` must be ${types.map(article).join(' or ')}, not ${article(describeType(exact ? last.node : undefined))}: ${REJECTS}.`,
    };
  }
  if (alts.length && alts.every(a => a.keyword === 'required')) {
    const options = [...new Set(alts.map(a => {
      const rel = pathOf(a.instancePath).slice(path.length);
      return fieldPath([...rel, String((a.params as { missingProperty: string }).missingProperty)]);
    }))];
    const inWhat = path.length ? `\`${where}\`` : `This ${s.title}`;
    return {
      rule: SCHEMA['missing-field'], span: missingSpan(doc, steps, exact),
      message: `${inWhat} needs ${options.map(o => `\`${o}\``).join(' or ')}: ${REJECTS} without it.`,
    };
  }
  // Mixed failures: report the branch that got furthest (its deepest error), the most specific explanation.
  const deepest = [...alts].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (deepest) return issueOf(s, doc, deepest);
  const last = steps[steps.length - 1]!;
  return { rule: SCHEMA['invalid-value'], span: exact && last.node ? nodeSpan(last.node) : anchorSpan(doc, steps), message: `\`${where}\` ${e.message ?? 'is not valid'}: ${REJECTS}.` };
}

function pairOf(map: import('yaml').YAMLMap, name: string): Pair | undefined {
  let found: Pair | undefined;
  for (const p of map.items as Pair[]) if (isScalar(p.key) && String(p.key.value) === name) found = p;
  return found;
}

/** Where a missing field is reported: the key of the object that lacks it; for a list item, its first key; for the root, `kind`. */
function missingSpan(doc: Document.Parsed, steps: Step[], exact: boolean): Span {
  const last = steps[steps.length - 1]!;
  if (exact && last.key) return nodeSpan(last.key);
  if (exact && isMap(last.node) && steps.length > 1 && last.node.items[0]?.key) return nodeSpan(last.node.items[0].key as Node);
  return anchorSpan(doc, steps);
}

/** The nearest key up the located path, or the `kind` key of the document. */
function anchorSpan(doc: Document.Parsed, steps: Step[]): Span {
  for (let i = steps.length - 1; i > 0; i--) if (steps[i]!.key) return nodeSpan(steps[i]!.key!);
  const root = doc.contents;
  if (isMap(root)) {
    const kind = pairOf(root, 'kind');
    if (kind?.key) return nodeSpan(kind.key as Node);
    if (root.items[0]?.key) return nodeSpan(root.items[0].key as Node);
  }
  return root ? [nodeSpan(root as Node)[0], nodeSpan(root as Node)[0]] : [0, 0];
}

/** Replaces a scalar's text, keeping its quotes; a plain value that YAML would not read as a string gets quotes. */
function replaceScalar(node: Scalar, value: string): { span: Span; newText: string } {
  const [s, e] = nodeSpan(node);
  if (node.type === Scalar.QUOTE_DOUBLE) return { span: [s, e], newText: JSON.stringify(value) };
  if (node.type === Scalar.QUOTE_SINGLE) return { span: [s, e], newText: `'${value.replace(/'/g, "''")}'` };
  return { span: [s, e], newText: plainIsString(value) ? value : JSON.stringify(value) };
}

function describeType(node: Node | undefined): string {
  if (!node) return 'nothing';
  if (isMap(node)) return 'object';
  if ('items' in node) return 'array';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'integer' : 'number';
    return 'string';
  }
  return 'value';
}

const article = (t: string): string => {
  const words: Record<string, string> = { object: 'an object (a map)', array: 'a list', integer: 'an integer', null: 'null', nothing: 'nothing' };
  return words[t] ?? `a ${t}`;
};

const firstSentence = (t: string): string => (/^.*?[.!?](?=\s|$)/.exec(t)?.[0] ?? t).trim();

/** A short " (…)" hint from a field's schema: its allowed values or an example. */
function describe(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return `; allowed: ${listing(schema.enum.map(String))}`;
  if (Array.isArray(schema.examples) && schema.examples.length) return `, e.g. \`${String(schema.examples[0])}\``;
  return '';
}
