/**
 * Control-plane benchmark (numbers, not a test). For meshes of N services
 * (3 pods each, v1/v1/v2; a DestinationRule with two subsets and outlier
 * detection, and a 90/10 VirtualService bound to the mesh and an ingress
 * Gateway, per service; every proxy sees every service, Istio's default
 * Sidecar scope) it reports:
 *   - translation per sidecar and per gateway: CDS, EDS, LDS and RDS built
 *     for one proxy (cold: first proxy after a new PushContext; warm: the
 *     median of the next ones), then the same plus protobuf encoding, which
 *     is what the xDS server does per proxy on every push;
 *   - a full push to K connected simulated sidecars: a VirtualService weight
 *     change (every sidecar's RDS changes), from the debounced push until
 *     every proxy has ACKed it, and the server's synchronous part of it;
 *   - the time from that store write to each proxy's ACK, p50/p99 (it
 *     includes Istio's 100 ms debounce);
 *   - the process RSS with the control plane, its store and the K clients
 *     (RSS keeps the peak of the initial sync, client buffers included),
 *     and heap and buffers after a GC once
 *     every proxy has ACKed (what stays).
 *
 * The simulated proxies are a light ADS client defined here, not
 * FakeAdsClient: it reads each response's version, type and nonce and
 * skips its resources without materializing them (a real Envoy parses its
 * resources on its own cores, not the control plane's), ACKs at once, and
 * uses Envoy's default 256 MiB HTTP/2 windows; proxies share one HTTP/2
 * connection per 50 streams. Everything runs in one process, so the
 * clients' share of the wire (receiving and reassembling every response)
 * competes with the server for the same cores and shows in RSS.
 *
 * Translation results are cached per PushContext and shared by proxies with
 * equal keys (model/push-cache.ts); the server hands a shared list to every
 * proxy that shares it already encoded and framed (xds/shared-resources.ts,
 * xds/packed-response.ts), and encodings survive a push by content
 * (xds/resource-encoder.ts). Push scenarios use sidecars whose identity
 * comes from the node id alone. Every cell runs; 5,000 services × 1,000
 * proxies moves about 20 GB through loopback in the initial sync alone.
 *
 *   npm run bench:control-plane [-- --sizes 100,1000,5000 --proxies 100,1000]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { TypeUrl, type ResourceObject } from '@skiff/api';
import { adsServiceDefinition } from '@skiff/api/envoy/ads-service.ts';
import type { DiscoveryRequest } from '@skiff/api/envoy/discovery-types.ts';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { systemClock } from '@skiff/common';
import { createMemoryStore } from '@skiff/config';
import { configSnapshot, PushContext } from '@skiff/control-plane/model/index.ts';
import type { Proxy } from '@skiff/control-plane/model/proxy.ts';
import { startControlPlane } from '@skiff/control-plane/server/index.ts';
import { buildClusters } from '@skiff/control-plane/translate/cluster/index.ts';
import { buildClusterLoadAssignments } from '@skiff/control-plane/translate/endpoint/index.ts';
import { buildListeners } from '@skiff/control-plane/translate/listener/index.ts';
import { buildRouteConfigurations } from '@skiff/control-plane/translate/route/index.ts';
import { encodeResource } from '@skiff/control-plane/xds/resource-encoder.ts';
import { xdsResource } from '@skiff/control-plane/xds/xds-resource.ts';
import { routerProxy, sidecarProxy } from '@skiff/testing';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    proxies: { type: 'string', default: '100,1000' },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const PROXY_COUNTS = args.proxies.split(',').map(Number);
const NS = 'bench';
/** Envoy's default HTTP/2 initial stream and connection window (256 MiB), which its xDS client uses too. */
const ENVOY_WINDOW_BYTES = 256 * 2 ** 20;
const DOMAIN = `${NS}.svc.cluster.local`;
const PORT = 9080;

// ---------------------------------------------------------------- the mesh

function ip(k: number): string {
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}

function meshObjects(n: number): ResourceObject[] {
  const objects: ResourceObject[] = [
    {
      apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: NS },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
  ];
  for (let i = 0; i < n; i++) {
    const app = `svc-${i}`;
    objects.push({
      apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: NS },
      spec: { selector: { app }, ports: [{ name: 'http', port: PORT }] },
    });
    for (let j = 0; j < 3; j++) {
      objects.push({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `${app}-${j}`, namespace: NS, labels: { app, version: j < 2 ? 'v1' : 'v2' } },
        spec: { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: PORT }] }] },
        status: { phase: 'Running', podIP: ip(1 + 3 * i + j), conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: app, namespace: NS },
      spec: {
        host: app,
        trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' } },
        subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
      },
    });
    objects.push(virtualService(app, 90));
  }
  return objects;
}

function virtualService(app: string, v1Weight: number): ResourceObject {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: app, namespace: NS },
    spec: {
      hosts: [app], gateways: ['mesh', `${NS}/ingress`],
      http: [{ route: [
        { destination: { host: app, subset: 'v1' }, weight: v1Weight },
        { destination: { host: app, subset: 'v2' }, weight: 100 - v1Weight },
      ] }],
    },
  };
}

// ---------------------------------------------------------------- translation

interface TranslationResult {
  readonly resources: number;
  readonly coldMs: number;
  readonly warmMs: number;
  readonly warmEncodeMs: number;
}

function translateAll(proxy: Proxy, push: PushContext): WireMessage[][] {
  return [
    buildClusters(proxy, push) as unknown as WireMessage[],
    buildClusterLoadAssignments(proxy, push) as unknown as WireMessage[],
    buildListeners(proxy, push) as unknown as WireMessage[],
    buildRouteConfigurations(proxy, push) as unknown as WireMessage[],
  ];
}

const TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];

/** As the xDS server encodes: through its encode cache, so a message shared with an earlier proxy is not encoded again. */
function encodeAll(out: WireMessage[][]): void {
  out.forEach((list, i) => list.forEach((r) => encodeResource(TYPES[i], xdsResource(String(r.name ?? r.cluster_name), r))));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measureTranslation(push: PushContext, makeProxy: (i: number) => Proxy): TranslationResult {
  let t = performance.now();
  const first = translateAll(makeProxy(0), push);
  const coldMs = performance.now() - t;
  const runs = Math.max(3, Math.min(15, Math.floor(3000 / Math.max(coldMs, 1))));
  const warm: number[] = [];
  const warmEncode: number[] = [];
  for (let i = 1; i <= runs; i++) {
    t = performance.now();
    const out = translateAll(makeProxy(i), push);
    warm.push(performance.now() - t);
    encodeAll(out);
    warmEncode.push(performance.now() - t);
  }
  return { resources: first.reduce((s, l) => s + l.length, 0), coldMs, warmMs: median(warm), warmEncodeMs: median(warmEncode) };
}

// ---------------------------------------------------------------- simulated proxies

/** What the light client reads of a DiscoveryResponse: its scalar fields, and how many resources and bytes it carried. */
interface LightResponse {
  readonly version_info: string;
  readonly type_url: string;
  readonly nonce: string;
  readonly resources: number;
  readonly bytes: number;
}

type Stream = ClientDuplexStream<DiscoveryRequest, LightResponse>;

/** A subscription list's `resource_names` entries (field 3), encoded once per list: every proxy sends the same names on every ACK. */
const encodedNames = new WeakMap<readonly string[], Buffer>();

function stringField(field: number, value: string): Buffer {
  const bytes = Buffer.from(value);
  const head: number[] = [(field << 3) | 2];
  for (let n = bytes.length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      head.push(n);
      break;
    }
    head.push((n % 128) | 128);
  }
  return Buffer.concat([Buffer.from(head), bytes]);
}

/** DiscoveryRequest bytes, as protobuf writes them; the first request of a stream (with its node) goes through the real serializer. */
function writeLightRequest(r: DiscoveryRequest, serialize: (r: DiscoveryRequest) => Buffer): Buffer {
  if (r.node || r.error_detail || !r.resource_names) return serialize(r);
  let names = encodedNames.get(r.resource_names);
  if (!names) encodedNames.set(r.resource_names, (names = Buffer.concat(r.resource_names.map((n) => stringField(3, n)))));
  return Buffer.concat([
    ...(r.version_info ? [stringField(1, r.version_info)] : []),
    names,
    stringField(4, r.type_url ?? ''),
    ...(r.response_nonce ? [stringField(5, r.response_nonce)] : []),
  ]);
}

/**
 * Reads a serialized DiscoveryResponse's version_info (1), type_url (4) and
 * nonce (5) and skips its resources (2) without materializing them: a real
 * Envoy parses its resources on other cores than the control plane's, so
 * decoding them here would measure the clients, not the server.
 */
function readLightResponse(bytes: Buffer): LightResponse {
  const fields: Record<number, string> = {};
  let resources = 0;
  let at = 0;
  const varint = () => {
    let n = 0;
    let shift = 1;
    for (;;) {
      const b = bytes[at++];
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
      shift *= 128;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    if ((tag & 7) !== 2) throw new Error(`unexpected wire type in DiscoveryResponse field ${tag >> 3}`);
    const length = varint();
    if (tag >> 3 === 2) resources++;
    else fields[tag >> 3] = bytes.toString('utf8', at, at + length);
    at += length;
  }
  return { version_info: fields[1] ?? '', type_url: fields[4] ?? '', nonce: fields[5] ?? '', resources, bytes: bytes.length };
}

/** A sidecar that subscribes like Envoy, keeps responses packed, and ACKs each at once, noting when. */
class LightAdsClient {
  /** type URL → last ACKed version and when (performance.now()). */
  readonly acked = new Map<string, { version: string; atMs: number }>();
  /** Serialized response bytes received so far. */
  receivedBytes = 0;
  readonly #stream: Stream;
  readonly #names = new Map<string, string[]>();
  readonly #onAck: () => void;

  constructor(client: Client, nodeId: string, subscriptions: ReadonlyMap<string, string[]>, onAck: () => void) {
    const method = adsServiceDefinition().StreamAggregatedResources as MethodDefinition<object, object>;
    this.#stream = client.makeBidiStreamRequest(method.path, (r: DiscoveryRequest) => writeLightRequest(r, method.requestSerialize), readLightResponse) as unknown as Stream;
    this.#onAck = onAck;
    this.#stream.on('data', (r: LightResponse) => this.#onResponse(r));
    this.#stream.on('error', () => {});
    let first = true;
    for (const [typeUrl, names] of subscriptions) {
      this.#names.set(typeUrl, names);
      this.#stream.write({ ...(first ? { node: { id: nodeId } } : {}), type_url: typeUrl, resource_names: names });
      first = false;
    }
  }

  close(): void {
    this.#stream.cancel();
  }

  #onResponse(r: LightResponse): void {
    this.receivedBytes += r.bytes;
    this.#stream.write({ type_url: r.type_url, resource_names: this.#names.get(r.type_url) ?? [], version_info: r.version_info, response_nonce: r.nonce });
    this.acked.set(r.type_url, { version: r.version_info, atMs: performance.now() });
    this.#onAck();
  }
}

function sidecarSubscriptions(n: number): Map<string, string[]> {
  const eds: string[] = [];
  for (let i = 0; i < n; i++) for (const subset of ['', 'v1', 'v2']) eds.push(`outbound|${PORT}|${subset}|svc-${i}.${DOMAIN}`);
  return new Map([
    [TypeUrl.Cluster, []],
    [TypeUrl.ClusterLoadAssignment, eds],
    [TypeUrl.Listener, []],
    [TypeUrl.RouteConfiguration, [String(PORT)]],
  ]);
}

interface PushResult {
  readonly initialSyncMs: number;
  /** Bytes of the initial sync, per proxy (every response of every type, as serialized). */
  readonly syncBytesPerProxy: number;
  readonly serverPushMs: number;
  readonly fullPushMs: number;
  readonly convergenceP50Ms: number;
  readonly convergenceP99Ms: number;
  /** After the store is loaded and the control plane started, before any proxy connects. */
  readonly rssIdleMb: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** Buffers outside the heap (serialized responses in flight, received messages), after a GC once every proxy ACKed. */
  readonly buffersMb: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function measurePush(n: number, proxies: number, objects: readonly ResourceObject[]): Promise<PushResult> {
  const store = createMemoryStore();
  for (const o of objects) await store.create(structuredClone(o));
  const cp = await startControlPlane({ source: store, xdsAddress: '127.0.0.1:0', monitoringAddress: '127.0.0.1:0', clock: systemClock, log: () => {} });
  (globalThis as { gc?: () => void }).gc?.();
  const rssIdleMb = process.memoryUsage().rss / 2 ** 20;
  const channels: Client[] = [];
  const clients: LightAdsClient[] = [];
  let wake: (() => void) | undefined;
  const until = async (condition: () => boolean, what: string, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  const onAck = () => wake?.();
  try {
    const subscriptions = sidecarSubscriptions(n);
    const t0 = performance.now();
    for (let i = 0; i < proxies; i++) {
      if (i % 50 === 0) channels.push(new Client(cp.xdsAddress, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1, 'grpc-node.flow_control_window': ENVOY_WINDOW_BYTES }));
      clients.push(new LightAdsClient(channels.at(-1)!, `sidecar~${ip(0xf00000 + i)}~app-${i}.${NS}~${DOMAIN}`, subscriptions, onAck));
    }
    const synced = (typeUrl: string, version?: string) => clients.every((c) => (version === undefined ? c.acked.has(typeUrl) : c.acked.get(typeUrl)?.version === version));
    await until(() => TYPES.every((t) => synced(t)), 'the initial sync', 3_600_000);
    const initialSyncMs = performance.now() - t0;
    const syncBytesPerProxy = clients.reduce((sum, c) => sum + c.receivedBytes, 0) / clients.length;

    // Full push: the change is in the debouncer; flush it and time until every proxy ACKed the new RDS.
    await store.update(virtualService('svc-0', 80));
    await until(() => cp.xds.pushStatus().pending, 'the change to reach the debouncer', 10_000);
    const tPush = performance.now();
    cp.xds.flush();
    const serverPushMs = performance.now() - tPush;
    const pushed = cp.xds.pushStatus().version;
    await until(() => synced(TypeUrl.RouteConfiguration, pushed), 'every ACK of the full push', 3_600_000);
    const fullPushMs = Math.max(...clients.map((c) => c.acked.get(TypeUrl.RouteConfiguration)!.atMs)) - tPush;

    // Convergence: a store write, Istio's debounce, the push, each proxy's ACK.
    const tWrite = performance.now();
    await store.update(virtualService('svc-0', 70));
    await until(() => cp.xds.pushStatus().version !== pushed && synced(TypeUrl.RouteConfiguration, cp.xds.pushStatus().version), 'every ACK of the write', 3_600_000);
    const latencies = clients.map((c) => c.acked.get(TypeUrl.RouteConfiguration)!.atMs - tWrite);
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    return {
      initialSyncMs,
      syncBytesPerProxy,
      serverPushMs,
      fullPushMs,
      convergenceP50Ms: percentile(latencies, 50),
      convergenceP99Ms: percentile(latencies, 99),
      rssIdleMb,
      rssMb: memory.rss / 2 ** 20,
      heapMb: memory.heapUsed / 2 ** 20,
      buffersMb: memory.arrayBuffers / 2 ** 20,
    };
  } finally {
    for (const c of clients) c.close();
    for (const ch of channels) ch.close();
    await cp.close();
    await store.close();
  }
}

// ---------------------------------------------------------------- report

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`# Skiff control-plane benchmark (node ${process.version}, ${(await import('node:os')).cpus().length} CPUs)\n`);
  console.log('Istio: 1 vCPU and 1.5 GB for 1,000 services / 2,000 sidecars (istio.io, Performance and Scalability)\n');
  const translation: string[] = [
    row(['services', 'objects', 'PushContext build', 'proxy', 'resources (CDS+EDS+LDS+RDS)', 'cold', 'warm', 'warm + encode']),
    row(['---:', '---:', '---:', '---', '---:', '---:', '---:', '---:']),
  ];
  const pushes: string[] = [
    row(['services', 'proxies', 'initial sync', 'sync bytes / proxy', 'full push (server part)', 'full push to last ACK', 'write → ACK p50', 'write → ACK p99', 'RSS before proxies', 'RSS with proxies', 'heap with proxies', 'buffers with proxies']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const n of SIZES) {
    const objects = meshObjects(n);
    let t = performance.now();
    const push = PushContext.build(configSnapshot(objects));
    const buildMs = performance.now() - t;
    const sidecar = measureTranslation(push, (i) => sidecarProxy({ name: `app-${i}`, namespace: NS, ip: ip(0xf00000 + i) }));
    const gateway = measureTranslation(push, (i) => routerProxy({ name: `ingress-${i}`, namespace: NS, ip: ip(0xf10000 + i) }));
    for (const [name, r] of [['sidecar', sidecar], ['gateway', gateway]] as const) {
      translation.push(row([n, objects.length, fmt(buildMs), name, r.resources, fmt(r.coldMs), fmt(r.warmMs), fmt(r.warmEncodeMs)]));
    }
    console.error(`translation: ${n} services done (${fmt(performance.now() - started)} so far)`);
    for (const k of PROXY_COUNTS) {
      t = performance.now();
      const r = await measurePush(n, k, objects);
      pushes.push(row([n, k, fmt(r.initialSyncMs), `${(r.syncBytesPerProxy / 2 ** 20).toFixed(1)} MB`, fmt(r.serverPushMs), fmt(r.fullPushMs), fmt(r.convergenceP50Ms), fmt(r.convergenceP99Ms), `${r.rssIdleMb.toFixed(0)} MB`, `${r.rssMb.toFixed(0)} MB`, `${r.heapMb.toFixed(0)} MB`, `${r.buffersMb.toFixed(0)} MB`]));
      console.error(pushes.at(-1));
      console.error(`push: ${n} services × ${k} proxies done in ${fmt(performance.now() - t)} (${fmt(performance.now() - started)} so far)`);
      (globalThis as { gc?: () => void }).gc?.();
    }
  }
  console.log('## Translation per proxy (one process, no xDS)\n');
  console.log(translation.join('\n'));
  console.log('\n## Pushes to connected simulated sidecars (light ADS clients, same process)\n');
  console.log(pushes.join('\n'));
  console.log(`\nTotal run time: ${fmt(performance.now() - started)}`);
}

await main();
