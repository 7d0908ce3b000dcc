import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/common';
import type { LbRequestContext } from '../../load-balancers/types.ts';
import { parseCluster } from '../../xds-client/index.ts';
import { PrioritySet } from '../priority-set.ts';
import { OriginalDstLoadBalancer, parseIpPort } from './original-dst-load-balancer.ts';

function originalDst(extra: Record<string, unknown> = {}) {
  const r = parseCluster({ name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', ...extra });
  if (!r.ok) throw new Error(r.errors.join());
  return r.value.discovery.originalDst!;
}

function ctx(dst: { address: string; port: number } | undefined, headers: Record<string, string> = {}): LbRequestContext {
  return { hashKey: undefined, shouldSelectAnotherHost: () => false, hostSelectionRetryMaxAttempts: 1, originalDestination: dst, downstreamHeader: (n) => headers[n] };
}

function make(extra: Record<string, unknown> = {}, mapAddress?: (a: string) => string) {
  const clock = new FakeClock(0);
  const hosts = new PrioritySet();
  const lb = new OriginalDstLoadBalancer({ config: originalDst(extra), clock, prioritySet: hosts, mapAddress });
  return { lb, clock, hosts: () => hosts.allHosts.map((h) => h.key) };
}

describe('ORIGINAL_DST load balancer', () => {
  it("picks the downstream connection's original destination, one host per destination, shown in the priority set", () => {
    const t = make();
    const a = t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }));
    assert.equal(a?.key, '10.0.0.1:80');
    assert.equal(t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 })), a, 'the same host object is reused');
    t.lb.picker.pick(ctx({ address: '10.0.0.2', port: 8080 }));
    assert.deepEqual(t.hosts(), ['10.0.0.1:80', '10.0.0.2:8080']);
  });

  it('selects no host without an original destination', () => {
    assert.equal(make().lb.picker.pick(null), null);
    assert.equal(make().lb.picker.pick(ctx(undefined)), null);
  });

  it('with use_http_header reads x-envoy-original-dst-host (ip:port only), else the connection', () => {
    const t = make({ original_dst_lb_config: { use_http_header: true } });
    assert.equal(t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }, { 'x-envoy-original-dst-host': '10.0.0.9:9090' }))?.key, '10.0.0.9:9090');
    assert.equal(t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }, { 'x-envoy-original-dst-host': '[fd00::1]:443' }))?.key, '[fd00::1]:443');
    assert.equal(t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }, { 'x-envoy-original-dst-host': 'reviews:9080' })), null, 'a name is not a destination');
    assert.equal(t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }))?.key, '10.0.0.1:80');
  });

  it('honours http_header_name and upstream_port_override', () => {
    const t = make({ original_dst_lb_config: { use_http_header: true, http_header_name: 'X-Dst', upstream_port_override: { value: 7000 } } });
    assert.equal(t.lb.picker.pick(ctx(undefined, { 'x-dst': '10.0.0.5:80' }))?.key, '10.0.0.5:7000');
  });

  it("maps the destination's address (local mode: pod IP → application address)", () => {
    const t = make({}, (a) => (a === '127.1.0.7' ? '127.2.0.7' : a));
    assert.equal(t.lb.picker.pick(ctx({ address: '127.1.0.7', port: 9080 }))?.key, '127.2.0.7:9080');
  });

  it('removes hosts no pick used during a cleanup_interval (default 5 s)', () => {
    const t = make();
    t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }));
    t.lb.picker.pick(ctx({ address: '10.0.0.2', port: 80 }));
    t.clock.advance(5000); // first sweep: both were used since creation
    assert.deepEqual(t.hosts(), ['10.0.0.1:80', '10.0.0.2:80']);
    t.lb.picker.pick(ctx({ address: '10.0.0.2', port: 80 }));
    t.clock.advance(5000);
    assert.deepEqual(t.hosts(), ['10.0.0.2:80']);
    t.clock.advance(5000);
    assert.deepEqual(t.hosts(), []);
    t.lb.destroy();
  });

  it("never sweeps with Istio's 'never' interval for inbound clusters", () => {
    const t = make({ cleanup_interval: { seconds: '9223372035' } });
    t.lb.picker.pick(ctx({ address: '10.0.0.1', port: 80 }));
    t.clock.advance(365 * 24 * 3600_000);
    assert.deepEqual(t.hosts(), ['10.0.0.1:80']);
  });

  it('rejects a zero cleanup_interval and a port override past 65535, with field paths', () => {
    const r = parseCluster({ name: 'p', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', cleanup_interval: { seconds: '0' }, original_dst_lb_config: { upstream_port_override: { value: 70000 } } });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors, [
      'original_dst_lb_config.upstream_port_override.value: value must be less than or equal to 65535',
      'cleanup_interval: value must be greater than 0s',
    ]);
  });
});

describe('parseIpPort', () => {
  it('accepts ip:port and [ipv6]:port only', () => {
    assert.deepEqual(parseIpPort('10.1.2.3:80'), { address: '10.1.2.3', port: 80 });
    assert.deepEqual(parseIpPort('[::1]:8080'), { address: '::1', port: 8080 });
    for (const bad of ['10.1.2.3', 'host:80', '10.1.2.3:0', '10.1.2.3:65536', '::1:80']) assert.equal(parseIpPort(bad), undefined, bad);
  });
});
