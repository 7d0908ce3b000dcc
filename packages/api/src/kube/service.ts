/** core/v1 Service: a stable name and virtual IP in front of the pods its selector picks. */
import { array, bool, enumOf, int32, intOrString, map, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { Protocol } from './meta.ts';

const C = 'io.k8s.api.core.v1';

export const ServicePort = message(`${C}.ServicePort`, {
  name: string(),
  protocol: Protocol,
  /** e.g. `http`, `kubernetes.io/h2c`; Istio reads it for protocol selection. */
  appProtocol: string(),
  port: int32(),
  targetPort: intOrString(),
  nodePort: int32(),
});
export type ServicePort = Infer<typeof ServicePort>;

export const ServiceType = enumOf(`${C}.ServiceType`, ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
const TrafficPolicy = (name: string) => enumOf(name, ['Cluster', 'Local']);

export const ServiceSpec = message(`${C}.ServiceSpec`, {
  ports: array(ServicePort),
  selector: map(string()),
  clusterIP: string(),
  clusterIPs: array(string()),
  type: ServiceType,
  externalIPs: array(string()),
  sessionAffinity: enumOf(`${C}.ServiceAffinity`, ['ClientIP', 'None']),
  loadBalancerIP: string(),
  loadBalancerSourceRanges: array(string()),
  externalName: string(),
  externalTrafficPolicy: TrafficPolicy(`${C}.ServiceExternalTrafficPolicy`),
  healthCheckNodePort: int32(),
  publishNotReadyAddresses: bool(),
  sessionAffinityConfig: message(`${C}.SessionAffinityConfig`, {
    clientIP: message(`${C}.ClientIPConfig`, { timeoutSeconds: int32() }),
  }),
  ipFamilies: array(enumOf(`${C}.IPFamily`, ['IPv4', 'IPv6'])),
  ipFamilyPolicy: enumOf(`${C}.IPFamilyPolicy`, ['SingleStack', 'PreferDualStack', 'RequireDualStack']),
  allocateLoadBalancerNodePorts: bool(),
  loadBalancerClass: string(),
  internalTrafficPolicy: TrafficPolicy(`${C}.ServiceInternalTrafficPolicy`),
  trafficDistribution: string(),
}, { deprecated: { loadBalancerIP: 'deprecated in Kubernetes 1.24; use the load balancer implementation\'s annotation' } });
export type ServiceSpec = Infer<typeof ServiceSpec>;
export type Service = SpecResource<ServiceSpec>;

export const ServiceKind: KindDefinition = {
  group: '',
  kind: 'Service',
  versions: ['v1'],
  plural: 'services',
  shortNames: ['svc'],
  namespaced: true,
  schema: specEnvelope(`${C}.Service`, ServiceSpec),
};
