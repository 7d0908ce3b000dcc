/**
 * The ingress and egress gateways of the local cluster (ADR 0004 point 4):
 * routers the supervisor runs in-process, each with a Pod (its pod IP,
 * labels `istio: ingressgateway` / `istio: egressgateway`, Ready) and a
 * Service in istio-system, so Gateways select them and their ports resolve
 * as on Kubernetes (80 → 8080, 443 → 8443). The ingress gateway's listeners
 * for the Service's target ports bind 127.0.0.1 at the configured host
 * ports; everything else binds the gateway's own pod IP.
 */
import type { kube } from '@skiff/api';
import { isSkiffError, type Clock, type Random } from '@skiff/common';
import { StoreErrorCode, type ConfigStore, type StoredObject } from '@skiff/config';
import { buildBootstrap, ProxyServer } from '@skiff/proxy';
import { HOSTED_BY_ANNOTATION } from '../pods/kubelet.ts';
import { PROXY_ADMIN_PORT, PROXY_IMAGE } from '../pods/inject.ts';
import { inPodNetwork, type PodIpAllocator, type PodNetwork } from '../net/pod-cidr.ts';
import { randomSuffix, templateHash } from '../controllers/template-hash.ts';

export const GATEWAY_NAMESPACE = 'istio-system';

export interface GatewayDefinition {
  readonly name: 'istio-ingressgateway' | 'istio-egressgateway';
  readonly istioLabel: 'ingressgateway' | 'egressgateway';
  /** target port → host port on 127.0.0.1 (ingress only). */
  readonly hostPorts: ReadonlyMap<number, number>;
}

export interface RunningGateway {
  readonly name: string;
  readonly podName: string;
  readonly podIp: string;
  readonly proxy: ProxyServer;
}

export interface GatewayOptions {
  readonly store: ConfigStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly network: PodNetwork;
  readonly allocator: PodIpAllocator;
  readonly xdsAddress: string;
  readonly log: (line: string) => void;
}

export async function ensureNamespace(store: ConfigStore, name: string, labels: Record<string, string> = {}): Promise<void> {
  try {
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
  } catch (err) {
    if (!isSkiffError(err, StoreErrorCode.AlreadyExists)) throw err;
  }
}

export async function startGateway(def: GatewayDefinition, o: GatewayOptions): Promise<RunningGateway> {
  const labels = { app: def.name, istio: def.istioLabel };
  await ensureService(o.store, def.name, labels);
  const pod = await ensurePod(def, labels, o);
  const podIp = (pod.status as { podIP: string }).podIP;
  const built = buildBootstrap({
    proxyType: 'router',
    ip: podIp,
    podName: pod.metadata.name,
    namespace: GATEWAY_NAMESPACE,
    labels: pod.metadata.labels ?? labels,
    serviceAccount: `${def.name}-service-account`,
    xdsAddress: o.xdsAddress,
    adminHost: podIp,
    adminPort: PROXY_ADMIN_PORT,
  });
  if (!built.ok) throw new Error(`${def.name}: ${built.errors.join('; ')}`);
  const proxy = new ProxyServer({
    bootstrap: built.value,
    clock: o.clock,
    random: o.random,
    bindAddress: (listener) => {
      const hostPort = def.hostPorts.get(listener.address.port);
      return hostPort !== undefined ? { host: '127.0.0.1', port: hostPort } : { host: podIp, port: listener.address.port };
    },
    log: (line) => o.log(`${def.name}: ${line}`),
  });
  await proxy.start();
  return { name: def.name, podName: pod.metadata.name, podIp, proxy };
}

async function ensureService(store: ConfigStore, name: string, selector: Record<string, string>): Promise<void> {
  const service: kube.Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: GATEWAY_NAMESPACE, labels: { ...selector } },
    spec: {
      type: name === 'istio-ingressgateway' ? 'LoadBalancer' : 'ClusterIP',
      selector,
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
        { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    },
  };
  try {
    await store.create(service);
  } catch (err) {
    if (!isSkiffError(err, StoreErrorCode.AlreadyExists)) throw err;
  }
}

/** The gateway's Pod: the one from the last run (same name and IP) or a new one. */
async function ensurePod(def: GatewayDefinition, labels: Record<string, string>, o: GatewayOptions): Promise<StoredObject> {
  const { items } = await o.store.list({ group: '', kind: 'Pod' }, { namespace: GATEWAY_NAMESPACE, labelSelector: `istio=${def.istioLabel}` });
  const previous = items.find((p) => p.metadata.annotations?.[HOSTED_BY_ANNOTATION] === 'supervisor');
  const oldIp = (previous?.status as { podIP?: string } | undefined)?.podIP;
  const podIp = oldIp && inPodNetwork(o.network, oldIp) && o.allocator.reserve(oldIp) ? oldIp : o.allocator.allocate();
  const now = new Date(Math.floor(o.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const status = {
    phase: 'Running',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
    hostIP: '127.0.0.1',
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: now,
    containerStatuses: [{ name: 'istio-proxy', image: PROXY_IMAGE, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {} }],
  };
  if (previous) return o.store.update({ ...previous, status });
  const spec: kube.PodSpec = {
    serviceAccountName: `${def.name}-service-account`,
    containers: [{
      name: 'istio-proxy',
      image: PROXY_IMAGE,
      args: ['proxy', 'router'],
      ports: [
        { containerPort: 15021, protocol: 'TCP', name: 'status-port' },
        { containerPort: 8080, protocol: 'TCP', name: 'http2' },
        { containerPort: 8443, protocol: 'TCP', name: 'https' },
        { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
      ],
    }],
  };
  const hash = templateHash({ labels, spec });
  return o.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${def.name}-${hash}-${randomSuffix(o.random)}`,
      namespace: GATEWAY_NAMESPACE,
      labels: { ...labels, 'pod-template-hash': hash, 'service.istio.io/canonical-name': def.name },
      annotations: { [HOSTED_BY_ANNOTATION]: 'supervisor' },
    },
    spec,
    status,
  });
}
