/**
 * Kubernetes Services as mesh services (Istio's kube.ConvertService):
 * ClusterIP services are load-balanced by the proxy from EDS, headless ones
 * (`clusterIP: None`) pass through to the address the client dialled,
 * ExternalName ones resolve the external name with DNS. The
 * `networking.istio.io/exportTo` annotation sets visibility.
 */
import type { kube } from '@skiff/api';
import { parseExportTo } from '../export-to.ts';
import { kubeServiceHostname } from '../host.ts';
import type { MeshSettings } from '../mesh-settings.ts';
import { kubePortProtocol } from '../protocol.ts';
import type { Resolution, Service } from '../types.ts';

export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

export function kubeService(svc: kube.Service, mesh: MeshSettings): Service {
  const spec = svc.spec ?? {};
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const isExternalName = spec.type === 'ExternalName';
  const isHeadless = spec.clusterIP === 'None';
  let resolution: Resolution = 'ClientSideLB';
  if (isExternalName) resolution = 'DNSLB';
  else if (isHeadless) resolution = 'Passthrough';
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  const annotation = svc.metadata.annotations?.[EXPORT_TO_ANNOTATION];
  const exportTo = parseExportTo(annotation ? annotation.split(',').map((s) => s.trim()).filter(Boolean) : undefined, namespace, mesh.defaultServiceExportTo);
  return {
    hostname: kubeServiceHostname(name, namespace, mesh.clusterDomain),
    namespace,
    name,
    registry: 'Kubernetes',
    addresses: ips.filter((ip) => ip !== 'None' && ip !== ''),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: kubePortProtocol(p) })),
    resolution,
    meshExternal: isExternalName,
    exportTo,
    labels: svc.metadata.labels ?? {},
    ...(isExternalName && spec.externalName ? { externalName: spec.externalName } : {}),
    creationTimeMs: Date.parse(String(svc.metadata.creationTimestamp ?? '')) || 0,
  };
}
