/**
 * HTTPMatchRequest → Envoy RouteMatch (Istio's translateRouteMatch): uri
 * exact → `path`, prefix → `prefix`, regex → `safe_regex` (RE2); headers and
 * withoutHeaders (inverted) sorted by name, then `:method`, `:authority`,
 * `:scheme`; query parameters sorted by name. An empty prefix or a regex `*`
 * on a header means "present" (Istio's catch-all header match). No match
 * at all is the catch-all prefix `/`.
 */
import type { HTTPMatchRequest, StringMatch } from '@skiff/api';
import type { HeaderMatcherWire, QueryParameterMatcherWire, RouteMatchWire, StringMatcherWire } from './wire.ts';

export function buildRouteMatch(match: HTTPMatchRequest | undefined): RouteMatchWire {
  if (!match) return { prefix: '/' };
  const uri = match.uri;
  const path: Pick<RouteMatchWire, 'prefix' | 'path' | 'safe_regex'> =
    uri?.exact !== undefined ? { path: uri.exact }
    : uri?.regex !== undefined ? { safe_regex: { regex: uri.regex } }
    : { prefix: uri?.prefix ?? '/' };
  const headers: HeaderMatcherWire[] = [
    ...Object.entries(match.headers ?? {}).map(([name, m]) => buildHeaderMatcher(name, m, false)),
    ...Object.entries(match.withoutHeaders ?? {}).map(([name, m]) => buildHeaderMatcher(name, m, true)),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (match.method) headers.push(buildHeaderMatcher(':method', match.method, false));
  if (match.authority) headers.push(buildHeaderMatcher(':authority', match.authority, false));
  if (match.scheme) headers.push(buildHeaderMatcher(':scheme', match.scheme, false));
  const query = Object.keys(match.queryParams ?? {}).sort().map((name) => buildQueryParameterMatcher(name, match.queryParams![name]));
  return {
    ...path,
    ...(match.ignoreUriCase ? { case_sensitive: { value: false } } : {}),
    ...(headers.length > 0 ? { headers } : {}),
    ...(query.length > 0 ? { query_parameters: query } : {}),
  };
}

/** Istio's ConvertToEnvoyMatch; undefined for a StringMatch with no kind set. */
export function buildStringMatcher(m: StringMatch): StringMatcherWire | undefined {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return undefined;
}

function isCatchAll(m: StringMatch | undefined): boolean {
  if (!m) return true;
  return m.prefix === '' || m.regex === '*';
}

function buildHeaderMatcher(name: string, m: StringMatch, invert: boolean): HeaderMatcherWire {
  const inv = invert ? { invert_match: true } : {};
  if (isCatchAll(m)) return { name, present_match: true, ...inv };
  const sm = buildStringMatcher(m);
  return { name, ...(sm ? { string_match: sm } : {}), ...inv };
}

function buildQueryParameterMatcher(name: string, m: StringMatch): QueryParameterMatcherWire {
  if (isCatchAll(m)) return { name, present_match: true };
  const sm = buildStringMatcher(m);
  return sm ? { name, string_match: sm } : { name, present_match: true };
}

/** Istio's IsCatchAllRoute: prefix `/` (or regex `*`) with no header or query parameter conditions. */
export function isCatchAllMatch(m: RouteMatchWire): boolean {
  const path = m.prefix === '/' || m.path_separated_prefix === '/' || m.safe_regex?.regex === '*';
  return path && !m.headers?.length && !m.query_parameters?.length;
}

export interface SourceProxy {
  readonly labels: Readonly<Record<string, string>>;
  readonly namespace: string;
}

/**
 * Istio's sourceMatchHTTP: a match naming gateways applies only when
 * building for one of them; otherwise its sourceLabels must be a subset of
 * the proxy's labels and its sourceNamespace the proxy's namespace.
 * `matchGateways` are already resolved to `ns/name` (or `mesh`).
 */
export function sourceMatches(match: HTTPMatchRequest | undefined, matchGateways: readonly string[], proxy: SourceProxy, gateways: ReadonlySet<string>): boolean {
  if (!match) return true;
  if (matchGateways.length > 0) return matchGateways.some((g) => gateways.has(g));
  for (const [k, v] of Object.entries(match.sourceLabels ?? {})) if (proxy.labels[k] !== v) return false;
  return !match.sourceNamespace || match.sourceNamespace === proxy.namespace;
}
