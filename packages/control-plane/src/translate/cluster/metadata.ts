/**
 * The `istio` filter metadata Istio attaches to clusters (used by telemetry
 * and shown by `proxy-config cluster -o json`): the services behind the
 * cluster, the original port, the subset, whether the service is external,
 * and the DestinationRule the settings came from.
 */
import { jsonToStruct, type JsonValue } from '@skiff/api/envoy/struct.ts';
import type { Service } from '../../registry/types.ts';
import type { ClusterWire } from './wire.ts';

export interface ClusterMetadataInput {
  readonly services: readonly Service[];
  readonly port?: number;
  readonly subset?: string;
  /** `namespace/name` of the DestinationRule in effect. */
  readonly destinationRule?: string;
}

export function applyIstioMetadata(cluster: ClusterWire, input: ClusterMetadataInput): void {
  const istio: Record<string, JsonValue> = {
    services: input.services.map((s) => ({ host: s.hostname, name: s.name, namespace: s.namespace })),
  };
  if (input.port !== undefined) istio.default_original_port = input.port;
  if (input.subset) istio.subset = input.subset;
  if (input.services.some((s) => s.meshExternal)) istio.external = true;
  if (input.destinationRule) {
    const [ns, name] = input.destinationRule.split('/');
    istio.config = `/apis/networking.istio.io/v1/namespaces/${ns}/destination-rule/${name}`;
  }
  cluster.metadata = { filter_metadata: { istio: jsonToStruct(istio) } };
}
