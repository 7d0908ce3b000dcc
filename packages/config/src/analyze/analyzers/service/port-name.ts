/**
 * IST0118 (Istio's service.PortNameAnalyzer): a Service port's protocol must
 * be declared, by `appProtocol` or a `<protocol>[-<suffix>]` name, or Istio
 * falls back to protocol sniffing. UDP ports and Kubernetes' well-known TCP
 * ports are exempt; so are the mesh's own services in istio-system.
 */
import { kube } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { ISTIO_SYSTEM } from '../../mesh-defaults.ts';
import { PortNameIsNotUnderNamingConvention } from '../../messages.gen.ts';

/** Istio's protocol.Parse names (case-insensitive). */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** Ports Istio treats as TCP without a name (ssh, smtp, dns, mysql, mongo). */
const WELL_KNOWN_PORTS = new Set([22, 25, 53, 3306, 27017]);

/** Istio's kube.ConvertProtocol reduced to "is the protocol known?". */
export function hasDeclaredProtocol(port: kube.ServicePort): boolean {
  if (port.protocol === 'UDP') return true;
  const name = (port.appProtocol ?? port.name ?? '').toLowerCase();
  if (port.appProtocol?.startsWith('kubernetes.io/')) return true;
  if (name.startsWith('grpc-web')) return true;
  const prefix = name.split('-')[0];
  return PROTOCOLS.has(prefix) || WELL_KNOWN_PORTS.has(port.port ?? 0);
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  inputs: [kube.ServiceKind],
  analyze(ctx) {
    for (const svc of ctx.list<kube.Service>(kube.ServiceKind)) {
      if (svc.namespace === ISTIO_SYSTEM) continue;
      const spec = svc.object.spec ?? {};
      if (spec.type === 'ExternalName') continue; // IST0150's business
      (spec.ports ?? []).forEach((port, i) => {
        if (hasDeclaredProtocol(port)) return;
        const targetPort = port.targetPort ?? port.port ?? 0;
        ctx.report(PortNameIsNotUnderNamingConvention, svc, ['spec', 'ports', i], port.name ?? '', port.port ?? 0, String(targetPort));
      });
    }
  },
};
