import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeUrl } from '@skiff/api';
import { FakeAdsClient } from '@skiff/testing';

const BIN = fileURLToPath(new URL('../../../bin/skiff.js', import.meta.url));

const MANIFESTS = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v1, namespace: default, labels: {app: reviews, version: v1}}
spec:
  containers: [{name: reviews, image: reviews}]
status: {phase: Running, podIP: 10.1.0.1}
`;

const BAD = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: SIDEWAYS}
`;

interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

let dir: string;
let run: Run | undefined;
let held: Server | undefined;
let client: FakeAdsClient | undefined;
afterEach(async () => {
  client?.close();
  if (run?.child.pid !== undefined && run.child.exitCode === null && run.child.signalCode === null) process.kill(run.child.pid, 'SIGKILL');
  await run?.exited;
  await new Promise((r) => (held ? held.close(r) : r(undefined)));
  run = undefined;
  held = undefined;
  client = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function skiff(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKIFF_DEBUG: '' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  run = { child, stdout: () => out, stderr: () => err, exited };
  return run;
}

/** Polls (real time, bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string, r: Run): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

describe('skiff control-plane', () => {
  it('serves the files, answers /debug/syncz for a connected proxy, prints config errors with file:line, and exits 0 on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-cli-cp-'));
    await writeFile(join(dir, 'mesh.yaml'), MANIFESTS);
    await writeFile(join(dir, 'bad.yaml'), BAD);
    const r = await skiff(['control-plane', '-f', '.', '--xds-address', '127.0.0.1:0', '--monitoring-address', '127.0.0.1:0']);
    await until(() => r.stdout().includes('Press Ctrl-C to stop.'), 'the control plane to start', r);
    assert.match(r.stdout(), /config: +\. \(2 files, 2 objects; following edits\)/);
    assert.match(r.stderr(), /^bad\.yaml:7:\d+: error: DestinationRule default\/reviews: spec\.trafficPolicy\.loadBalancer\.simple: /m);
    const xds = /xDS \(ADS\): +(127\.0\.0\.1:\d+)/.exec(r.stdout())![1];
    const monitoring = /monitoring: +(http:\/\/127\.0\.0\.1:\d+)/.exec(r.stdout())![1];

    client = new FakeAdsClient({ address: xds, nodeId: 'sidecar~10.1.0.9~productpage-abc.default~default.svc.cluster.local', timeoutMs: 3000 });
    client.subscribe(TypeUrl.Cluster);
    const cds = await client.next(TypeUrl.Cluster);
    assert.ok(cds.resources.has('outbound|9080||reviews.default.svc.cluster.local'));
    const syncz = (await (await fetch(`${monitoring}/debug/syncz`)).json()) as { proxy: string; xds_status: Record<string, string> }[];
    assert.deepEqual(syncz.map((s) => s.proxy), ['productpage-abc.default']);
    assert.equal(syncz[0].xds_status.CDS, 'SYNCED');

    client.close();
    process.kill(r.child.pid!, 'SIGTERM');
    assert.equal(await withTimeout(r.exited, 5000, 'exit after SIGTERM'), 0);
    assert.match(r.stdout(), /SIGTERM: shutting down\ncontrol plane stopped\n$/);
  });

  it('reports a port in use in one line and exits 1, without a stack trace', async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-cli-cp-'));
    await writeFile(join(dir, 'mesh.yaml'), MANIFESTS);
    held = createServer();
    const port = await new Promise<number>((resolve) => held!.listen(0, '127.0.0.1', () => resolve((held!.address() as { port: number }).port)));
    const r = await skiff(['control-plane', '-f', 'mesh.yaml', '--xds-address', '127.0.0.1:0', '--monitoring-address', `127.0.0.1:${port}`]);
    assert.equal(await withTimeout(r.exited, 5000, 'exit'), 1);
    assert.equal(r.stderr(), `Error: cannot serve monitoring on 127.0.0.1:${port}: address already in use\n`);
  });
});
