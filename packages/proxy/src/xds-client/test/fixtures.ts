/** Wire resources for the xDS client tests, shaped as Istio emits them (proto field names, nested Anys in JSON form). */
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom } from '@skiff/common';
import { buildBootstrap } from '../../bootstrap/index.ts';
import { StatsRegistry } from '../../stats/index.ts';
import { XdsClient, type XdsClientOptions } from '../xds-client.ts';
import type { XdsSnapshot } from '../types.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

export function edsCluster(name: string, serviceName = name): WireMessage {
  return { name, type: 'EDS', connect_timeout: { seconds: '10' }, lb_policy: 'ROUND_ROBIN', eds_cluster_config: { service_name: serviceName, eds_config: ADS } };
}

export function staticCluster(name: string, ip: string, port: number): WireMessage {
  return {
    name, type: 'STATIC', connect_timeout: { seconds: '1' },
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: port } } } }] }] },
  };
}

export function loadAssignment(name: string, hosts: readonly [string, number, string?][]): WireMessage {
  return {
    cluster_name: name,
    endpoints: [{
      locality: { region: 'us-east', zone: 'us-east-1a' },
      lb_endpoints: hosts.map(([ip, port, health]) => ({ endpoint: { address: { socket_address: { address: ip, port_value: port } } }, health_status: health ?? 'HEALTHY', load_balancing_weight: { value: 1 } })),
    }],
  };
}

export function httpListener(name: string, port: number, routeName: string): WireMessage {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    traffic_direction: 'OUTBOUND',
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TypeUrl.HttpConnectionManager,
          stat_prefix: `outbound_0.0.0.0_${port}`,
          rds: { route_config_name: routeName, config_source: ADS },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
        },
      }],
    }],
  };
}

export function routeConfiguration(name: string, cluster: string): WireMessage {
  return {
    name,
    virtual_hosts: [{ name: `${cluster}:80`, domains: ['*'], routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster } }] }],
  };
}

export interface TestClient {
  readonly client: XdsClient;
  readonly clock: FakeClock;
  readonly stats: StatsRegistry;
  readonly log: string[];
}

export function startClient(address: string, overrides: Partial<XdsClientOptions> & { protocol?: 'sotw' | 'delta' } = {}): TestClient {
  const bootstrap = buildBootstrap({
    proxyType: 'sidecar', ip: '10.1.0.9', podName: 'productpage-abc', namespace: 'default', labels: { app: 'productpage' },
    xdsAddress: address, adsProtocol: overrides.protocol ?? 'sotw',
  });
  if (!bootstrap.ok) throw new Error(bootstrap.errors.join('\n'));
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const stats = new StatsRegistry();
  const log: string[] = [];
  const client = new XdsClient({ bootstrap: bootstrap.value, clock, random: seededRandom(7), stats, log: (l) => log.push(l), ...overrides });
  client.start();
  return { client, clock, stats, log };
}

/** Resolves with the first snapshot (current or next) that satisfies `condition`; real-time timeout, since the transport is real. */
export function snapshotWhere(client: XdsClient, condition: (s: XdsSnapshot) => boolean, what: string, timeoutMs = 5000): Promise<XdsSnapshot> {
  return new Promise((resolve, reject) => {
    if (condition(client.snapshot())) return resolve(client.snapshot());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for a snapshot with ${what}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe((s) => {
      if (!condition(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    });
  });
}

/** Polls a condition that depends on network I/O (no fake clock can drive grpc-js's sockets). */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
