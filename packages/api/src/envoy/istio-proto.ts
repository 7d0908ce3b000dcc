/**
 * The typed_config messages of Istio's own proxy extensions (istio/proxy,
 * not in the Envoy API protos), for the resource codec's protobufjs root:
 * `stats.PluginConfig` (the istio.stats filter: standard metrics) and
 * `io.istio.http.peer_metadata.Config` (the istio.metadata_exchange HTTP
 * filter: how peers' workload metadata is discovered and propagated).
 * Field numbers follow istio/proxy's config.proto files.
 */
import type protobuf from 'protobufjs';

export const ISTIO_PROTO: protobuf.INamespace = {
  nested: {
    stats: {
      nested: {
        MetricType: { values: { COUNTER: 0, GAUGE: 1, HISTOGRAM: 2 } },
        Reporter: { values: { UNSPECIFIED: 0, SERVER_GATEWAY: 1 } },
        MetricDefinition: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 }, type: { type: 'MetricType', id: 3 } } },
        MetricConfig: {
          fields: {
            dimensions: { keyType: 'string', type: 'string', id: 1 } as protobuf.IMapField,
            name: { type: 'string', id: 2 },
            tags_to_remove: { rule: 'repeated', type: 'string', id: 3 },
            match: { type: 'string', id: 4 },
            drop: { type: 'bool', id: 5 },
          },
        },
        PluginConfig: {
          fields: {
            disable_host_header_fallback: { type: 'bool', id: 6 },
            tcp_reporting_duration: { type: 'google.protobuf.Duration', id: 7 },
            metrics: { rule: 'repeated', type: 'MetricConfig', id: 8 },
            definitions: { rule: 'repeated', type: 'MetricDefinition', id: 9 },
            reporter: { type: 'Reporter', id: 10 },
            rotation_interval: { type: 'google.protobuf.Duration', id: 11 },
            graceful_deletion_interval: { type: 'google.protobuf.Duration', id: 12 },
          },
        },
      },
    },
    io: {
      nested: {
        istio: {
          nested: {
            http: {
              nested: {
                peer_metadata: {
                  nested: {
                    Config: {
                      fields: {
                        upstream_discovery: { rule: 'repeated', type: 'DiscoveryMethod', id: 1 },
                        downstream_discovery: { rule: 'repeated', type: 'DiscoveryMethod', id: 2 },
                        upstream_propagation: { rule: 'repeated', type: 'PropagationMethod', id: 3 },
                        downstream_propagation: { rule: 'repeated', type: 'PropagationMethod', id: 4 },
                        shared_with_upstream: { type: 'bool', id: 5 },
                        additional_labels: { rule: 'repeated', type: 'string', id: 6 },
                      },
                      nested: {
                        Baggage: { fields: {} },
                        WorkloadDiscovery: { fields: {} },
                        IstioHeaders: { fields: {} },
                        DiscoveryMethod: {
                          oneofs: { method_specifier: { oneof: ['baggage', 'workload_discovery', 'istio_headers'] } },
                          fields: { baggage: { type: 'Baggage', id: 1 }, workload_discovery: { type: 'WorkloadDiscovery', id: 2 }, istio_headers: { type: 'IstioHeaders', id: 3 } },
                        },
                        PropagationMethod: {
                          oneofs: { method_specifier: { oneof: ['baggage', 'istio_headers'] } },
                          fields: { baggage: { type: 'Baggage', id: 1 }, istio_headers: { type: 'IstioHeaders', id: 2 } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
