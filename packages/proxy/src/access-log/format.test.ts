import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessLogContext } from './context.ts';
import { compileJsonFormat, compileTextFormat, ENVOY_DEFAULT_FORMAT, ISTIO_JSON_FORMAT, ISTIO_TEXT_FORMAT } from './format.ts';

function context(over: Partial<AccessLogContext> = {}, req: Record<string, string> = {}, resp: Record<string, string> = {}): AccessLogContext {
  const request: Record<string, string> = { ':method': 'GET', ':path': '/productpage?x=1', ':authority': 'productpage:9080', 'user-agent': 'curl/8.5.0', 'x-request-id': 'a1b2', ...req };
  return {
    startMs: Date.UTC(2026, 10, 22, 8, 30, 1, 234),
    durationMs: 12.7,
    protocol: 'HTTP/1.1',
    responseCode: 200,
    responseFlags: '-',
    responseCodeDetails: 'via_upstream',
    connectionTerminationDetails: '',
    upstreamTransportFailureReason: '',
    bytesReceived: 0,
    bytesSent: 1683,
    upstreamHost: '127.1.0.7:9080',
    upstreamCluster: 'outbound|9080||productpage.default.svc.cluster.local',
    upstreamLocalAddress: '',
    downstreamLocalAddress: '127.1.0.7:9080',
    downstreamRemoteAddress: '127.1.0.3:40312',
    requestedServerName: '',
    routeName: 'default',
    attemptCount: 1,
    requestHeader: (n) => request[n],
    responseHeader: (n) => ({ 'x-envoy-upstream-service-time': '11', ...resp })[n],
    responseTrailer: () => undefined,
    ...over,
  };
}

const text = (f: string) => {
  const r = compileTextFormat(f);
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
};

describe('access log formats', () => {
  it("prints Envoy's default format with - for missing values", () => {
    assert.equal(text(ENVOY_DEFAULT_FORMAT)(context()),
      '[2026-11-22T08:30:01.234Z] "GET /productpage?x=1 HTTP/1.1" 200 - 0 1683 12 11 "-" "curl/8.5.0" "a1b2" "productpage:9080" "127.1.0.7:9080"\n');
  });

  it("prints Istio's TEXT format for a local reply (no upstream host)", () => {
    const line = text(ISTIO_TEXT_FORMAT)(context({ responseCode: 503, responseFlags: 'UH', responseCodeDetails: 'no_healthy_upstream', upstreamHost: '', bytesSent: 19 }, {}, { 'x-envoy-upstream-service-time': undefined as unknown as string }));
    assert.equal(line, '[2026-11-22T08:30:01.234Z] "GET /productpage?x=1 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 12 - "-" "curl/8.5.0" "a1b2" "productpage:9080" "-" outbound|9080||productpage.default.svc.cluster.local - 127.1.0.7:9080 127.1.0.3:40312 - default\n');
  });

  it('prefers X in %REQ(X?Y)%, falls back to Y, truncates to :Z, and keeps %% literal', () => {
    assert.equal(text('%REQ(X-ENVOY-ORIGINAL-PATH?:PATH):5% 100%%')(context()), '/prod 100%');
    assert.equal(text('%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%')(context({}, { 'x-envoy-original-path': '/orig' })), '/orig');
    assert.equal(text('%START_TIME(%Y/%m/%d %H:%M:%S.%3f)%')(context()), '2026/11/22 08:30:01.234');
  });

  it("rejects unknown operators with Envoy's message", () => {
    assert.deepEqual(compileTextFormat('%NOPE%'), { ok: false, errors: ['Not supported field in StreamInfo: NOPE'] });
    assert.equal(compileTextFormat('%REQ(').ok, false);
  });

  it("encodes Istio's JSON format with numbers as numbers, null for missing values and sorted keys", () => {
    const r = compileJsonFormat(ISTIO_JSON_FORMAT);
    assert.ok(r.ok);
    const line = r.value(context({ responseFlags: 'RL', responseCode: 429, responseCodeDetails: 'local_rate_limited', upstreamHost: '', upstreamCluster: '' }));
    assert.ok(line.endsWith('}\n'));
    const o = JSON.parse(line);
    assert.deepEqual(Object.keys(o), Object.keys(ISTIO_JSON_FORMAT).sort());
    assert.equal(o.response_code, 429);
    assert.equal(o.response_flags, 'RL');
    assert.equal(o.bytes_sent, 1683);
    assert.equal(o.upstream_host, null);
    assert.equal(o.path, '/productpage?x=1');
    assert.equal(o.start_time, '2026-11-22T08:30:01.234Z');
  });
});
