/**
 * `skiff proxy sidecar|router --bootstrap FILE` (or flags): Envoy's role.
 * Reads an Envoy v3 bootstrap (or builds Istio's from flags), connects to
 * the control plane over ADS, serves the listeners and clusters it is
 * given and the admin interface, until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { UsageError, type Command, type CommandIO } from '@skiff/cli';
import { systemClock, systemRandom } from '@skiff/common';
import { buildBootstrap, loadBootstrapFile, ProxyServer, type BootstrapConfig, type ProxyServerOptions } from '@skiff/proxy';

export interface ProxyFlags {
  bootstrap?: string;
  ip?: string;
  'pod-name'?: string;
  namespace?: string;
  'xds-address'?: string;
  'admin-port'?: string;
  'local-capture'?: boolean;
  'app-ip'?: string;
  'port-map'?: string;
  'status-port'?: string;
  'readiness-port'?: string;
  'prometheus-port'?: string;
  'app-metrics-url'?: string;
}

export const proxyCommand: Command<ProxyFlags> = {
  name: 'proxy',
  summary: "Run Skiff's proxy (Envoy's role) as a sidecar or router, configured over xDS",
  usage: 'skiff proxy sidecar|router (--bootstrap FILE | --ip IP --pod-name NAME --namespace NS --xds-address HOST:PORT) [--admin-port 15000] [--local-capture --app-ip IP] [--port-map PORT=HOST:PORT,...] [--status-port 15020 [--app-metrics-url URL]] [--readiness-port 15021] [--prometheus-port 15090]',
  description: [
    'Connects to the control plane over ADS and serves what it sends: listeners, routes, clusters, endpoints.',
    'Admin interface on 127.0.0.1:15000 by default. Stop with Ctrl-C.',
    '',
    'Local mode (no iptables): --local-capture makes a sidecar own its pod IP (--ip): listeners on 0.0.0.0 and the',
    'admin interface bind the pod IP, every port virtualInbound serves is captured on POD_IP:PORT and forwarded to',
    'the application at --app-ip, and virtualOutbound (POD_IP:15001) is the HTTP proxy for HTTP_PROXY/HTTPS_PROXY.',
    '--port-map binds a listener port elsewhere (a gateway: 8080=127.0.0.1:8080).',
  ].join('\n'),
  examples: [
    'skiff proxy sidecar --bootstrap envoy.yaml',
    'skiff proxy sidecar --ip 127.0.0.2 --pod-name reviews-v1 --namespace default --xds-address 127.0.0.1:15010',
    'skiff proxy sidecar --ip 127.1.0.7 --app-ip 127.2.0.7 --local-capture --pod-name reviews-v1 --namespace default --xds-address 127.0.0.1:15010',
    'skiff proxy router --ip 127.0.0.1 --pod-name istio-ingressgateway-1 --namespace istio-system --xds-address 127.0.0.1:15010 --port-map 8080=127.0.0.1:8080,8443=127.0.0.1:8443',
  ],
  flags: {
    bootstrap: { type: 'string', valueName: 'FILE', description: 'Envoy v3 bootstrap (JSON or YAML)' },
    ip: { type: 'string', valueName: 'IP', description: "the workload's IP (node id)" },
    'pod-name': { type: 'string', valueName: 'NAME', description: 'pod name (node id)' },
    namespace: { type: 'string', valueName: 'NS', description: 'namespace (node id)' },
    'xds-address': { type: 'string', valueName: 'HOST:PORT', description: 'control plane ADS address' },
    'admin-port': { type: 'string', valueName: 'PORT', description: 'admin port (default 15000)' },
    'local-capture': { type: 'boolean', description: 'local mode: capture inbound ports on --ip, serve virtualOutbound as an HTTP proxy' },
    'app-ip': { type: 'string', valueName: 'IP', description: "the application's address (with --local-capture)" },
    'port-map': { type: 'string', valueName: 'PORT=HOST:PORT,...', description: 'bind these listener ports at other addresses' },
    'status-port': { type: 'string', valueName: 'PORT', description: "the agent's merged Prometheus endpoint /stats/prometheus and /healthz/ready (Istio: 15020)" },
    'readiness-port': { type: 'string', valueName: 'PORT', description: '/healthz/ready (Istio: 15021)' },
    'prometheus-port': { type: 'string', valueName: 'PORT', description: "the proxy's own /stats/prometheus (Istio: 15090)" },
    'app-metrics-url': { type: 'string', valueName: 'URL', description: "the application's metrics, merged into --status-port (the prometheus.io annotations)" },
  },
  run({ flags, args, io }) {
    return runProxy(args, flags, io, untilSignal());
  },
};

export async function runProxy(args: readonly string[], flags: ProxyFlags, io: CommandIO, stop: Promise<string>): Promise<number> {
  const role = args[0];
  if (role !== 'sidecar' && role !== 'router') throw new UsageError('the first argument must be sidecar or router');
  const local = localModeOptions(role, flags);
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
      adminHost: flags['local-capture'] ? flags.ip : undefined,
    });
    if (!built.ok) {
      for (const e of built.errors) io.stderr.write(`error: ${e}\n`);
      return 1;
    }
    bootstrap = built.value;
  }
  let quitquitquit: (reason: string) => void = () => {};
  const quit = new Promise<string>((r) => (quitquitquit = r));
  const proxy = new ProxyServer({
    bootstrap, clock: systemClock, random: systemRandom, log: (line) => io.stderr.write(`proxy: ${line}\n`), ...local,
    agent: agentOptions(flags), onQuit: () => quitquitquit('quitquitquit'),
  });
  try {
    await proxy.start();
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    await proxy.close();
    return 1;
  }
  const admin = await proxy.admin?.listen();
  const agent = await proxy.agent?.listen();
  const agentHost = proxy.agent === undefined ? '' : agentOptions(flags)!.host;
  const agentLines = [
    agent?.merged === undefined ? '' : `  status:    http://${agentHost}:${agent.merged}/stats/prometheus\n`,
    agent?.health === undefined ? '' : `  readiness: http://${agentHost}:${agent.health}/healthz/ready\n`,
    agent?.stats === undefined ? '' : `  stats:     http://${agentHost}:${agent.stats}/stats/prometheus\n`,
  ].join('');
  io.stdout.write(`proxy ${bootstrap.node.id}\n  xDS (ADS): ${bootstrap.adsAddress.host}:${bootstrap.adsAddress.port}\n  admin:     http://${bootstrap.adminAddress.host}:${admin?.port ?? bootstrap.adminAddress.port}\n${agentLines}Press Ctrl-C to stop.\n`);
  const signal = await Promise.race([stop, quit]);
  io.stdout.write(`${signal}: shutting down\n`);
  await proxy.close();
  io.stdout.write('proxy stopped\n');
  return 0;
}

/** --status-port / --readiness-port / --prometheus-port / --app-metrics-url → the agent ports (bound on --ip in local mode, else 0.0.0.0 as Istio). */
export function agentOptions(flags: ProxyFlags): ProxyServerOptions['agent'] {
  const port = (name: 'status-port' | 'readiness-port' | 'prometheus-port'): number | undefined => {
    const v = flags[name];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--${name}: expected a port number, got "${v}"`);
    return Number(v);
  };
  const mergedPort = port('status-port');
  const healthPort = port('readiness-port');
  const statsPort = port('prometheus-port');
  if (flags['app-metrics-url'] !== undefined && mergedPort === undefined) throw new UsageError('--app-metrics-url needs --status-port (where the metrics are merged)');
  if (mergedPort === undefined && healthPort === undefined && statsPort === undefined) return undefined;
  return { host: flags['local-capture'] ? flags.ip! : '0.0.0.0', mergedPort, healthPort, statsPort, appMetricsUrl: flags['app-metrics-url'] };
}

/** `8080=127.0.0.1:8080,8443=127.0.0.1:8443` → listener port → where to bind it. */
export function parsePortMap(text: string): Map<number, { host: string; port: number }> {
  const map = new Map<number, { host: string; port: number }>();
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\d{1,5})=(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(item);
    const from = m ? Number(m[1]) : 0;
    const to = m ? Number(m[4]) : 0;
    if (!m || from < 1 || from > 65535 || to > 65535) throw new UsageError(`--port-map: expected PORT=HOST:PORT, got "${item}"`);
    map.set(from, { host: m[2] ?? m[3], port: to });
  }
  return map;
}

/** --local-capture / --app-ip / --port-map → the ProxyServer options of local mode (ADR 0004). */
export function localModeOptions(role: string, flags: ProxyFlags): Pick<ProxyServerOptions, 'localCapture' | 'bindAddress'> {
  const portMap = flags['port-map'] === undefined ? undefined : parsePortMap(flags['port-map']);
  if (flags['local-capture']) {
    if (role !== 'sidecar') throw new UsageError('--local-capture is for sidecars (a router binds with --port-map)');
    if (!flags.ip || !flags['app-ip']) throw new UsageError('--local-capture needs --ip (the pod IP) and --app-ip (where the application listens)');
    if (flags.ip === flags['app-ip']) throw new UsageError('--app-ip must differ from --ip: the sidecar owns the pod IP');
  } else if (flags['app-ip'] !== undefined) throw new UsageError('--app-ip only makes sense with --local-capture');
  const localCapture = flags['local-capture'] ? { podIp: flags.ip!, appIp: flags['app-ip']! } : undefined;
  if (!portMap) return { localCapture };
  const ownIp = flags.ip;
  return {
    localCapture,
    bindAddress: (l) => {
      const mapped = portMap.get(l.address.port);
      if (mapped) return mapped;
      const wildcard = l.address.address === '0.0.0.0' || l.address.address === '::';
      return { host: wildcard && ownIp ? ownIp : l.address.address, port: l.address.port };
    },
  };
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
