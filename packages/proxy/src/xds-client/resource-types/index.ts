/**
 * The xDS resource types the proxy subscribes to, in the one visible list,
 * keyed by type URL, in the order Envoy requests them: CDS, EDS, LDS, RDS, then SDS.
 */
import { TypeUrl } from '@skiff/api';
import { clusterResourceType } from './cluster.ts';
import { endpointResourceType } from './endpoint.ts';
import { listenerResourceType } from './listener.ts';
import type { ResourceType } from './resource-type.ts';
import { routeResourceType } from './route.ts';
import { secretResourceType } from './secret.ts';

export const RESOURCE_TYPES = [clusterResourceType, endpointResourceType, listenerResourceType, routeResourceType, secretResourceType] as const;

export type ClientTypeUrl = (typeof RESOURCE_TYPES)[number]['typeUrl'];

export const CLIENT_TYPE_URLS: readonly ClientTypeUrl[] = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Secret];

export function resourceTypeOf(typeUrl: string): ResourceType<unknown> | undefined {
  return RESOURCE_TYPES.find((t) => t.typeUrl === typeUrl) as ResourceType<unknown> | undefined;
}

export { clusterResourceType, endpointResourceType, listenerResourceType, routeResourceType, secretResourceType };
export { parseSecret } from './secret.ts';
export { parseCluster } from './cluster.ts';
export { parseClusterLoadAssignment } from './endpoint.ts';
export { parseListener } from './listener.ts';
export type { ResourceType, ResourceFailure } from './resource-type.ts';
