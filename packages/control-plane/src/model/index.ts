/** The control plane's model: the immutable PushContext and the views it gives translation. */
export { PushContext, type PushContextOptions, type ProxyView } from './push-context.ts';
export { type ConfigSnapshot, configSnapshot, loadConfigSnapshot, PUSH_CONTEXT_KINDS } from './config-snapshot.ts';
export type { SidecarScope, EgressListenerScope, EgressHost } from './sidecar-scope.ts';
export type { MergedDestinationRule } from './destination-rule-index.ts';
export type { VirtualServiceEntry } from './virtual-service-index.ts';
export type { GatewayEntry } from './gateway-index.ts';
export { MESH_GATEWAY, resolveGatewayName } from './gateway-name.ts';
export { portLevelTrafficPolicy, subsetTrafficPolicy } from './traffic-policy.ts';
