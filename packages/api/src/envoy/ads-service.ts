/**
 * The AggregatedDiscoveryService definition, loaded with @grpc/proto-loader
 * from the Envoy protos. Only the discovery messages are decoded here;
 * resources stay packed as google.protobuf.Any, which resource-codec.ts
 * encodes and decodes. The returned object is what @grpc/grpc-js's
 * `server.addService` and `makeGenericClientConstructor` take.
 */
import { loadSync, type MethodDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { ADS_PROTO_FILE, PROTO_INCLUDE_DIRS } from './proto-paths.ts';
import { structToCamelCase } from './struct.ts';
import type { StructWire } from './discovery-types.ts';

export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

let cached: ServiceDefinition | undefined;

export function adsServiceDefinition(): ServiceDefinition {
  if (cached) return cached;
  const pkg = loadSync(ADS_PROTO_FILE, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: [...PROTO_INCLUDE_DIRS],
  });
  const loaded = pkg[ADS_SERVICE_NAME] as ServiceDefinition;
  cached = Object.fromEntries(Object.entries(loaded).map(([name, method]) => [name, withNodeMetadataSpelling(method)]));
  return cached;
}

/**
 * proto-loader's google.protobuf.Value is protobufjs's built-in one, whose
 * fields are camelCase (`stringValue`), while everything else here uses proto
 * names (`string_value`): a request's node metadata written the Skiff way
 * would be dropped silently on the wire. Converting it here, once, keeps
 * callers on one spelling; struct.ts reads either.
 */
function withNodeMetadataSpelling(method: MethodDefinition<object, object>): MethodDefinition<object, object> {
  const serialize = method.requestSerialize;
  return {
    ...method,
    requestSerialize: (request: object) => {
      const node = (request as { node?: { metadata?: StructWire | null } }).node;
      if (!node?.metadata) return serialize(request);
      return serialize({ ...request, node: { ...node, metadata: structToCamelCase(node.metadata) } });
    },
  };
}
