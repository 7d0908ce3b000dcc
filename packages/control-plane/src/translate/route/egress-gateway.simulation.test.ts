/**
 * Seed 002 egress gateway, simulated end to end through both hops: a
 * sidecar's request for httpbin.org follows its LDS to RDS and lands on the
 * egress gateway's cluster; the egress gateway's listener (Service port 80
 * → targetPort 8080) follows its RDS to the httpbin.org cluster. Every hop
 * uses the name the previous one handed over, and each cluster exists in
 * that proxy's CDS.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom } from '@skiff/common';
import { configGen, routeTableFor, routerProxy, sidecarProxy, type ConfigGen } from '@skiff/testing/config-gen.ts';
import { pickCluster, routeRequest, type RouteRequestInit } from '@skiff/proxy/http/route-table/index.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { ListenerWire } from '../listener/index.ts';

const seed = (file: string) => readFileSync(new URL(`../../../../config/testdata/seeds/${file}`, import.meta.url), 'utf8');

const EGRESS_SERVICE = `
apiVersion: v1
kind: Service
metadata: {name: istio-egressgateway, namespace: istio-system, labels: {istio: egressgateway}}
spec:
  selector: {istio: egressgateway}
  clusterIP: 10.96.8.8
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Pod
metadata: {name: egress-1, namespace: istio-system, labels: {istio: egressgateway}, annotations: {skiff.test/ip: 10.1.8.8}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
`;
const YAML = EGRESS_SERVICE + ['002-egress-gateway.yaml', '002-httpbin-serviceentry.yaml', '002-httpbin-destinationrule.yaml', '002-httpbin-through-egress-virtualservice.yaml'].map(seed).join('\n---\n');
const EGRESS_CLUSTER = 'outbound|80||istio-egressgateway.istio-system.svc.cluster.local';
const HTTPBIN_CLUSTER = 'outbound|80||httpbin.org';

const sidecar = sidecarProxy({ ip: '10.1.0.5', labels: { app: 'sleep' } });
const egress = routerProxy({ ip: '10.1.8.8', namespace: 'istio-system', labels: { istio: 'egressgateway' } });

/** The RDS name the HTTP chain of listener `name` asks for. */
function rdsOf(gen: ConfigGen, proxy: Proxy, name: string): string {
  const l: ListenerWire = gen.listener(proxy, name);
  for (const chain of [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
    for (const f of chain.filters) {
      const rds = (f.typed_config as { rds?: { route_config_name?: string } }).rds?.route_config_name;
      if (rds) return rds;
    }
  }
  throw new Error(`listener ${name} has no HTTP chain`);
}

function clusterFor(gen: ConfigGen, proxy: Proxy, routeName: string, init: RouteRequestInit): string | undefined {
  const m = routeTableFor(gen, proxy, routeName).route(routeRequest(init));
  if (!m || m.action.type !== 'route') return undefined;
  return pickCluster(m.action.route.clusterSpecifier, routeRequest(init), seededRandom(1))?.name;
}

describe('seed 002 egress gateway', () => {
  const gen = configGen({ yaml: YAML });

  it('sends a sidecar request for httpbin.org to the egress gateway cluster', () => {
    const rds = rdsOf(gen, sidecar, '0.0.0.0_80');
    assert.equal(rds, '80');
    for (const authority of ['httpbin.org', 'httpbin.org:80']) {
      assert.equal(clusterFor(gen, sidecar, rds, { authority, path: '/headers' }), EGRESS_CLUSTER, authority);
    }
    assert.ok(gen.clusters(sidecar).some((c) => c.name === EGRESS_CLUSTER), 'the sidecar has the egress gateway cluster');
  });

  it('has the egress gateway send httpbin.org on to the httpbin.org cluster, a STRICT_DNS cluster with the DestinationRule limits', () => {
    const listeners = gen.listeners(egress).map((l) => l.name);
    assert.deepEqual(listeners, ['0.0.0.0_8080']);
    const rds = rdsOf(gen, egress, '0.0.0.0_8080');
    assert.equal(rds, 'http.8080');
    for (const authority of ['httpbin.org', 'httpbin.org:80']) {
      assert.equal(clusterFor(gen, egress, rds, { authority, path: '/headers' }), HTTPBIN_CLUSTER, authority);
    }
    const httpbin = gen.cluster(egress, HTTPBIN_CLUSTER);
    assert.equal(httpbin.type, 'STRICT_DNS');
    assert.equal(httpbin.circuit_breakers?.thresholds?.[0]?.max_connections?.value, 5);
  });

  it('does not route the egress gateway back to itself, nor the sidecar straight to httpbin.org', () => {
    assert.notEqual(clusterFor(gen, egress, 'http.8080', { authority: 'httpbin.org' }), EGRESS_CLUSTER);
    assert.notEqual(clusterFor(gen, sidecar, '80', { authority: 'httpbin.org' }), HTTPBIN_CLUSTER);
  });
});
