/**
 * `skiff proxy sidecar|router --bootstrap FILE` (or flags): Envoy's role.
 * Reads an Envoy v3 bootstrap (or builds Istio's from flags), connects to
 * the control plane over ADS, serves the listeners and clusters it is
 * given and the admin interface, until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { UsageError, type Command, type CommandIO } from '@skiff/cli';
import { systemClock, systemRandom } from '@skiff/common';
import { buildBootstrap, loadBootstrapFile, ProxyServer, type BootstrapConfig } from '@skiff/proxy';

export interface ProxyFlags {
  bootstrap?: string;
  ip?: string;
  'pod-name'?: string;
  namespace?: string;
  'xds-address'?: string;
  'admin-port'?: string;
}

export const proxyCommand: Command<ProxyFlags> = {
  name: 'proxy',
  summary: "Run Skiff's proxy (Envoy's role) as a sidecar or router, configured over xDS",
  usage: 'skiff proxy sidecar|router (--bootstrap FILE | --ip IP --pod-name NAME --namespace NS --xds-address HOST:PORT) [--admin-port 15000]',
  description: 'Connects to the control plane over ADS and serves what it sends: listeners, routes, clusters, endpoints.\nAdmin interface on 127.0.0.1:15000 by default. Stop with Ctrl-C.',
  examples: ['skiff proxy sidecar --bootstrap envoy.yaml', 'skiff proxy sidecar --ip 127.0.0.2 --pod-name reviews-v1 --namespace default --xds-address 127.0.0.1:15010'],
  flags: {
    bootstrap: { type: 'string', valueName: 'FILE', description: 'Envoy v3 bootstrap (JSON or YAML)' },
    ip: { type: 'string', valueName: 'IP', description: "the workload's IP (node id)" },
    'pod-name': { type: 'string', valueName: 'NAME', description: 'pod name (node id)' },
    namespace: { type: 'string', valueName: 'NS', description: 'namespace (node id)' },
    'xds-address': { type: 'string', valueName: 'HOST:PORT', description: 'control plane ADS address' },
    'admin-port': { type: 'string', valueName: 'PORT', description: 'admin port (default 15000)' },
  },
  run({ flags, args, io }) {
    return runProxy(args, flags, io, untilSignal());
  },
};

export async function runProxy(args: readonly string[], flags: ProxyFlags, io: CommandIO, stop: Promise<string>): Promise<number> {
  const role = args[0];
  if (role !== 'sidecar' && role !== 'router') throw new UsageError('the first argument must be sidecar or router');
  let bootstrap: BootstrapConfig;
  if (flags.bootstrap !== undefined) {
    const loaded = await loadBootstrapFile(resolve(io.cwd, flags.bootstrap));
    if (!loaded.ok) {
      for (const e of loaded.errors) io.stderr.write(`error: ${e}\n`);
      return 1;
    }
    bootstrap = loaded.value;
  } else {
    if (!flags.ip || !flags['pod-name'] || !flags.namespace || !flags['xds-address']) throw new UsageError('give --bootstrap FILE, or --ip, --pod-name, --namespace and --xds-address');
    const built = buildBootstrap({
      proxyType: role, ip: flags.ip, podName: flags['pod-name'], namespace: flags.namespace, xdsAddress: flags['xds-address'],
      adminPort: flags['admin-port'] === undefined ? undefined : Number(flags['admin-port']),
    });
    if (!built.ok) {
      for (const e of built.errors) io.stderr.write(`error: ${e}\n`);
      return 1;
    }
    bootstrap = built.value;
  }
  const proxy = new ProxyServer({ bootstrap, clock: systemClock, random: systemRandom, log: (line) => io.stderr.write(`proxy: ${line}\n`) });
  try {
    await proxy.start();
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    await proxy.close();
    return 1;
  }
  io.stdout.write(`proxy ${bootstrap.node.id}\n  xDS (ADS): ${bootstrap.adsAddress.host}:${bootstrap.adsAddress.port}\n  admin:     http://${bootstrap.adminAddress.host}:${bootstrap.adminAddress.port}\nPress Ctrl-C to stop.\n`);
  const signal = await stop;
  io.stdout.write(`${signal}: shutting down\n`);
  await proxy.close();
  io.stdout.write('proxy stopped\n');
  return 0;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
