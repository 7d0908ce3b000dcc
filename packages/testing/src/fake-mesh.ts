/**
 * An xDS server with simple test generators standing in for translation: a
 * cluster (and its ClusterLoadAssignment) per entry of an in-memory map,
 * plus listeners and route configurations, each optionally visible to one
 * namespace only. Time is a FakeClock: `push()` advances it past the
 * debounce window, and the push happens synchronously inside that call.
 */
import { TypeUrl } from '@skiff/api';
import { FakeClock, seededRandom } from '@skiff/common';
import { GeneratorRegistry } from '@skiff/control-plane/xds/generator-registry.ts';
import { XdsServer } from '@skiff/control-plane/xds/xds-server.ts';
import type { XdsResource } from '@skiff/control-plane/xds/types.ts';
import type { Proxy } from '@skiff/control-plane/model/proxy.ts';
import { FakeAdsClient, type FakeAdsClientOptions } from './fake-ads-client.ts';

export interface FakeEntry {
  /** Only proxies in this namespace see it; everyone when unset. */
  readonly namespace?: string;
  /** Cluster connect timeout in seconds / endpoint port / listener port: the value tests change. */
  readonly value: number;
}

export interface FakeMeshState {
  readonly clusters: ReadonlyMap<string, FakeEntry>;
  readonly listeners: ReadonlyMap<string, FakeEntry>;
  readonly routes: ReadonlyMap<string, FakeEntry>;
}

function visible(proxy: Proxy, entry: FakeEntry): boolean {
  return entry.namespace === undefined || entry.namespace === proxy.namespace;
}

function each(map: ReadonlyMap<string, FakeEntry>, proxy: Proxy, build: (name: string, entry: FakeEntry) => XdsResource): XdsResource[] {
  return [...map].filter(([, e]) => visible(proxy, e)).map(([name, e]) => build(name, e));
}

export function fakeGenerators(): GeneratorRegistry<FakeMeshState> {
  return new GeneratorRegistry<FakeMeshState>([
    {
      typeUrl: TypeUrl.Cluster,
      generate: (proxy, push) => each(push.clusters, proxy, (name, e) => ({
        name,
        resource: { name, type: 'EDS', connect_timeout: { seconds: String(e.value) }, eds_cluster_config: { service_name: name, eds_config: { ads: {} } } },
      })),
    },
    {
      typeUrl: TypeUrl.ClusterLoadAssignment,
      generate: (proxy, push) => each(push.clusters, proxy, (name, e) => ({
        name,
        resource: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 8000 + e.value } } } }] }] },
      })),
    },
    {
      typeUrl: TypeUrl.Listener,
      generate: (proxy, push) => each(push.listeners, proxy, (name, e) => ({
        name,
        resource: { name, address: { socket_address: { address: '0.0.0.0', port_value: e.value } } },
      })),
    },
    {
      typeUrl: TypeUrl.RouteConfiguration,
      generate: (proxy, push) => each(push.routes, proxy, (name, e) => ({
        name,
        resource: { name, virtual_hosts: [{ name: `vh-${e.value}`, domains: ['*'] }] },
      })),
    },
  ]);
}

export class FakeMesh {
  readonly clock = new FakeClock(Date.UTC(2024, 0, 1));
  readonly clusters = new Map<string, FakeEntry>();
  readonly listeners = new Map<string, FakeEntry>();
  readonly routes = new Map<string, FakeEntry>();
  readonly server: XdsServer<FakeMeshState>;
  readonly #clients: FakeAdsClient[] = [];
  #address = '';

  constructor(initial: Partial<Record<'clusters' | 'listeners' | 'routes', Record<string, FakeEntry>>> = {}) {
    for (const [k, v] of Object.entries(initial.clusters ?? {})) this.clusters.set(k, v);
    for (const [k, v] of Object.entries(initial.listeners ?? {})) this.listeners.set(k, v);
    for (const [k, v] of Object.entries(initial.routes ?? {})) this.routes.set(k, v);
    this.server = new XdsServer<FakeMeshState>({
      clock: this.clock,
      random: seededRandom(7),
      generators: fakeGenerators(),
      initialPushContext: this.#snapshot(),
      createPushContext: () => this.#snapshot(),
    });
  }

  static async start(initial?: ConstructorParameters<typeof FakeMesh>[0]): Promise<FakeMesh> {
    const mesh = new FakeMesh(initial);
    const port = await mesh.server.listen('127.0.0.1:0');
    mesh.#address = `127.0.0.1:${port}`;
    return mesh;
  }

  get address(): string {
    return this.#address;
  }

  /** Tells the server something changed (it debounces). */
  changed(reason = 'test'): void {
    this.server.configUpdate(reason);
  }

  /** Advances the clock past the 100 ms quiet period; the debounced push runs inside this call. */
  push(): void {
    this.clock.advance(100);
  }

  client(options: Omit<FakeAdsClientOptions, 'address'> = {}): FakeAdsClient {
    const client = new FakeAdsClient({ address: this.#address, ...options });
    this.#clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    for (const c of this.#clients) c.close();
    await this.server.close();
  }

  #snapshot(): FakeMeshState {
    return { clusters: new Map(this.clusters), listeners: new Map(this.listeners), routes: new Map(this.routes) };
  }
}

export function sidecarId(pod: string, namespace = 'default', ip = '10.1.1.1'): string {
  return `sidecar~${ip}~${pod}.${namespace}~${namespace}.svc.cluster.local`;
}
