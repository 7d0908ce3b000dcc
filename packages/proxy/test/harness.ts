/** Shared by the proxy integration tests: echo upstreams on 127.0.0.1 port 0, xDS resources as Istio shapes them, a proxy on a fake control plane. */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { FakeClock, seededRandom, type Clock } from '@skiff/common';
import { FakeControlPlane } from '@skiff/testing';
import { buildBootstrap } from '../src/bootstrap/index.ts';
import { ProxyServer } from '../src/proxy-server.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

export interface Echo {
  readonly name: string;
  readonly port: number;
  readonly host: string;
  /** Requests seen, in order. */
  readonly seen: { path: string; headers: http.IncomingHttpHeaders }[];
  /** Statuses to answer with next (then 200). */
  statuses: number[];
  /** Paths starting with /hold are answered only when released. */
  release(): void;
  readonly held: number;
  stop(): Promise<void>;
}

export async function echo(name: string, host = '127.0.0.1'): Promise<Echo> {
  const seen: Echo['seen'] = [];
  const held: http.ServerResponse[] = [];
  const state = { statuses: [] as number[] };
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    const answer = () => {
      const status = state.statuses.shift() ?? 200;
      const body = JSON.stringify({ upstream: name, path: req.url, host: req.headers.host });
      res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': name });
      res.end(body);
    };
    if (req.url?.startsWith('/hold')) {
      held.push(res);
      (res as unknown as { answer: () => void }).answer = answer;
    } else req.on('end', answer);
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    name,
    host,
    port: (server.address() as AddressInfo).port,
    seen,
    get statuses() { return state.statuses; },
    set statuses(v) { state.statuses = v; },
    release() {
      for (const r of held.splice(0)) (r as unknown as { answer: () => void }).answer();
    },
    get held() { return held.length; },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export function edsCluster(name: string, extra: Record<string, unknown> = {}): WireMessage {
  return { name, type: 'EDS', connect_timeout: { seconds: '1' }, eds_cluster_config: { eds_config: ADS, service_name: name }, ...extra };
}

export function assignment(name: string, upstreams: readonly { host: string; port: number }[]): WireMessage {
  return { cluster_name: name, endpoints: [{ lb_endpoints: upstreams.map((u) => ({ endpoint: { address: { socket_address: { address: u.host, port_value: u.port } } }, health_status: 'HEALTHY' })) }] };
}

export function listener(name: string, routeName: string, opts: { statPrefix?: string; filters?: WireMessage[] } = {}): WireMessage {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TypeUrl.HttpConnectionManager,
          stat_prefix: opts.statPrefix ?? 'outbound_0.0.0.0_80',
          server_name: 'istio-envoy',
          rds: { route_config_name: routeName, config_source: ADS },
          http_filters: opts.filters ?? [
            { name: 'envoy.filters.http.fault', typed_config: { '@type': TypeUrl.HttpFault } },
            { name: 'envoy.filters.http.cors', typed_config: { '@type': TypeUrl.Cors } },
            { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } },
          ],
        },
      }],
    }],
  };
}

export interface Harness {
  readonly plane: FakeControlPlane;
  readonly proxy: ProxyServer;
  readonly clock: FakeClock;
  port(listenerName: string): number;
  /** Sets resources and waits until the proxy ACKed them and its listeners are bound. */
  push(resources: { clusters?: WireMessage[]; endpoints?: WireMessage[]; listeners?: WireMessage[]; routes?: WireMessage[] }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(seed = 7): Promise<Harness> {
  const plane = await FakeControlPlane.start();
  const bootstrap = buildBootstrap({ proxyType: 'sidecar', ip: '127.0.0.1', podName: 'productpage-1', namespace: 'default', xdsAddress: plane.address });
  if (!bootstrap.ok) throw new Error(bootstrap.errors.join());
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const proxy = new ProxyServer({ bootstrap: bootstrap.value, clock: clock as Clock, random: seededRandom(seed), admin: false });
  await proxy.start();
  return {
    plane,
    proxy,
    clock,
    port(name) {
      const a = proxy.listeners.address(name);
      if (!a) throw new Error(`listener ${name} is not bound`);
      return a.port;
    },
    async push(r) {
      const acks: [string, string][] = [];
      if (r.clusters) acks.push([TypeUrl.Cluster, plane.setResources(TypeUrl.Cluster, r.clusters)]);
      if (r.endpoints) acks.push([TypeUrl.ClusterLoadAssignment, plane.setResources(TypeUrl.ClusterLoadAssignment, r.endpoints)]);
      if (r.listeners) acks.push([TypeUrl.Listener, plane.setResources(TypeUrl.Listener, r.listeners)]);
      if (r.routes) acks.push([TypeUrl.RouteConfiguration, plane.setResources(TypeUrl.RouteConfiguration, r.routes)]);
      for (const [type, version] of acks) await plane.waitForAck(type, version);
      await until(() => proxy.xds.snapshot().initialized && proxy.xds.snapshot().warmingListeners.size === 0, 'the snapshot to settle');
      await proxy.listeners.settled();
    },
    async close() {
      await proxy.close();
      await plane.stop();
    },
  };
}

/** Polls a condition that depends on socket I/O (bounded real time). */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host: 'reviews', ...headers }, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Moves the fake clock forward in small steps until `p` settles: timers (back-off, timeouts, delays) fire as real I/O lets them be armed. */
export async function drive<T>(clock: FakeClock, p: Promise<T>, stepMs = 50, maxSteps = 2000): Promise<T> {
  let settled = false;
  const watched = p.finally(() => { settled = true; });
  for (let i = 0; i < maxSteps && !settled; i++) {
    await new Promise((r) => setTimeout(r, 2));
    if (!settled) clock.advance(stepMs);
  }
  return watched;
}
