/**
 * Gateway references as Istio resolves them (resolveGatewayName): `mesh`
 * stays `mesh`; `ns/name` is taken as written; a FQDN
 * `name.ns.svc.cluster.local` becomes `ns/name`; a bare name is relative
 * to the referring config's namespace.
 */
export const MESH_GATEWAY = 'mesh';

export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === MESH_GATEWAY || gateway.includes('/')) return gateway;
  const dot = gateway.indexOf('.');
  if (dot >= 0) {
    const [name, ns] = gateway.split('.');
    return `${ns}/${name}`;
  }
  return `${namespace}/${gateway}`;
}
