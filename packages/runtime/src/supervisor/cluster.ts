/**
 * The local cluster in one process (what `skiff up` runs as its
 * supervisor): the durable store (DATA_DIR/store.db), the control plane,
 * the API server, the ingress and egress gateways, the Deployment
 * controller and the kubelet that runs pods through shims. `close()` stops
 * it in the reverse order: pods drained first, the store last. Every
 * address is configurable, so several clusters can run side by side.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SkiffError, type Clock, type Random } from '@skiff/common';
import { openSqliteStore, type ConfigStore } from '@skiff/config';
import { parseListenAddress, startControlPlane, type ControlPlane } from '@skiff/control-plane';
import { ApiServer } from '../api-server/api-server.ts';
import { DeploymentController } from '../controllers/deployment-controller.ts';
import { ensureNamespace, GATEWAY_NAMESPACE, startGateway, type RunningGateway } from '../gateways/gateways.ts';
import type { BuiltinImages } from '../images/resolve.ts';
import { parsePodCidr, PodIpAllocator } from '../net/pod-cidr.ts';
import { KUBELET_BACKOFF, type BackoffOptions } from '../pods/container-runner.ts';
import { Kubelet } from '../pods/kubelet.ts';
import { removeClusterFiles, writeClusterFile, type ClusterFile } from './cluster-files.ts';

export const SKIFF_BIN = fileURLToPath(new URL('../../bin/skiff.js', import.meta.url));

export interface ClusterOptions {
  readonly dataDir: string;
  readonly apiAddress: string;
  readonly xdsAddress: string;
  readonly monitoringAddress: string;
  readonly ingressHttpPort: number;
  readonly ingressHttpsPort: number;
  readonly podCidr: string;
  readonly clock: Clock;
  readonly random: Random;
  /** The environment every container inherits (PATH, HOME, ...). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly localCapture: boolean;
  readonly builtins?: BuiltinImages;
  readonly backoff?: BackoffOptions;
  readonly maxGraceMs?: number;
  readonly onShutdownRequest: () => void;
  readonly log: (line: string) => void;
}

export interface Cluster {
  readonly info: ClusterFile;
  readonly store: ConfigStore;
  readonly kubelet: Kubelet;
  close(): Promise<void>;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const dataDir = resolve(o.dataDir);
  const network = parsePodCidr(o.podCidr);
  const api = parseListenAddress(o.apiAddress, '--api-address');
  parseListenAddress(o.xdsAddress, '--xds-address');
  parseListenAddress(o.monitoringAddress, '--monitoring-address');
  for (const [flag, port] of [['--ingress-http-port', o.ingressHttpPort], ['--ingress-https-port', o.ingressHttpsPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SkiffError('SKIFF_ERR_INVALID_FLAG', `invalid ${flag} ${port}: expected a port from 1 to 65535`);
    await ensurePortFree('127.0.0.1', port, `the ingress gateway (${flag})`);
  }
  mkdirSync(join(dataDir, 'logs', 'pods'), { recursive: true });
  const store = openSqliteStore(join(dataDir, 'store.db'), { clock: o.clock });
  const closers: [string, () => Promise<void>][] = [['store', () => store.close()]];
  const closeAll = async () => {
    for (const [what, close] of closers.splice(0).reverse()) {
      const started = o.clock.now();
      try {
        await close();
        o.log(`shutdown: ${what} stopped (${o.clock.now() - started} ms)`);
      } catch (err) {
        o.log(`shutdown: ${what}: ${(err as Error).message}`);
      }
    }
  };
  try {
    await ensureNamespace(store, 'default');
    await ensureNamespace(store, GATEWAY_NAMESPACE);
    const cp: ControlPlane = await startControlPlane({
      source: store, xdsAddress: o.xdsAddress, monitoringAddress: o.monitoringAddress, clock: o.clock, random: o.random,
      log: (line) => o.log(`control-plane: ${line}`),
    });
    closers.push(['control plane', () => cp.close()]);
    const xdsAddress = cp.xdsAddress;
    let info: ClusterFile | undefined;
    const apiServer = new ApiServer({
      store, address: api, logsDir: join(dataDir, 'logs', 'pods'),
      clusterInfo: () => ({ ...info }),
      onShutdown: o.onShutdownRequest,
      log: o.log,
    });
    const apiAddress = await apiServer.listen().catch((err: NodeJS.ErrnoException) => {
      throw new SkiffError('SKIFF_ERR_LISTEN', `cannot serve the API on ${o.apiAddress}: ${err.code === 'EADDRINUSE' ? 'address already in use (is another cluster running? pick another with --api-address)' : err.message}`);
    });
    closers.push(['API server', () => apiServer.close()]);

    const allocator = new PodIpAllocator(network);
    const gatewayOptions = { store, clock: o.clock, random: o.random, network, allocator, xdsAddress, log: o.log };
    const gateways: RunningGateway[] = [];
    closers.push(['gateways', async () => {
      await Promise.all(gateways.map((g) => g.proxy.close()));
    }]);
    gateways.push(await startGateway({
      name: 'istio-ingressgateway', istioLabel: 'ingressgateway',
      hostPorts: new Map([[8080, o.ingressHttpPort], [8443, o.ingressHttpsPort]]),
    }, gatewayOptions));
    gateways.push(await startGateway({ name: 'istio-egressgateway', istioLabel: 'egressgateway', hostPorts: new Map() }, gatewayOptions));

    const kubelet = new Kubelet({
      store, clock: o.clock, network, allocator,
      podsDir: join(dataDir, 'pods'), logsDir: join(dataDir, 'logs', 'pods'),
      xdsAddress, skiff: [process.execPath, SKIFF_BIN], localCapture: o.localCapture, builtins: o.builtins,
      backoff: o.backoff ?? KUBELET_BACKOFF, baseEnv: o.baseEnv, maxGraceMs: o.maxGraceMs ?? 5000, log: o.log,
    });
    await kubelet.start();
    closers.push(['pods', () => kubelet.close()]);
    const controller = new DeploymentController({ store, clock: o.clock, random: o.random, log: o.log });
    await controller.start();
    closers.push(['deployment controller', () => controller.close()]);

    info = {
      pid: process.pid,
      dataDir,
      apiAddress,
      xdsAddress,
      monitoringAddress: cp.monitoringAddress,
      ingress: { http: `127.0.0.1:${o.ingressHttpPort}`, https: `127.0.0.1:${o.ingressHttpsPort}` },
      podCidr: network.cidr,
      startedAt: new Date(o.clock.now()).toISOString(),
    };
    writeClusterFile(dataDir, info);
    const ready = info;
    let closing: Promise<void> | undefined;
    return {
      info: ready,
      store,
      kubelet,
      close: () => (closing ??= (async () => {
        removeClusterFiles(dataDir, process.pid);
        await closeAll();
      })()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function ensurePortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new SkiffError('SKIFF_ERR_LISTEN', `cannot bind ${host}:${port} for ${what}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`));
    });
    server.listen(port, host, () => server.close(() => resolvePromise()));
  });
}
