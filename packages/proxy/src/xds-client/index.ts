/** The proxy's ADS client: subscriptions, validation and NACK, warming, reconnects, and the config snapshot it publishes. */
export type * from './types.ts';
export { XdsClient, INITIAL_FETCH_TIMEOUT_MS, type XdsClientOptions, type XdsValidationHooks, type XdsClientState, type SnapshotListener } from './xds-client.ts';
export { ResourceCache, type FailedResource } from './resource-cache.ts';
export { Warmer } from './warmer.ts';
export { Backoff, ENVOY_XDS_BACKOFF, type BackoffOptions } from './backoff.ts';
export { desiredSubscriptions, type Subscription } from './watch-graph.ts';
export { RESOURCE_TYPES, CLIENT_TYPE_URLS, parseCluster, parseClusterLoadAssignment, parseListener, type ResourceType } from './resource-types/index.ts';
