/**
 * Delegate VirtualServices (Istio's mergeVirtualServicesIfNeeded and
 * mergeHTTPRoute): a root rule with `delegate` is replaced by the delegate's
 * rules, each keeping only the match conditions that fit inside one of the
 * root's (uri, scheme, method and authority prefixes narrow, headers and
 * query parameters agree, ports, source labels, source namespace and
 * gateways are subsets); the root's rewrite, timeout, retries, fault,
 * mirror, CORS and headers fill what the delegate leaves unset. A delegate
 * rule that fits nowhere is dropped, a missing delegate drops the root
 * rule, and a delegate that delegates again is not followed: each is
 * reported as a conflict, never thrown.
 */
import type { HTTPMatchRequest, HTTPRoute, StringMatch } from '@skiff/api';
import type { VirtualServiceEntry } from '../../model/virtual-service-index.ts';
import type { ScopedHttpRoute } from './http-route.ts';

export interface RouteConflict {
  /** `namespace/name` of the VirtualService the problem is in. */
  readonly virtualService: string;
  readonly message: string;
}

/** Finds a delegate VirtualService by namespace and name. */
export type DelegateLookup = (namespace: string, name: string) => VirtualServiceEntry | undefined;

export function expandDelegates(root: VirtualServiceEntry, lookup: DelegateLookup, conflicts: RouteConflict[]): ScopedHttpRoute[] {
  const out: ScopedHttpRoute[] = [];
  const rootRef = `${root.namespace}/${root.name}`;
  for (const rule of root.config.spec?.http ?? []) {
    if (!rule.delegate) {
      out.push({ rule, namespace: root.namespace });
      continue;
    }
    const ns = rule.delegate.namespace || root.namespace;
    const name = rule.delegate.name ?? '';
    const delegate = lookup(ns, name);
    if (!delegate) {
      conflicts.push({ virtualService: rootRef, message: `delegate VirtualService ${ns}/${name} not found or not exported to ${root.namespace}` });
      continue;
    }
    for (const leaf of delegate.config.spec?.http ?? []) {
      if (leaf.delegate) {
        conflicts.push({ virtualService: `${ns}/${name}`, message: 'a delegate VirtualService cannot delegate again; rule ignored' });
        continue;
      }
      const merged = mergeHttpRoute(rule, leaf);
      if (!merged) {
        conflicts.push({ virtualService: `${ns}/${name}`, message: `rule ${JSON.stringify(leaf.name ?? '')} conflicts with the match of ${rootRef}; rule ignored` });
        continue;
      }
      out.push({ rule: merged, namespace: delegate.namespace });
    }
  }
  return out;
}

function mergeHttpRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | undefined {
  const match = mergeMatches(root.match ?? [], leaf.match ?? []);
  if (!match) return undefined;
  return {
    ...leaf,
    match,
    name: leaf.name ? (root.name ? `${root.name}-${leaf.name}` : leaf.name) : root.name,
    rewrite: leaf.rewrite ?? root.rewrite,
    timeout: leaf.timeout ?? root.timeout,
    retries: leaf.retries ?? root.retries,
    fault: leaf.fault ?? root.fault,
    mirror: leaf.mirror ?? root.mirror,
    mirrorPercent: leaf.mirrorPercent ?? root.mirrorPercent,
    mirrorPercentage: leaf.mirrorPercentage ?? root.mirrorPercentage,
    mirrors: leaf.mirrors ?? root.mirrors,
    corsPolicy: leaf.corsPolicy ?? root.corsPolicy,
    headers: leaf.headers ?? root.headers,
    delegate: undefined,
  };
}

/** Each leaf match must fit inside at least one root match; undefined on conflict. */
function mergeMatches(root: readonly HTTPMatchRequest[], leaf: readonly HTTPMatchRequest[]): HTTPMatchRequest[] | undefined {
  if (root.length === 0) return [...leaf];
  if (leaf.length === 0) return [...root];
  const out: HTTPMatchRequest[] = [];
  for (const l of leaf) {
    const fits = root.filter((r) => !hasConflict(r, l));
    if (fits.length === 0) return undefined;
    for (const r of fits) out.push(mergeMatch(r, l));
  }
  return out;
}

function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const both = <T>(a: Readonly<Record<string, T>> | undefined, b: Readonly<Record<string, T>> | undefined) =>
    a || b ? { ...(a ?? {}), ...(b ?? {}) } : undefined;
  return {
    ...leaf,
    name: leaf.name ? (root.name ? `${root.name}-${leaf.name}` : leaf.name) : root.name,
    uri: leaf.uri ?? root.uri,
    scheme: leaf.scheme ?? root.scheme,
    method: leaf.method ?? root.method,
    authority: leaf.authority ?? root.authority,
    headers: both(root.headers, leaf.headers),
    withoutHeaders: both(root.withoutHeaders, leaf.withoutHeaders),
    queryParams: both(root.queryParams, leaf.queryParams),
    port: leaf.port || root.port,
    sourceLabels: both(root.sourceLabels, leaf.sourceLabels),
    sourceNamespace: leaf.sourceNamespace || root.sourceNamespace,
    gateways: leaf.gateways?.length ? leaf.gateways : root.gateways,
  };
}

function hasConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  const pairs: [StringMatch | undefined, StringMatch | undefined][] = [
    [root.uri, leaf.uri], [root.scheme, leaf.scheme], [root.method, leaf.method], [root.authority, leaf.authority],
  ];
  if (pairs.some(([r, l]) => stringMatchConflict(r, l))) return true;
  for (const [map, leafMap] of [[root.headers, leaf.headers], [root.withoutHeaders, leaf.withoutHeaders], [root.queryParams, leaf.queryParams]] as const) {
    for (const [k, v] of Object.entries(leafMap ?? {})) if (stringMatchConflict(map?.[k], v)) return true;
  }
  if (Boolean(root.ignoreUriCase) !== Boolean(leaf.ignoreUriCase)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  if (root.gateways?.length && leaf.gateways?.length && !leaf.gateways.every((g) => root.gateways!.includes(g))) return true;
  return false;
}

/** Istio's stringMatchConflict: a leaf must narrow the root (same exact/regex, or a prefix under the root's). */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex !== undefined) return leaf.regex !== root.regex;
  if (root.exact !== undefined) return leaf.exact !== root.exact;
  if (root.prefix !== undefined) {
    if (leaf.regex !== undefined) return true;
    if (leaf.exact !== undefined) return !leaf.exact.startsWith(root.prefix);
    if (leaf.prefix !== undefined) return !leaf.prefix.startsWith(root.prefix);
  }
  return false;
}
