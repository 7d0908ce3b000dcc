/**
 * `skiff proxy` with the agent ports: readiness before and after the first
 * config, the proxy's stats on the Prometheus port, and POST /quitquitquit
 * ending the command (in-process, ports chosen by the OS).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { TypeUrl } from '@skiff/api';
import { FakeControlPlane } from '@skiff/testing';
import { UsageError } from '@skiff/cli';
import { agentOptions, runProxy } from './index.ts';

function request(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function eventually(what: string, f: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
}

describe('skiff proxy --status-port / --readiness-port / --prometheus-port', () => {
  let plane: FakeControlPlane;

  before(async () => {
    plane = await FakeControlPlane.start();
  });

  after(async () => {
    await plane.stop();
  });

  it('checks the flags', () => {
    assert.equal(agentOptions({}), undefined);
    assert.deepEqual(agentOptions({ 'status-port': '15020', 'app-metrics-url': 'http://127.2.0.7:9090/metrics', 'local-capture': true, ip: '127.1.0.7' }),
      { host: '127.1.0.7', mergedPort: 15020, healthPort: undefined, statsPort: undefined, appMetricsUrl: 'http://127.2.0.7:9090/metrics' });
    assert.throws(() => agentOptions({ 'readiness-port': 'x' }), UsageError);
    assert.throws(() => agentOptions({ 'app-metrics-url': 'http://a/metrics' }), /needs --status-port/);
  });

  it('serves readiness and stats, and stops on POST /quitquitquit', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const io = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), cwd: process.cwd() };
    const never = new Promise<string>(() => {});
    const done = runProxy(['sidecar'], {
      ip: '127.0.0.1', 'pod-name': 'reviews-1', namespace: 'default', 'xds-address': plane.address, 'admin-port': '0',
      'readiness-port': '0', 'prometheus-port': '0', 'status-port': '0',
    }, io, never);
    await eventually('the banner', () => out.includes('Press Ctrl-C'));
    const port = (label: string) => Number(new RegExp(`${label}:\\s+http://[^:]+:(\\d+)`).exec(out)?.[1]);
    assert.equal((await request(port('readiness'), '/healthz/ready')).status, 503);
    plane.setResources(TypeUrl.Cluster, []);
    plane.setResources(TypeUrl.Listener, []);
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await request(port('readiness'), '/healthz/ready')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(ready, 200);
    assert.match((await request(port('stats'), '/stats/prometheus')).body, /^envoy_listener_manager_lds_update_success\{\} 1$/m);
    assert.match((await request(port('status'), '/stats/prometheus')).body, /^envoy_cluster_manager_cds_update_success\{\} 1$/m);
    assert.deepEqual(await request(port('admin'), '/quitquitquit', 'POST'), { status: 200, body: 'OK\n' });
    assert.equal(await done, 0);
    assert.match(out, /quitquitquit: shutting down/);
  });
});
