/** discovery.k8s.io/v1 EndpointSlice: the ready and serving addresses behind a Service. */
import { array, bool, enumOf, int32, map, message, string } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import type { ResourceObject } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { ObjectReference, Protocol, topLevelEnvelope } from './meta.ts';

const D = 'io.k8s.api.discovery.v1';

export const AddressType = enumOf(`${D}.AddressType`, ['IPv4', 'IPv6', 'FQDN']);
export type AddressType = Infer<typeof AddressType>;

export const EndpointConditions = message(`${D}.EndpointConditions`, { ready: bool(), serving: bool(), terminating: bool() });

export const Endpoint = message(`${D}.Endpoint`, {
  addresses: array(string()),
  conditions: EndpointConditions,
  hostname: string(),
  targetRef: ObjectReference,
  deprecatedTopology: map(string()),
  nodeName: string(),
  zone: string(),
  hints: message(`${D}.EndpointHints`, {
    forZones: array(message(`${D}.ForZone`, { name: string() })),
    forNodes: array(message(`${D}.ForNode`, { name: string() })),
  }),
});
export type Endpoint = Infer<typeof Endpoint>;

export const EndpointPort = message(`${D}.EndpointPort`, { name: string(), protocol: Protocol, port: int32(), appProtocol: string() });
export type EndpointPort = Infer<typeof EndpointPort>;

/** The fields beside metadata (an EndpointSlice has no `spec`). */
export const EndpointSliceSpec = message(`${D}.EndpointSlice`, {
  addressType: AddressType,
  endpoints: array(Endpoint),
  ports: array(EndpointPort),
});
export type EndpointSliceSpec = Infer<typeof EndpointSliceSpec>;
export type EndpointSlice = ResourceObject & EndpointSliceSpec;

export const EndpointSliceKind: KindDefinition = {
  group: 'discovery.k8s.io',
  kind: 'EndpointSlice',
  versions: ['v1'],
  plural: 'endpointslices',
  namespaced: true,
  schema: topLevelEnvelope(`${D}.EndpointSlice`, EndpointSliceSpec.fields),
};
