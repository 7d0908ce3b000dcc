/**
 * One route's match conditions compiled into a predicate (Envoy's
 * RouteEntryImplBase::matchRoute): path specifier (prefix on the whole
 * `:path`; exact, path_separated_prefix and safe_regex on the path without
 * query and fragment), then every header matcher, every query parameter
 * matcher, and `grpc`. runtime_fraction is not evaluated (no runtime).
 */
import { compileRe2 } from './re2.ts';
import { compileStringMatcher, type CompiledStringMatcher } from './string-matcher.ts';
import type { HeaderMatcherConfig, PathMatcherConfig, QueryParameterMatcherConfig, RouteMatchConfig, RouteRequest } from './types.ts';

export type RoutePredicate = (request: RouteRequest, query: QueryParameters) => boolean;

/** Query parameters decoded once per request, on first use. */
export type QueryParameters = () => ReadonlyMap<string, string>;

export function compileRouteMatch(m: RouteMatchConfig): RoutePredicate {
  const path = compilePath(m.path, m.caseSensitive);
  const headers = m.headers.map(compileHeaderMatcher);
  const params = m.queryParameters.map(compileQueryParameterMatcher);
  const grpc = m.grpc;
  return (request, query) => {
    if (!path(request.path)) return false;
    for (const h of headers) if (!h(request)) return false;
    for (const p of params) if (!p(query())) return false;
    if (grpc && !(request.header('content-type') ?? '').startsWith('application/grpc')) return false;
    return true;
  };
}

export function stripQueryAndFragment(path: string): string {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}

function compilePath(p: PathMatcherConfig, caseSensitive: boolean): (path: string) => boolean {
  const norm = caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
  switch (p.kind) {
    case 'prefix': {
      const prefix = norm(p.value);
      return (path) => norm(path).startsWith(prefix);
    }
    case 'path': {
      const exact = norm(p.value);
      return (path) => norm(stripQueryAndFragment(path)) === exact;
    }
    case 'pathSeparatedPrefix': {
      const prefix = norm(p.value);
      return (path) => {
        const bare = norm(stripQueryAndFragment(path));
        return bare === prefix || bare.startsWith(`${prefix}/`);
      };
    }
    case 'safeRegex': {
      const compiled = compileRe2(p.regex);
      const re = compiled.ok ? compiled.value : /$^/;
      return (path) => re.test(stripQueryAndFragment(path));
    }
  }
}

/** Envoy's HeaderUtility::matchHeaders, including how absent headers and invert_match combine. */
export function compileHeaderMatcher(h: HeaderMatcherConfig): (request: RouteRequest) => boolean {
  const s = h.specifier;
  const value: (v: string) => boolean =
    s.kind === 'present' ? () => s.present
    : s.kind === 'string' ? compileStringMatcher(s.matcher)
    : (v) => /^-?\d+$/.test(v) && Number(v) >= s.start && Number(v) < s.end;
  return (request) => {
    let v = request.header(h.name);
    if (v === undefined) {
      if (!h.treatMissingHeaderAsEmpty) {
        const isPresent = s.kind === 'present';
        return h.invertMatch ? isPresent && s.present : isPresent && !s.present;
      }
      v = '';
    }
    return value(v) !== h.invertMatch;
  };
}

function compileQueryParameterMatcher(q: QueryParameterMatcherConfig): (params: ReadonlyMap<string, string>) => boolean {
  const matcher: CompiledStringMatcher | undefined = q.matcher ? compileStringMatcher(q.matcher) : undefined;
  return (params) => {
    const v = params.get(q.name);
    if (v === undefined) return false;
    return matcher ? matcher(v) : true;
  };
}

/** The first value of each query parameter, percent-decoded. */
export function parseQueryParameters(path: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const q = path.indexOf('?');
  if (q < 0) return out;
  const hash = path.indexOf('#', q);
  for (const part of path.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (!out.has(key)) out.set(key, decode(eq < 0 ? '' : part.slice(eq + 1)));
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
