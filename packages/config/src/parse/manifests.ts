/**
 * Multi-document YAML or JSON in, resources out, with every problem found in
 * one pass: YAML syntax, unknown apiVersion/kind, structural schema errors and
 * Istio's semantic rules, each reported with file, line, column and field path.
 *
 * Hostile input (alias bombs, deep nesting, huge documents) ends in an error,
 * never an exception or unbounded work.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { FieldPath } from '@skiff/common';
import { ALL_KINDS, apiVersionOf, lookupKind, type KindDefinition, type ResourceObject } from '@skiff/api';
import { closestMatch } from './suggest.ts';
import { describe, isPlainObject } from './decode.ts';
import { IssueCollector, issueFieldOf, type ConfigIssue, type ResourceRef, type SourcePosition } from './issue.ts';
import { locatePath } from './locate.ts';
import { checkObject } from '../validate/check-object.ts';
import { withDefaults } from '../defaults/index.ts';

export interface ParsedResource {
  readonly object: ResourceObject;
  readonly definition: KindDefinition;
  /** Where the document starts. */
  readonly source: SourcePosition;
  /** Where a field of this object was written. */
  locate(path: FieldPath): SourcePosition;
}

export interface ParseResult {
  readonly resources: ParsedResource[];
  readonly issues: ConfigIssue[];
}

export interface ParseOptions {
  /** Largest input accepted, in bytes. */
  readonly maxBytes?: number;
  /** Most alias expansions per document (defends against "billion laughs"). */
  readonly maxAliasCount?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export function parseManifests(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const result: ParseResult = { resources: [], issues: [] };
  if (Buffer.byteLength(text) > (options.maxBytes ?? DEFAULT_MAX_BYTES)) {
    result.issues.push({ severity: 'error', field: '', message: `input is larger than ${options.maxBytes ?? DEFAULT_MAX_BYTES} bytes`, source: { file, line: 1, column: 1 } });
    return result;
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    result.issues.push({ severity: 'error', field: '', message: `cannot parse YAML: ${errorText(err)}`, source: { file, line: 1, column: 1 } });
    return result;
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const doc of docs) parseDocument(doc, lineCounter, file, options, result);
  return result;
}

function parseDocument(doc: Document.Parsed, lineCounter: LineCounter, file: string, options: ParseOptions, result: ParseResult): void {
  const at = (path: FieldPath): SourcePosition => ({ file, ...locatePath(doc, lineCounter, path) });
  const start = at([]);
  if (doc.errors.length > 0) {
    // Later syntax errors in a document almost always cascade from the first; report that one.
    const [first, ...rest] = doc.errors;
    const pos = lineCounter.linePos(first.pos[0]);
    const more = rest.length > 0 ? ` (and ${rest.length} more in this document, likely caused by it)` : '';
    result.issues.push({ severity: 'error', field: '', message: `YAML syntax error: ${firstLine(first.message)}${more}`, source: { file, line: pos.line, column: pos.col } });
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
  } catch (err) {
    result.issues.push({ severity: 'error', field: '', message: `cannot read document: ${errorText(err)}`, source: start });
    return;
  }
  if (value === null || value === undefined) return; // an empty document between `---` separators
  if (!isPlainObject(value)) {
    result.issues.push({ severity: 'error', field: '', message: `expected a Kubernetes-style object with apiVersion and kind, got ${describe(value)}`, source: start });
    return;
  }
  if (value.kind === 'List' && Array.isArray(value.items)) {
    value.items.forEach((item, i) => parseObject(item, ['items', i], at, result));
    return;
  }
  parseObject(value, [], at, result);
}

function parseObject(value: unknown, base: FieldPath, at: (path: FieldPath) => SourcePosition, result: ParseResult): void {
  const issues = new IssueCollector();
  const report = (resource?: ResourceRef) => {
    for (const i of issues.raw) {
      result.issues.push({ severity: i.severity, message: i.message, field: issueFieldOf(i.path), source: at([...base, ...i.path]), resource });
    }
  };
  if (!isPlainObject(value)) {
    issues.error([], `expected an object with apiVersion and kind, got ${describe(value)}`);
    return report();
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '') issues.error(['apiVersion'], 'apiVersion is required (e.g. "networking.istio.io/v1")');
  if (typeof kind !== 'string' || kind === '') issues.error(['kind'], 'kind is required (e.g. "VirtualService")');
  if (issues.hasErrors) return report();
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const ref: ResourceRef = {
    kind: kind as string,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: typeof metadata.name === 'string' ? metadata.name : undefined,
  };
  const lookup = lookupKind(apiVersion as string, kind as string);
  if (!lookup.ok) {
    issues.error(['kind'], lookup.reason === 'unknown-kind' ? withKindSuggestion(lookup.message, kind as string) : lookup.message);
    return report(ref);
  }
  if (lookup.kind.defaultName && !metadata.name) value.metadata = { ...metadata, name: lookup.kind.defaultName };
  if (!isPlainObject(value.metadata)) issues.error(['metadata'], 'metadata is required, with at least a name');
  checkObject(lookup.kind, value as ResourceObject, issues);
  report(ref);
  if (issues.hasErrors) return;
  result.resources.push({
    object: withDefaults(lookup.kind, value as ResourceObject),
    definition: lookup.kind,
    source: at(base),
    locate: (path) => at([...base, ...path]),
  });
}

function withKindSuggestion(message: string, kind: string): string {
  const close = closestMatch(kind, ALL_KINDS.map((k) => k.kind));
  const def = close === undefined ? undefined : ALL_KINDS.find((k) => k.kind === close);
  return def ? `${message}; did you mean ${apiVersionOf(def.group, def.versions[0])} ${def.kind}?` : message;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function errorText(err: unknown): string {
  if (err instanceof RangeError) return 'document nests too deeply';
  return err instanceof Error ? firstLine(err.message) : String(err);
}
