import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { assignment, echo, edsCluster, get, listener, startHarness, until, type Echo, type Harness } from '../../test/harness.ts';
import { ISTIO_JSON_FORMAT } from './format.ts';

const ON = { default_value: { numerator: 100, denominator: 'HUNDRED' } };

describe('access logs on the HCM (real listener, echo upstream): Envoy default TEXT and Istio JSON', () => {
  let h: Harness;
  let up: Echo;
  let dir: string;
  let port = 0;
  const textPath = () => join(dir, 'text.log');
  const jsonPath = () => join(dir, 'json.log');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-access-log-'));
    up = await echo('reviews');
    h = await startHarness();
    const hcm = listener('l', 'r', {
      filters: [
        { name: 'envoy.filters.http.local_ratelimit', typed_config: { '@type': TypeUrl.LocalRateLimit, stat_prefix: 'http_local_rate_limiter' } },
        { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } },
      ],
    }) as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
    hcm.filter_chains[0].filters[0].typed_config.access_log = [
      { name: 'envoy.access_loggers.file', typed_config: { '@type': TypeUrl.FileAccessLog, path: textPath() } },
      { name: 'envoy.access_loggers.file', typed_config: { '@type': TypeUrl.FileAccessLog, path: jsonPath(), log_format: { json_format: jsonToStruct(ISTIO_JSON_FORMAT) } } },
    ];
    await h.push({
      clusters: [edsCluster('ok'), edsCluster('empty'), edsCluster('tight', { circuit_breakers: { thresholds: [{ max_requests: { value: 1 }, max_pending_requests: { value: 1 }, max_connections: { value: 1 } }] } })],
      endpoints: [assignment('ok', [up]), assignment('empty', []), assignment('tight', [up])],
      listeners: [hcm],
      routes: [{
        name: 'r',
        virtual_hosts: [{
          name: 'reviews',
          domains: ['reviews', 'reviews:*'],
          routes: [
            { name: 'empty-route', match: { prefix: '/empty' }, route: { cluster: 'empty' } },
            { name: 'tight-route', match: { prefix: '/tight' }, route: { cluster: 'tight' } },
            { name: 'hold-route', match: { prefix: '/hold' }, route: { cluster: 'tight' } },
            { name: 'limited', match: { prefix: '/limited' }, route: { cluster: 'ok' }, typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': {
              '@type': TypeUrl.LocalRateLimit, stat_prefix: 'limited', token_bucket: { max_tokens: 1, fill_interval: { seconds: '60' } }, filter_enabled: ON, filter_enforced: ON,
            } } },
            { name: 'default', match: { prefix: '/' }, route: { cluster: 'ok' } },
          ],
        }],
      }],
    });
    port = h.port('l');
  });

  after(async () => {
    await h.close();
    await up.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function lines(path: string, count: number): Promise<string[]> {
    await until(() => h.proxy.accessLogSinks.get(path) !== undefined, 'the sink');
    let out: string[] = [];
    await until(() => {
      try {
        out = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
      } catch {
        out = [];
      }
      return out.length >= count;
    }, `${count} log lines in ${path}`);
    return out;
  }

  it('writes one line per request, routed and local replies (UH, NR, UO, RL), in both formats', async () => {
    assert.equal((await get(port, '/productpage', { 'user-agent': 'curl/8.5.0', 'x-request-id': 'req-1' })).status, 200);
    assert.equal((await get(port, '/empty', { 'x-request-id': 'req-2' })).status, 503);
    assert.equal((await get(port, '/x', { host: 'nowhere', 'x-request-id': 'req-3' })).status, 404);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const held = get(port, '/hold', { 'x-request-id': 'req-4' }, agent);
    await until(() => up.held === 1, 'the held request');
    assert.equal((await get(port, '/tight', { 'x-request-id': 'req-5' }, agent)).status, 503);
    up.release();
    assert.equal((await held).status, 200);
    agent.destroy();
    assert.equal((await get(port, '/limited', { 'x-request-id': 'req-6' })).status, 200);
    assert.equal((await get(port, '/limited', { 'x-request-id': 'req-7' })).status, 429);

    const text = await lines(textPath(), 7);
    const byId = (id: string) => text.find((l) => l.includes(`"${id}"`)) ?? `(no line for ${id})`;
    const routed = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] "GET \/productpage HTTP\/1\.1" 200 - 0 (\d+) \d+ \d+ "-" "curl\/8\.5\.0" "req-1" "reviews" "127\.0\.0\.1:(\d+)"$/.exec(byId('req-1'));
    assert.ok(routed, byId('req-1'));
    assert.equal(Number(routed[2]), up.port);
    assert.match(byId('req-2'), /"GET \/empty HTTP\/1\.1" 503 UH 0 19 \d+ - "-" "-" "req-2" "reviews" "-"$/);
    assert.match(byId('req-3'), /"GET \/x HTTP\/1\.1" 404 NR 0 0 \d+ - "-" "-" "req-3" "nowhere" "-"$/);
    assert.match(byId('req-5'), /"GET \/tight HTTP\/1\.1" 503 UO 0 \d+ \d+ - "-" "-" "req-5" "reviews" "-"$/);
    assert.match(byId('req-7'), /"GET \/limited HTTP\/1\.1" 429 RL 0 18 \d+ - "-" "-" "req-7" "reviews" "-"$/);

    const json = (await lines(jsonPath(), 7)).map((l) => JSON.parse(l) as Record<string, unknown>);
    const j = (id: string) => json.find((o) => o.request_id === id) ?? {};
    assert.deepEqual(
      ['req-1', 'req-2', 'req-3', 'req-5', 'req-7'].map((id) => [j(id).response_code, j(id).response_flags, j(id).response_code_details, j(id).route_name, j(id).upstream_cluster]),
      [
        [200, null, 'via_upstream', 'default', 'ok'],
        [503, 'UH', 'no_healthy_upstream', 'empty-route', 'empty'],
        [404, 'NR', 'route_not_found', null, null],
        [503, 'UO', 'upstream_reset_before_response_started{overflow}', 'tight-route', 'tight'],
        [429, 'RL', 'local_rate_limited', 'limited', null],
      ],
    );
    assert.equal(j('req-1').method, 'GET');
    assert.equal(j('req-1').protocol, 'HTTP/1.1');
    assert.equal(typeof j('req-1').duration, 'number');
    assert.match(String(j('req-1').downstream_remote_address), /^127\.0\.0\.1:\d+$/);
  });
});
