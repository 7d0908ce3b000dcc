/**
 * Host names as Istio's analyzers resolve them (pkg/config/analysis/analyzers/util):
 * a short name is relative to the referring resource's namespace
 * (`reviews` in `default` is `reviews.default.svc.cluster.local`), a name with a
 * dot is taken as written, and `*.example.com` matches any name under it.
 */
export const CLUSTER_DOMAIN = 'svc.cluster.local';

/** Istio's ConvertHostToFQDN. */
export function hostToFqdn(namespace: string, host: string): string {
  if (host.startsWith('*') || host.includes('.')) return host;
  return `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** The service host of a Kubernetes Service. */
export function serviceFqdn(namespace: string, name: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** Whether `host` (possibly a wildcard itself) falls under the wildcard `pattern` (`*.example.com`, or `*`). */
export function wildcardCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*')) return false;
  const suffix = pattern.slice(1);
  return host.replace(/^\*/, '').endsWith(suffix);
}

/** `exportTo` unset, empty, or containing `*` means every namespace (Istio's IsExportToAllNamespaces). */
export function isExportedToAll(exportTo: readonly string[] | undefined): boolean {
  return !exportTo || exportTo.length === 0 || exportTo.includes('*');
}

/** Whether a resource in `ownNamespace` with `exportTo` is visible from `fromNamespace`. */
export function isVisibleFrom(exportTo: readonly string[] | undefined, ownNamespace: string, fromNamespace: string): boolean {
  if (isExportedToAll(exportTo)) return true;
  return exportTo!.some((e) => e === fromNamespace || (e === '.' && ownNamespace === fromNamespace));
}

/** Istio's NewShortOrFullName: `ns/name` names another namespace, a bare name means the referrer's. */
export function shortOrFullName(namespace: string, name: string): { namespace: string; name: string } {
  const slash = name.indexOf('/');
  return slash < 0 ? { namespace, name } : { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}
