/**
 * `skiff up [--data-dir DIR] [--demo] [--foreground]`: starts the local
 * cluster's supervisor (detached by default, logging to DATA_DIR/logs/
 * supervisor.log), waits until it is ready, prints what runs where and
 * returns. `--demo` then applies examples/demo/ (seed 002's lab), waits for
 * its pods and prints the next steps. `--foreground` keeps the cluster in
 * this process: Ctrl-C is `skiff down`.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kube } from '@skiff/api';
import type { Command, CommandIO } from '@skiff/cli';
import { applyPaths } from '@skiff/cli/commands/apply/index.ts';
import { ClusterClient, DEFAULT_DATA_DIR, pidAlive, readClusterInfo, type ClusterInfo } from '@skiff/client';
import { SKIFF_BIN } from '../../supervisor/cluster.ts';
import { startFromFlags } from '../supervisor/index.ts';
import { CLUSTER_FLAGS, clusterArgv, type ClusterFlags } from './cluster-flags.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../../../../examples/demo/', import.meta.url));

interface UpFlags extends ClusterFlags {
  demo?: boolean;
  foreground?: boolean;
  timeout?: string;
}

export const upCommand: Command<UpFlags> = {
  name: 'up',
  summary: 'Start the local cluster (store, API server, control plane, gateways, pods); --demo adds the seed 002 lab',
  usage: 'skiff up [--data-dir DIR] [--demo] [--foreground] [--api-address HOST:PORT] [--ingress-http-port 8080] [--pod-cidr 127.1.0.0/16] ...',
  description: 'Runs the cluster under one supervisor process (detached unless --foreground) and returns once it is ready.\nIts state lives in DATA_DIR (store.db, logs/); `skiff down` stops it and `skiff up` brings the same state back.',
  examples: ['skiff up', 'skiff up --demo', 'skiff up --data-dir /tmp/c2 --api-address 127.0.0.1:0 --xds-address 127.0.0.1:0 --monitoring-address 127.0.0.1:0 --ingress-http-port 18080 --ingress-https-port 18443 --pod-cidr 127.51.0.0/16'],
  flags: {
    ...CLUSTER_FLAGS,
    demo: { type: 'boolean', description: 'also deploy the seed 002 lab (backend namespace, user/product/order services, the 90/10 canary)' },
    foreground: { type: 'boolean', description: 'run the cluster in this process; Ctrl-C stops it' },
    timeout: { type: 'string', valueName: 'SECONDS', description: 'how long to wait for the cluster (and the demo pods) to be ready (default 120)' },
  },
  async run({ flags, io }) {
    const dataDir = resolve(io.cwd, flags['data-dir'] ?? DEFAULT_DATA_DIR);
    const timeoutMs = Number(flags.timeout ?? 120) * 1000;
    if (flags.foreground) return runForeground(flags, io, dataDir, timeoutMs);
    const running = readClusterInfo(dataDir);
    let info: ClusterInfo;
    if (running && pidAlive(running.pid)) {
      io.stdout.write(`A local cluster is already running in ${dataDir} (supervisor pid ${running.pid}).\n`);
      info = running;
    } else {
      const started = await startDetached(flags, io, dataDir, timeoutMs);
      if (!started) return 1;
      info = started;
      io.stdout.write(summary(info));
    }
    return flags.demo ? deployDemo(new ClusterClient(info.apiAddress), info, io, timeoutMs) : 0;
  },
};

async function runForeground(flags: UpFlags, io: CommandIO, dataDir: string, timeoutMs: number): Promise<number> {
  let stop: (reason: string) => void = () => {};
  const stopped = new Promise<string>((r) => {
    stop = r;
    process.once('SIGINT', () => r('SIGINT'));
    process.once('SIGTERM', () => r('SIGTERM'));
  });
  const cluster = await startFromFlags({ ...flags, 'data-dir': dataDir }, io, () => stop('skiff down'));
  try {
    if (flags.demo) {
      const code = await deployDemo(new ClusterClient(cluster.info.apiAddress), cluster.info, io, timeoutMs);
      if (code !== 0) return code;
    }
    io.stdout.write('Press Ctrl-C to stop the cluster.\n');
    const reason = await stopped;
    io.stdout.write(`${reason}: stopping the cluster (draining pods)\n`);
    return 0;
  } finally {
    await cluster.close();
    io.stdout.write('cluster stopped\n');
  }
}

/** Spawns the supervisor in its own session and waits for its cluster.json; on failure prints what it logged. */
async function startDetached(flags: UpFlags, io: CommandIO, dataDir: string, timeoutMs: number): Promise<ClusterInfo | undefined> {
  const logs = join(dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const logFile = join(logs, 'supervisor.log');
  const fd = openSync(logFile, 'a');
  const logStart = statSync(logFile).size;
  const child = spawn(process.execPath, [SKIFF_BIN, 'supervisor', ...clusterArgv(flags, dataDir)], { cwd: io.cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.unref();
  io.stdout.write(`Starting the local cluster in ${dataDir} (supervisor pid ${child.pid}, log ${logFile})...\n`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = readClusterInfo(dataDir);
    if (info && info.pid === child.pid) return info;
    if (exited !== undefined) {
      const text = readFileSync(logFile, 'utf8').slice(logStart);
      const errors = text.split('\n').filter((l) => /^(Error|error)/.test(l));
      io.stderr.write(`${errors.length ? errors.join('\n') : text.trim() || `the supervisor exited with code ${exited}`}\n`);
      return undefined;
    }
    if (Date.now() > deadline) {
      io.stderr.write(`error: the cluster was not ready within ${timeoutMs / 1000}s; see ${logFile}\n`);
      if (child.pid) process.kill(child.pid, 'SIGTERM');
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function summary(i: ClusterInfo): string {
  return [
    `Skiff local cluster is up (supervisor pid ${i.pid})`,
    `  data:             ${i.dataDir}  (store.db, logs/)`,
    `  API server:       http://${i.apiAddress}`,
    `  control plane:    xDS ${i.xdsAddress}, monitoring http://${i.monitoringAddress}`,
    `  ingress gateway:  http://${i.ingress.http} (port 80), https://${i.ingress.https} (port 443)`,
    `  egress gateway:   istio-system/istio-egressgateway`,
    `  pod IPs:          ${i.podCidr}`,
    '',
  ].join('\n');
}

async function deployDemo(client: ClusterClient, info: ClusterInfo, io: CommandIO, timeoutMs: number): Promise<number> {
  io.stdout.write(`\nDeploying the demo (${DEMO_DIR}):\n`);
  if (!(await applyPaths(client, [DEMO_DIR], io))) return 1;
  io.stdout.write('Waiting for the demo pods to be ready...\n');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deployments = (await client.list(kube.DeploymentKind, { namespace: 'backend' })).items;
    const pending = deployments.filter((d) => {
      const want = (d as unknown as kube.Deployment).spec?.replicas ?? 1;
      const st = (d.status ?? {}) as { readyReplicas?: number; replicas?: number; updatedReplicas?: number };
      return (st.readyReplicas ?? 0) < want || (st.replicas ?? 0) !== want || (st.updatedReplicas ?? 0) !== want;
    });
    if (pending.length === 0) break;
    const stuck = await unrunnablePods(client);
    if (stuck.length > 0) {
      for (const line of stuck) io.stderr.write(`error: ${line}\n`);
      io.stderr.write('The demo needs the built-in images (hashicorp/http-echo); the cluster keeps running: `skiff get pods -n backend`, `skiff down`.\n');
      return 1;
    }
    if (Date.now() > deadline) {
      io.stderr.write(`error: not ready within ${timeoutMs / 1000}s: ${pending.map((d) => d.metadata.name).join(', ')}; see \`skiff get pods -n backend\` and \`skiff describe pod ... -n backend\`\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // The gateway's clusters may warm for up to Envoy's 15 s initial fetch timeout; past 30 s, waiting longer will not help.
  const answer = await gatewayAnswers(info.ingress.http, '/users', Math.min(deadline, Date.now() + 30_000));
  if (answer.status !== 200) {
    io.stderr.write(`warning: the pods are ready but the ingress gateway does not serve /users yet (last answer: ${answer.status === 0 ? 'no connection' : `${answer.status} ${answer.body.trim()}`})\n`);
  }
  const [host, port] = [info.ingress.http.split(':')[0], info.ingress.http.split(':')[1]];
  const base = host === '127.0.0.1' ? `http://localhost:${port}` : `http://${info.ingress.http}`;
  io.stdout.write([
    answer.status === 200 ? 'The demo is ready. Next steps:' : 'Next steps (once the gateway serves /users):',
    `  curl ${base}/users        # user-service: 90% v1, 10% v2 (the canary)`,
    `  curl ${base}/products     # product-service`,
    `  curl ${base}/orders       # order-service`,
    '  skiff get pods -n backend      # READY 2/2: each pod has its istio-proxy sidecar',
    '  skiff get vs,dr,gw -n backend',
    '  skiff down                     # stop everything (state kept for the next skiff up)',
    '',
  ].join('\n'));
  return 0;
}

/** Pods whose containers cannot start at all (an image that is not built in), one line per distinct reason: waiting will not help. */
async function unrunnablePods(client: ClusterClient): Promise<string[]> {
  const byReason = new Map<string, string[]>();
  for (const pod of (await client.list(kube.PodKind, { namespace: 'backend' })).items) {
    const statuses = ((pod.status ?? {}) as { containerStatuses?: { name: string; state?: { waiting?: { reason?: string; message?: string } } }[] }).containerStatuses ?? [];
    for (const c of statuses) {
      const w = c.state?.waiting;
      if (w?.reason !== 'ErrImagePull' && w?.reason !== 'InvalidImageName') continue;
      const key = `${w.reason}: ${w.message ?? ''}`;
      byReason.set(key, [...(byReason.get(key) ?? []), pod.metadata.name]);
    }
  }
  return [...byReason].map(([reason, pods]) => `${pods.length} pod${pods.length === 1 ? '' : 's'} cannot start (${pods.join(', ')}): ${reason}`);
}

/** Waits until the ingress gateway routes `path` (its listener bound and its clusters warm), or the deadline; returns the last answer. */
async function gatewayAnswers(address: string, path: string, deadline: number): Promise<{ status: number; body: string }> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  let last = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = request({ host, port, path, agent: false, timeout: 2000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end();
    });
    if (last.status === 200) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}
