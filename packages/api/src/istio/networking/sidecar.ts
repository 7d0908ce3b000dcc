/**
 * networking.istio.io Sidecar (istio.networking.v1alpha3.Sidecar): narrows
 * what a workload's proxy accepts (ingress) and can reach (egress).
 */
import { array, enumOf, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { NetworkingWorkloadSelector } from './common.ts';
import { ServerTLSSettings } from './gateway.ts';
import { ConnectionPoolSettings } from './destination-rule.ts';
import { Destination } from './virtual-service.ts';

export const SidecarPort = message('istio.networking.v1alpha3.SidecarPort', {
  number: uint32(),
  protocol: string(),
  name: string(),
  targetPort: uint32(),
});
export type SidecarPort = Infer<typeof SidecarPort>;

export const CaptureMode = enumOf('istio.networking.v1alpha3.CaptureMode', ['DEFAULT', 'IPTABLES', 'NONE']);

export const IstioIngressListener = message('istio.networking.v1alpha3.IstioIngressListener', {
  port: SidecarPort,
  bind: string(),
  captureMode: CaptureMode,
  /** `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT` or `unix:///path`. */
  defaultEndpoint: string(),
  tls: ServerTLSSettings,
  connectionPool: ConnectionPoolSettings,
});
export type IstioIngressListener = Infer<typeof IstioIngressListener>;

export const IstioEgressListener = message('istio.networking.v1alpha3.IstioEgressListener', {
  port: SidecarPort,
  bind: string(),
  captureMode: CaptureMode,
  /** `namespace/dnsName` entries. */
  hosts: array(string()),
});
export type IstioEgressListener = Infer<typeof IstioEgressListener>;

export const OutboundTrafficPolicy = message('istio.networking.v1alpha3.OutboundTrafficPolicy', {
  mode: enumOf('istio.networking.v1alpha3.OutboundTrafficPolicy.Mode', ['REGISTRY_ONLY', 'ALLOW_ANY']),
  egressProxy: Destination,
});
export type OutboundTrafficPolicy = Infer<typeof OutboundTrafficPolicy>;

export const SidecarSpec = message('istio.networking.v1alpha3.Sidecar', {
  workloadSelector: NetworkingWorkloadSelector,
  ingress: array(IstioIngressListener),
  egress: array(IstioEgressListener),
  inboundConnectionPool: ConnectionPoolSettings,
  outboundTrafficPolicy: OutboundTrafficPolicy,
});
export type SidecarSpec = Infer<typeof SidecarSpec>;
export type Sidecar = SpecResource<SidecarSpec>;

export const SidecarKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'Sidecar',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'sidecars',
  namespaced: true,
  schema: specEnvelope('networking.istio.io.Sidecar', SidecarSpec),
};
