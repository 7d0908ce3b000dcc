/**
 * `skiff supervisor`: the local cluster's supervisor process, which `skiff
 * up` starts detached (or runs in the foreground). Runs the cluster until
 * SIGINT, SIGTERM or `skiff down`, then drains pods and exits 0.
 */
import { resolve } from 'node:path';
import type { Command, CommandIO } from '@skiff/cli';
import { DEFAULT_DATA_DIR } from '@skiff/client';
import { systemClock, systemRandom } from '@skiff/common';
import { BUILTIN_IMAGES } from '../../images/resolve.ts';
import { startCluster, type Cluster } from '../../supervisor/cluster.ts';
import { proxyCommand } from '../proxy/index.ts';
import { CLUSTER_DEFAULTS, CLUSTER_FLAGS, type ClusterFlags } from '../up/cluster-flags.ts';

export const supervisorCommand: Command<ClusterFlags> = {
  name: 'supervisor',
  summary: 'Run the local cluster in this process (what `skiff up` starts; use `skiff up --foreground` instead)',
  usage: 'skiff supervisor [--data-dir DIR] [--api-address HOST:PORT] [--pod-cidr 127.N.0.0/16] ...',
  flags: CLUSTER_FLAGS,
  async run({ flags, io }) {
    let stop: (reason: string) => void = () => {};
    const stopped = new Promise<string>((r) => {
      stop = r;
      process.once('SIGINT', () => r('SIGINT'));
      process.once('SIGTERM', () => r('SIGTERM'));
    });
    const cluster = await startFromFlags(flags, io, () => stop('skiff down'));
    // One bad request or pod must not take the whole cluster down: log it and keep serving.
    const report = (err: unknown) => io.stderr.write(`supervisor: unexpected error (kept running): ${(err as Error)?.stack ?? String(err)}\n`);
    process.on('uncaughtException', report);
    process.on('unhandledRejection', report);
    const reason = await stopped;
    io.stdout.write(`${reason}: stopping the cluster (draining pods)\n`);
    await cluster.close();
    io.stdout.write('cluster stopped\n');
    return 0;
  },
};

export async function startFromFlags(flags: ClusterFlags, io: CommandIO, onShutdownRequest: () => void): Promise<Cluster> {
  const get = (k: keyof typeof CLUSTER_DEFAULTS) => flags[k] ?? CLUSTER_DEFAULTS[k];
  const cluster = await startCluster({
    dataDir: resolve(io.cwd, flags['data-dir'] ?? DEFAULT_DATA_DIR),
    apiAddress: get('api-address'),
    xdsAddress: get('xds-address'),
    monitoringAddress: get('monitoring-address'),
    ingressHttpPort: Number(get('ingress-http-port')),
    ingressHttpsPort: Number(get('ingress-https-port')),
    podCidr: get('pod-cidr'),
    clock: systemClock,
    random: systemRandom,
    baseEnv: baseEnvironment(),
    localCapture: 'local-capture' in proxyCommand.flags,
    builtins: BUILTIN_IMAGES,
    onShutdownRequest,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  const i = cluster.info;
  io.stdout.write([
    `Skiff local cluster (supervisor pid ${i.pid})`,
    `  data:             ${i.dataDir}  (store.db, logs/)`,
    `  API server:       http://${i.apiAddress}`,
    `  control plane:    xDS ${i.xdsAddress}, monitoring http://${i.monitoringAddress}`,
    `  ingress gateway:  http://${i.ingress.http} (port 80), https://${i.ingress.https} (port 443)`,
    `  egress gateway:   istio-system/istio-egressgateway`,
    `  pod IPs:          ${i.podCidr}`,
    '',
  ].join('\n'));
  return cluster;
}

/** What containers inherit from the supervisor: the basics a program needs, not the user's whole shell. */
function baseEnvironment(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SKIFF_DEBUG'];
  const out: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) out[k] = process.env[k] as string;
  return out;
}
