/**
 * Wire → validated for the matching parts of a route: RouteMatch (path
 * specifier, case sensitivity, headers, query parameters, grpc),
 * HeaderMatcher (deprecated direct specifiers and string_match alike) and
 * StringMatcher. Regexes are compiled here once to reject invalid ones with
 * Envoy's wording; the matcher compiles them again for use.
 */
import type { FieldPath } from '@skiff/common';
import { compileRe2 } from './re2.ts';
import type { HeaderMatcherConfig, HeaderMatchSpecifier, PathMatcherConfig, QueryParameterMatcherConfig, RouteMatchConfig, StringMatcherConfig } from './types.ts';
import type { WireObject, WireReader } from './wire-reader.ts';

const PATH_SEPARATED_PREFIX = /^[^?#]+[^?#/]$/;

export function parseRouteMatch(r: WireReader, m: WireObject, at: FieldPath): RouteMatchConfig {
  const path = parsePathSpecifier(r, m, at);
  return {
    path,
    caseSensitive: r.wrapped(m, 'case_sensitive', at, 'boolean') ?? true,
    headers: r.objects(m, 'headers', at).map((h, i) => parseHeaderMatcher(r, h, [...at, 'headers', i])),
    queryParameters: r.objects(m, 'query_parameters', at).map((q, i) => parseQueryParameterMatcher(r, q, [...at, 'query_parameters', i])),
    grpc: r.object(m, 'grpc', at) !== undefined,
  };
}

function parsePathSpecifier(r: WireReader, m: WireObject, at: FieldPath): PathMatcherConfig {
  const prefix = r.string(m, 'prefix', at);
  const path = r.string(m, 'path', at);
  const separated = r.string(m, 'path_separated_prefix', at);
  const regex = r.object(m, 'safe_regex', at);
  if (prefix !== undefined) return { kind: 'prefix', value: prefix };
  if (path !== undefined) return { kind: 'path', value: path };
  if (separated !== undefined) {
    if (!PATH_SEPARATED_PREFIX.test(separated)) r.errors.add([...at, 'path_separated_prefix'], `value does not match regex pattern "${PATH_SEPARATED_PREFIX.source}"`);
    return { kind: 'pathSeparatedPrefix', value: separated };
  }
  if (regex) return { kind: 'safeRegex', regex: parseRegex(r, regex, [...at, 'safe_regex']) };
  if (r.object(m, 'connect_matcher', at) || r.object(m, 'path_match_policy', at)) {
    r.errors.add(at, 'CONNECT matchers and path_match_policy are not supported');
  } else {
    r.errors.add([...at, 'path_specifier'], 'value is required');
  }
  return { kind: 'prefix', value: '/' };
}

export function parseRegex(r: WireReader, m: WireObject, at: FieldPath): string {
  const regex = r.string(m, 'regex', at) ?? '';
  if (regex === '') {
    r.errors.add([...at, 'regex'], 'value length must be at least 1 characters');
    return regex;
  }
  const compiled = compileRe2(regex);
  if (!compiled.ok) r.errors.add([...at, 'regex'], compiled.errors[0]);
  return regex;
}

export function parseStringMatcher(r: WireReader, m: WireObject, at: FieldPath): StringMatcherConfig {
  const ignoreCase = r.bool(m, 'ignore_case', at) ?? false;
  for (const kind of ['exact', 'prefix', 'suffix', 'contains'] as const) {
    const value = r.string(m, kind, at);
    if (value === undefined) continue;
    if (kind !== 'exact' && value === '') r.errors.add([...at, kind], 'value length must be at least 1 characters');
    return { kind, value, ignoreCase };
  }
  const regex = r.object(m, 'safe_regex', at);
  if (regex) return { kind: 'safeRegex', regex: parseRegex(r, regex, [...at, 'safe_regex']) };
  r.errors.add([...at, 'match_pattern'], 'value is required');
  return { kind: 'exact', value: '', ignoreCase: false };
}

export function parseHeaderMatcher(r: WireReader, m: WireObject, at: FieldPath): HeaderMatcherConfig {
  const name = (r.string(m, 'name', at) ?? '').toLowerCase();
  if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
  let specifier: HeaderMatchSpecifier = { kind: 'present', present: true };
  const stringMatch = r.object(m, 'string_match', at);
  const range = r.object(m, 'range_match', at);
  const regex = r.object(m, 'safe_regex_match', at);
  const present = r.bool(m, 'present_match', at);
  const direct = (['exact_match', 'prefix_match', 'suffix_match', 'contains_match'] as const).find((k) => typeof m[k] === 'string');
  if (stringMatch) specifier = { kind: 'string', matcher: parseStringMatcher(r, stringMatch, [...at, 'string_match']) };
  else if (direct) {
    const value = r.string(m, direct, at) ?? '';
    specifier = { kind: 'string', matcher: { kind: direct.slice(0, -'_match'.length) as 'exact', value, ignoreCase: false } };
  } else if (regex) specifier = { kind: 'string', matcher: { kind: 'safeRegex', regex: parseRegex(r, regex, [...at, 'safe_regex_match']) } };
  else if (range) specifier = { kind: 'range', start: r.number(range, 'start', [...at, 'range_match']) ?? 0, end: r.number(range, 'end', [...at, 'range_match']) ?? 0 };
  else if (present !== undefined) specifier = { kind: 'present', present };
  return {
    name,
    specifier,
    invertMatch: r.bool(m, 'invert_match', at) ?? false,
    treatMissingHeaderAsEmpty: r.bool(m, 'treat_missing_header_as_empty', at) ?? false,
  };
}

function parseQueryParameterMatcher(r: WireReader, m: WireObject, at: FieldPath): QueryParameterMatcherConfig {
  const name = r.string(m, 'name', at) ?? '';
  if (name === '') r.errors.add([...at, 'name'], 'value length must be at least 1 characters');
  const sm = r.object(m, 'string_match', at);
  return { name, matcher: sm ? parseStringMatcher(r, sm, [...at, 'string_match']) : undefined };
}
