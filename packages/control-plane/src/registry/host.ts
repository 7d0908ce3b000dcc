/**
 * Host names as Istio resolves them (pkg/config/host and
 * ResolveShortnameToFQDN): a short name is relative to the referring
 * config's namespace (`reviews` in `default` → `reviews.default.svc.cluster.local`),
 * a name with a dot is taken as written, `*` and `*.example.com` are
 * wildcards. Matching is case-insensitive, as DNS is.
 */

/** `svc.<clusterDomain>`: the suffix of every Kubernetes service host. */
export function serviceDomain(clusterDomain: string): string {
  return `svc.${clusterDomain}`;
}

/** `name.namespace.svc.cluster.local`. */
export function kubeServiceHostname(name: string, namespace: string, clusterDomain: string): string {
  return `${name}.${namespace}.${serviceDomain(clusterDomain)}`;
}

/** Istio's ResolveShortnameToFQDN. Wildcards and dotted names stay as they are. */
export function resolveShortName(host: string, namespace: string, clusterDomain: string): string {
  const lower = host.toLowerCase();
  if (lower === '*' || lower.startsWith('*.') || lower.includes('.')) return lower;
  if (lower.startsWith('*')) return lower; // `*foo`: invalid, validation reported it; never expand
  return `${lower}.${namespace}.${serviceDomain(clusterDomain)}`;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/**
 * Whether `pattern` matches `host` (host.Name.Matches): equal names, or a
 * wildcard pattern whose suffix the host ends with. `*` matches everything.
 * A wildcard host is matched when its own suffix falls under the pattern.
 */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern === '*') return true;
  if (!isWildcard(pattern)) return false;
  const suffix = pattern.slice(1); // `.example.com`
  if (isWildcard(host)) return host.slice(1).endsWith(suffix);
  return host.endsWith(suffix);
}

/**
 * Istio's MostSpecificHostMatch: the exact name if present, otherwise the
 * longest wildcard that matches.
 */
export function mostSpecificHostMatch<T>(host: string, candidates: ReadonlyMap<string, T>): string | undefined {
  if (candidates.has(host)) return host;
  let best: string | undefined;
  for (const pattern of candidates.keys()) {
    if (!isWildcard(pattern) || !hostMatches(pattern, host)) continue;
    if (best === undefined || pattern.length > best.length) best = pattern;
  }
  return best;
}
