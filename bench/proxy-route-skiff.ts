/**
 * The full Skiff router path for bench/proxy-http1.ts, in its own process:
 * a listener with Istio's HCM (fault, cors, router filters; x-request-id,
 * server_name), an RDS route table with a virtual host and a route, an EDS
 * cluster with round robin, circuit breakers and stats — the same
 * ListenerManager and ClusterManager `skiff proxy` runs, fed one xDS
 * snapshot built from wire resources (no control plane process to measure).
 * Usage: proxy-route-skiff.ts <upstream-port>; prints its port; runs until SIGTERM.
 */
import { TypeUrl } from '@skiff/api';
import { decodeAny, encodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { systemClock, systemRandom } from '@skiff/common';
import { createHttpFilterRegistry, perFilterConfigParser } from '@skiff/proxy/filters/http/index.ts';
import { ListenerManager } from '@skiff/proxy/listener/index.ts';
import { parseRouteConfiguration } from '@skiff/proxy/http/route-table/index.ts';
import { StatsRegistry } from '@skiff/proxy/stats/index.ts';
import { ClusterManager } from '@skiff/proxy/upstream/cluster-manager.ts';
import { uuid4 } from '@skiff/proxy/proxy-server.ts';
import { parseCluster, parseClusterLoadAssignment, parseListener } from '@skiff/proxy/xds-client/index.ts';
import type { ResourceEntry, XdsSnapshot } from '@skiff/proxy/xds-client/types.ts';

const upstreamPort = Number(process.argv[2]);
const ADS = { ads: {}, resource_api_version: 'V3' };
const CLUSTER = 'outbound|80||upstream.default.svc.cluster.local';
const wire = (type: string, m: WireMessage) => decodeAny(encodeAny(type, m));
function must<T>(r: { ok: true; value: T } | { ok: false; errors: readonly string[] }): T {
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}
const entry = <C>(name: string, config: C): ResourceEntry<C> => ({ name, config, wire: {}, version: '1', lastUpdatedMs: 0 });

const filters = createHttpFilterRegistry();
const stats = new StatsRegistry();
const clusters = new ClusterManager({ clock: systemClock, random: systemRandom, stats });
const listeners = new ListenerManager({ clock: systemClock, random: systemRandom, stats, clusters, httpFilters: filters, requestId: () => uuid4(systemRandom) });

const listener = must(parseListener(wire(TypeUrl.Listener, {
  name: '127.0.0.1_0',
  address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
  filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: {
    '@type': TypeUrl.HttpConnectionManager, stat_prefix: 'outbound_0.0.0.0_80', server_name: 'istio-envoy', generate_request_id: { value: true },
    rds: { route_config_name: '80', config_source: ADS },
    http_filters: [
      { name: 'envoy.filters.http.fault', typed_config: { '@type': TypeUrl.HttpFault } },
      { name: 'envoy.filters.http.cors', typed_config: { '@type': TypeUrl.Cors } },
      { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } },
    ],
  } }] }],
})));
const route = must(parseRouteConfiguration(wire(TypeUrl.RouteConfiguration, {
  name: '80',
  virtual_hosts: [{ name: 'upstream.default.svc.cluster.local:80', domains: ['*'], routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster: CLUSTER, timeout: { seconds: '0' }, retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: { value: 2 } } } }] }],
}), { parsePerFilterConfig: perFilterConfigParser(filters) }));
const cluster = must(parseCluster(wire(TypeUrl.Cluster, { name: CLUSTER, type: 'EDS', connect_timeout: { seconds: '10' }, eds_cluster_config: { eds_config: ADS, service_name: CLUSTER } })));
const endpoints = must(parseClusterLoadAssignment(wire(TypeUrl.ClusterLoadAssignment, {
  cluster_name: CLUSTER, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: upstreamPort } } } }] }],
})));
const snapshot: XdsSnapshot = {
  listeners: new Map([[listener.name, entry(listener.name, listener)]]),
  routes: new Map([['80', entry('80', route)]]),
  clusters: new Map([[CLUSTER, entry(CLUSTER, cluster)]]),
  endpoints: new Map([[CLUSTER, entry(CLUSTER, endpoints)]]),
  warmingListeners: new Map(), warmingClusters: new Map(), initialized: true,
};
clusters.onSnapshot(snapshot);
listeners.onSnapshot(snapshot);
await listeners.settled();
process.stdout.write(`${listeners.address(listener.name)!.port}\n`);
process.once('SIGTERM', () => {
  void listeners.close().then(() => {
    clusters.close();
    process.exit(0);
  });
});
