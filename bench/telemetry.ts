/**
 * What telemetry costs per request, on the CPU, without sockets: the
 * access log line (Envoy's default format, Istio's TEXT and JSON formats)
 * formatted from a finished stream, istio.stats recording one request
 * (labels, cached metric lookup, a counter and three histograms), and
 * local_ratelimit's decision. Run: `node bench/telemetry.ts`.
 */
import { FakeClock, seededRandom } from '@skiff/common';
import { compileJsonFormat, compileTextFormat, ENVOY_DEFAULT_FORMAT, httpAccessLogContext, ISTIO_JSON_FORMAT, ISTIO_TEXT_FORMAT } from '@skiff/proxy/access-log/index.ts';
import { HeaderMap } from '@skiff/proxy/http/codec/header-map.ts';
import { FakeStream, requestHeaders } from '@skiff/proxy/filters/http/test/fake-stream.ts';
import { createIstioStatsFilter, parseIstioStatsConfig } from '@skiff/proxy/filters/http/istio-stats/stats-filter.ts';
import { localRateLimitFilter } from '@skiff/proxy/filters/http/local-ratelimit/index.ts';
import { parseLocalRateLimitConfig } from '@skiff/proxy/filters/http/local-ratelimit/config.ts';
import { StatsRegistry } from '@skiff/proxy/stats/index.ts';
import { Host } from '@skiff/proxy/upstream/host.ts';

const N = 200_000;

function measure(name: string, fn: (i: number) => void): void {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const used = process.cpuUsage(start);
  console.log(`${name.padEnd(44)} ${(((used.user + used.system) / N)).toFixed(2)} µs CPU per request`);
}

const stream = new FakeStream();
const req = requestHeaders([['user-agent', 'curl/8.5.0'], ['x-request-id', 'b6d0b6a3-7c1f-4c7e-9d2e-1f0e0f3c2a11'], ['x-forwarded-for', '10.0.0.1']]);
(stream as unknown as { request: typeof req }).request = req;
stream.info.responseCode = 200;
stream.info.responseCodeDetails = 'via_upstream';
stream.info.upstreamHost = new Host('10.1.0.7', 9080);
stream.info.upstreamClusterName = 'outbound|9080||reviews.default.svc.cluster.local';
stream.info.routeName = 'default';
stream.info.bytesSent = 1683;
stream.info.responseHeaders = HeaderMap.from([['x-envoy-upstream-service-time', '3']]);
const logged = { info: stream.info, request: req, downstream: stream.downstream };

for (const [name, format] of [['Envoy default format', ENVOY_DEFAULT_FORMAT], ["Istio's TEXT format", ISTIO_TEXT_FORMAT]] as const) {
  const f = compileTextFormat(format);
  if (!f.ok) throw new Error(f.errors.join());
  measure(`access log: ${name}`, () => f.value(httpAccessLogContext(logged, 12)));
}
const json = compileJsonFormat(ISTIO_JSON_FORMAT);
if (!json.ok) throw new Error(json.errors.join());
measure("access log: Istio's JSON format", () => json.value(httpAccessLogContext(logged, 12)));

const clock = new FakeClock(0);
const stats = new StatsRegistry();
const node = { id: 'sidecar~10.1.0.3~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', LABELS: { app: 'productpage', version: 'v1' } } };
const statsConfig = parseIstioStatsConfig({}, []);
if (!statsConfig.ok) throw new Error('config');
const ctx = { clock, random: seededRandom(1), stats, statPrefix: 'outbound_0.0.0.0_9080', clusters: { get: () => undefined }, filterName: 'istio.stats', trafficDirection: 'OUTBOUND' as const };
const istio = createIstioStatsFilter({ node, clusterService: () => undefined }).createFactory(statsConfig.value, ctx);
measure('istio.stats: one request recorded', () => {
  const f = istio(stream);
  f.decodeHeaders?.(req, true);
  f.onDestroy?.();
});

const rl = parseLocalRateLimitConfig({ stat_prefix: 'rl', token_bucket: { max_tokens: 1_000_000_000, fill_interval: { seconds: '60' } }, filter_enabled: { default_value: { numerator: 100 } }, filter_enforced: { default_value: { numerator: 100 } } }, []);
if (!rl.ok) throw new Error(rl.errors.join());
const limiter = localRateLimitFilter.createFactory(rl.value, { ...ctx, filterName: 'envoy.filters.http.local_ratelimit' });
measure('local_ratelimit: one allowed request', () => {
  limiter(stream).decodeHeaders!(req, true);
});
