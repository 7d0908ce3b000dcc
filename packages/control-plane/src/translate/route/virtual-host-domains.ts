/**
 * The domains of a sidecar's virtual host for a service port (Istio's
 * generateVirtualHostDomains and GenerateAltVirtualHosts, in the form that
 * lists each name with and without the port): the FQDN; for Kubernetes
 * services the shorter names the proxy's namespace can use (`name` only
 * from the same namespace, `name.ns`, `name.ns.svc`); `*.`-prefixed copies
 * for headless Kubernetes services; then each service address that is a
 * single IP.
 */
import { serviceDomain } from '../../registry/host.ts';
import type { Service } from '../../registry/types.ts';

export function serviceVirtualHostDomains(service: Service, port: number, proxyNamespace: string, clusterDomain: string): string[] {
  const withPort = (name: string) => [name, `${name}:${port}`];
  const domains = [...withPort(service.hostname), ...altHosts(service.hostname, proxyNamespace, clusterDomain).flatMap(withPort)];
  if (service.resolution === 'Passthrough' && service.registry === 'Kubernetes') domains.push(...domains.map((d) => `*.${d}`));
  for (const address of service.addresses) {
    if (address === '0.0.0.0' || address.includes('/')) continue;
    domains.push(...withPort(address));
  }
  return domains;
}

function altHosts(hostname: string, proxyNamespace: string, clusterDomain: string): string[] {
  const suffix = `.${serviceDomain(clusterDomain)}`;
  if (!hostname.endsWith(suffix)) return [];
  const parts = hostname.slice(0, -suffix.length).split('.');
  if (parts.length !== 2) return [];
  const [name, ns] = parts;
  const names = [`${name}.${ns}`, `${name}.${ns}.svc`];
  return ns === proxyNamespace ? [name, ...names] : names;
}

/** A VirtualService host that is not a service, or a Gateway server host: the name and name:port (`*` alone). */
export function plainVirtualHostDomains(host: string, port: number): string[] {
  return host === '*' ? ['*'] : [host, `${host}:${port}`];
}
