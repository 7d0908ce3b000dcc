/**
 * networking.istio.io EnvoyFilter (istio.networking.v1alpha3.EnvoyFilter):
 * patches applied to the generated Envoy configuration. Patch values are
 * google.protobuf.Struct and are only checked as JSON objects here.
 */
import { array, enumOf, int32, map, message, string, struct, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { NetworkingWorkloadSelector } from './common.ts';

export const ApplyTo = enumOf('istio.networking.v1alpha3.EnvoyFilter.ApplyTo', [
  'INVALID', 'LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'ROUTE_CONFIGURATION',
  'VIRTUAL_HOST', 'HTTP_ROUTE', 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER',
]);
export type ApplyTo = Infer<typeof ApplyTo>;

export const PatchContext = enumOf('istio.networking.v1alpha3.EnvoyFilter.PatchContext',
  ['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', 'WAYPOINT']);

export const PatchOperation = enumOf('istio.networking.v1alpha3.EnvoyFilter.Patch.Operation',
  ['INVALID', 'MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE']);
export type PatchOperation = Infer<typeof PatchOperation>;

export const FilterClass = enumOf('istio.networking.v1alpha3.EnvoyFilter.Patch.FilterClass',
  ['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS']);

export const ProxyMatch = message('istio.networking.v1alpha3.EnvoyFilter.ProxyMatch', {
  /** A regular expression (RE2) matched against the proxy's version. */
  proxyVersion: string(),
  metadata: map(string()),
});

export const ClusterMatch = message('istio.networking.v1alpha3.EnvoyFilter.ClusterMatch', {
  portNumber: uint32(),
  service: string(),
  subset: string(),
  name: string(),
});

export const RouteMatch = message('istio.networking.v1alpha3.EnvoyFilter.RouteConfigurationMatch.RouteMatch', {
  name: string(),
  action: enumOf('istio.networking.v1alpha3.EnvoyFilter.RouteConfigurationMatch.RouteMatch.Action',
    ['ANY', 'ROUTE', 'REDIRECT', 'DIRECT_RESPONSE']),
});

export const VirtualHostMatch = message('istio.networking.v1alpha3.EnvoyFilter.RouteConfigurationMatch.VirtualHostMatch', {
  name: string(),
  domainName: string(),
  route: RouteMatch,
});

export const RouteConfigurationMatch = message('istio.networking.v1alpha3.EnvoyFilter.RouteConfigurationMatch', {
  portNumber: uint32(),
  portName: string(),
  gateway: string(),
  vhost: VirtualHostMatch,
  name: string(),
});

export const SubFilterMatch = message('istio.networking.v1alpha3.EnvoyFilter.ListenerMatch.SubFilterMatch', {
  name: string(),
});

export const FilterMatch = message('istio.networking.v1alpha3.EnvoyFilter.ListenerMatch.FilterMatch', {
  name: string(),
  subFilter: SubFilterMatch,
});

export const FilterChainMatch = message('istio.networking.v1alpha3.EnvoyFilter.ListenerMatch.FilterChainMatch', {
  name: string(),
  sni: string(),
  transportProtocol: string(),
  applicationProtocols: string(),
  filter: FilterMatch,
  destinationPort: uint32(),
});

export const ListenerMatch = message('istio.networking.v1alpha3.EnvoyFilter.ListenerMatch', {
  portNumber: uint32(),
  portName: string(),
  filterChain: FilterChainMatch,
  listenerFilter: string(),
  name: string(),
}, { deprecated: { portName: 'portName is ignored; match on portNumber' } });

/** Match for context WAYPOINT (ambient waypoint proxies). */
export const WaypointMatch = message('istio.networking.v1alpha3.EnvoyFilter.WaypointMatch', {
  filter: message('istio.networking.v1alpha3.EnvoyFilter.WaypointMatch.FilterMatch', {
    name: string(),
    subFilter: message('istio.networking.v1alpha3.EnvoyFilter.WaypointMatch.FilterMatch.SubFilterMatch', { name: string() }),
  }),
  route: message('istio.networking.v1alpha3.EnvoyFilter.WaypointMatch.RouteMatch', { name: string() }),
  portNumber: uint32(),
});

export const EnvoyConfigObjectMatch = message('istio.networking.v1alpha3.EnvoyFilter.EnvoyConfigObjectMatch', {
  context: PatchContext,
  proxy: ProxyMatch,
  listener: ListenerMatch,
  routeConfiguration: RouteConfigurationMatch,
  cluster: ClusterMatch,
  waypoint: WaypointMatch,
}, { oneofs: [['listener', 'routeConfiguration', 'cluster', 'waypoint']] });
export type EnvoyConfigObjectMatch = Infer<typeof EnvoyConfigObjectMatch>;

export const Patch = message('istio.networking.v1alpha3.EnvoyFilter.Patch', {
  operation: PatchOperation,
  /** The Envoy configuration fragment, as JSON/YAML (google.protobuf.Struct). */
  value: struct(),
  filterClass: FilterClass,
});
export type Patch = Infer<typeof Patch>;

export const EnvoyConfigObjectPatch = message('istio.networking.v1alpha3.EnvoyFilter.EnvoyConfigObjectPatch', {
  applyTo: ApplyTo,
  match: EnvoyConfigObjectMatch,
  patch: Patch,
});
export type EnvoyConfigObjectPatch = Infer<typeof EnvoyConfigObjectPatch>;

export const EnvoyFilterTargetReference = message('istio.type.v1beta1.PolicyTargetReference', {
  group: string(),
  kind: string(),
  name: string(),
  namespace: string(),
});

export const EnvoyFilterSpec = message('istio.networking.v1alpha3.EnvoyFilter', {
  workloadSelector: NetworkingWorkloadSelector,
  targetRefs: array(EnvoyFilterTargetReference),
  configPatches: array(EnvoyConfigObjectPatch),
  priority: int32(),
});
export type EnvoyFilterSpec = Infer<typeof EnvoyFilterSpec>;
export type EnvoyFilter = SpecResource<EnvoyFilterSpec>;

export const EnvoyFilterKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'EnvoyFilter',
  versions: ['v1alpha3'],
  plural: 'envoyfilters',
  namespaced: true,
  schema: specEnvelope('networking.istio.io.EnvoyFilter', EnvoyFilterSpec),
};
