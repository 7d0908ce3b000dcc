/**
 * What the mesh itself provides when only files are analyzed, like istioctl's
 * AddDefaultResources: the istio-system namespace, istiod, and the ingress and
 * egress gateways that `skiff up` (and Istio's demo profile) run, with Istio's
 * labels. Without them every Gateway selecting `istio: ingressgateway` would
 * be reported as selecting nothing.
 */
import type { ServiceRecord } from './service-registry.ts';
import type { Workload } from './workloads.ts';
import { serviceFqdn } from './hosts.ts';

export const ISTIO_SYSTEM = 'istio-system';

function gateway(name: string, istioLabel: string): Workload {
  return {
    namespace: ISTIO_SYSTEM,
    name,
    labels: { app: name, istio: istioLabel },
    annotations: {},
    containers: [{ name: 'istio-proxy' }],
    hostNetwork: false,
  };
}

export const MESH_WORKLOADS: readonly Workload[] = [
  { namespace: ISTIO_SYSTEM, name: 'istiod', labels: { app: 'istiod', istio: 'pilot' }, annotations: {}, containers: [{ name: 'discovery' }], hostNetwork: false },
  gateway('istio-ingressgateway', 'ingressgateway'),
  gateway('istio-egressgateway', 'egressgateway'),
];

export const MESH_SERVICES: readonly ServiceRecord[] = [
  {
    hosts: [serviceFqdn(ISTIO_SYSTEM, 'istiod')], namespace: ISTIO_SYSTEM,
    ports: [{ number: 15010, name: 'grpc-xds' }, { number: 15012, name: 'https-dns' }, { number: 443, name: 'https-webhook' }, { number: 15014, name: 'http-monitoring' }],
  },
  {
    hosts: [serviceFqdn(ISTIO_SYSTEM, 'istio-ingressgateway')], namespace: ISTIO_SYSTEM,
    ports: [{ number: 15021, name: 'status-port' }, { number: 80, name: 'http2' }, { number: 443, name: 'https' }],
  },
  {
    hosts: [serviceFqdn(ISTIO_SYSTEM, 'istio-egressgateway')], namespace: ISTIO_SYSTEM,
    ports: [{ number: 80, name: 'http2' }, { number: 443, name: 'https' }],
  },
];

/** Namespaces that exist without being in the input. */
export const MESH_NAMESPACES: readonly string[] = [ISTIO_SYSTEM];
