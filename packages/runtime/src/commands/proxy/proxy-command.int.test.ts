/**
 * `skiff proxy sidecar --local-capture` as the supervisor runs it: its own
 * process (stopped by its pid), fed by a fake control plane with Istio's
 * capture listeners. The pod IP's service port is captured and forwarded
 * to the application address; the admin interface answers on the pod IP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TypeUrl } from '@skiff/api';
import { FakeControlPlane } from '@skiff/testing';

const SKIFF = fileURLToPath(new URL('../../../bin/skiff.js', import.meta.url));
const K = 10 + (process.pid % 200);
const POD_IP = `127.1.${K}.77`;
const APP_IP = `127.2.${K}.77`;

const tcp = (cluster: string) => [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: cluster, cluster } }];

function get(host: string, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function eventually<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('skiff proxy sidecar --local-capture (a process)', () => {
  let plane: FakeControlPlane;
  let app: http.Server;
  let child: ChildProcess;
  let appPort = 0;
  let stderr = '';

  before(async () => {
    app = http.createServer((req, res) => res.end(`app saw ${req.url} from ${req.socket.remoteAddress}`));
    await new Promise<void>((r) => app.listen(0, APP_IP, r));
    appPort = (app.address() as AddressInfo).port;
    plane = await FakeControlPlane.start();
    plane.setResources(TypeUrl.Cluster, [
      { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: { seconds: '1' } },
      { name: `inbound|${appPort}||`, type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: { seconds: '1' }, upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } } },
    ]);
    plane.setResources(TypeUrl.Listener, [
      { name: 'virtualOutbound', address: { socket_address: { address: '0.0.0.0', port_value: 15001 } }, use_original_dst: { value: true }, filter_chains: [{ filters: tcp('PassthroughCluster') }] },
      {
        name: 'virtualInbound', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
        filter_chains: [{ filter_chain_match: { destination_port: { value: appPort } }, filters: tcp(`inbound|${appPort}||`) }],
      },
    ]);
    child = spawn(process.execPath, [SKIFF, 'proxy', 'sidecar', '--ip', POD_IP, '--local-capture', '--app-ip', APP_IP, '--pod-name', 'reviews-v1', '--namespace', 'default', '--xds-address', plane.address], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  });

  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    await plane.stop();
    await new Promise((r) => app.close(r));
  });

  it("forwards the pod IP's captured port to the application address and serves admin on the pod IP", async () => {
    const r = await eventually('the captured port', () => get(POD_IP, appPort, '/hello'), (v) => v.status === 200);
    assert.equal(r.body, `app saw /hello from 127.0.0.6`, stderr);
    const ready = await eventually('admin /ready on the pod IP', () => get(POD_IP, 15000, '/ready'), (v) => v.status === 200);
    assert.equal(ready.body.trim(), 'LIVE');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});
