/**
 * The AggregatedDiscoveryService definition, loaded with @grpc/proto-loader
 * from the Envoy protos. Only the discovery messages are decoded here;
 * resources stay packed as google.protobuf.Any, which resource-codec.ts
 * encodes and decodes. The returned object is what @grpc/grpc-js's
 * `server.addService` and `makeGenericClientConstructor` take.
 */
import { loadSync, type ServiceDefinition } from '@grpc/proto-loader';
import { ADS_PROTO_FILE, PROTO_INCLUDE_DIRS } from './proto-paths.ts';

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
  cached = pkg[ADS_SERVICE_NAME] as ServiceDefinition;
  return cached;
}
