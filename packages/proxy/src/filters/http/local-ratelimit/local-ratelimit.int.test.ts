import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { assignment, echo, edsCluster, get, listener, startHarness, type Echo, type Harness } from '../../../../test/harness.ts';

const L = 'inbound_ratelimit';
const ON = { default_value: { numerator: 100, denominator: 'HUNDRED' } };

describe('local_ratelimit through a real listener (fake control plane, echo upstream, fake clock)', () => {
  let h: Harness;
  let up: Echo;
  let port = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  before(async () => {
    up = await echo('user-service');
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('u')],
      endpoints: [assignment('u', [up])],
      listeners: [listener(L, 'r', {
        statPrefix: 'inbound_0.0.0.0_9080',
        filters: [
          // seed 002's value, in the TypedStruct envelope the EnvoyFilter writes, plus the runtime fractions Envoy needs to act.
          { name: 'envoy.filters.http.local_ratelimit', typed_config: { '@type': TypeUrl.UdpaTypedStruct, type_url: TypeUrl.LocalRateLimit, value: jsonToStruct({
            stat_prefix: 'rate_limiter',
            token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: '60s' },
            filter_enabled: { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
            filter_enforced: { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
          }) } },
          { name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } },
        ],
      })],
      routes: [{
        name: 'r',
        virtual_hosts: [{
          name: 'user-service',
          domains: ['*'],
          routes: [
            { match: { prefix: '/strict' }, route: { cluster: 'u' }, typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': {
              '@type': TypeUrl.LocalRateLimit, stat_prefix: 'strict', token_bucket: { max_tokens: 2, tokens_per_fill: { value: 2 }, fill_interval: { seconds: '10' } },
              filter_enabled: ON, filter_enforced: ON, enable_x_ratelimit_headers: 'DRAFT_VERSION_03',
            } } },
            {
              match: { prefix: '/by-user' },
              route: { cluster: 'u', rate_limits: [{ actions: [{ request_headers: { header_name: 'x-user', descriptor_key: 'user' } }] }] },
              typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': {
                '@type': TypeUrl.LocalRateLimit, stat_prefix: 'by_user', filter_enabled: ON, filter_enforced: ON,
                token_bucket: { max_tokens: 1000, fill_interval: { seconds: '60' } },
                descriptors: [{ entries: [{ key: 'user', value: 'jason' }], token_bucket: { max_tokens: 1, fill_interval: { seconds: '60' } } }],
              } },
            },
            { match: { prefix: '/' }, route: { cluster: 'u' } },
          ],
        }],
      }],
    });
    port = h.port(L);
  });

  after(async () => {
    agent.destroy();
    await h.close();
    await up.stop();
  });

  it('answers the 101st request within the fill interval 429 local_rate_limited, and serves again after the interval', async () => {
    for (let i = 0; i < 100; i++) assert.equal((await get(port, `/users/${i}`, {}, agent)).status, 200);
    const limited = await get(port, '/users/101', {}, agent);
    assert.equal(limited.status, 429);
    assert.equal(limited.body, 'local_rate_limited');
    assert.equal(limited.headers['x-envoy-ratelimited'], 'true');
    assert.equal(up.seen.filter((s) => s.path.startsWith('/users/')).length, 100);
    const stat = (s: string) => h.proxy.stats.counter(`rate_limiter.http_local_rate_limit.${s}`).value;
    assert.deepEqual(['enabled', 'ok', 'rate_limited', 'enforced'].map(stat), [101, 100, 1, 1]);
    h.clock.advance(60_000);
    assert.equal((await get(port, '/users/after-refill', {}, agent)).status, 200);
  });

  it("limits by descriptor: the route's rate_limits action makes {user: jason}, which has its own bucket of 1", async () => {
    const statuses = [];
    for (const user of ['jason', 'jason', 'kim', 'kim']) statuses.push((await get(port, '/by-user', { 'x-user': user }, agent)).status);
    assert.deepEqual(statuses, [200, 429, 200, 200]);
    assert.equal((await get(port, '/by-user', {}, agent)).status, 200);
  });

  it('limits a route with its own typed_per_filter_config bucket and reports x-ratelimit-* headers', async () => {
    h.clock.advance(60_000);
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await get(port, '/strict', {}, agent));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 429]);
    assert.deepEqual(replies.map((r) => r.headers['x-ratelimit-remaining']), ['1', '0', '0']);
    assert.equal(replies[2].headers['x-ratelimit-limit'], '2');
    assert.equal(h.proxy.stats.counter('strict.http_local_rate_limit.rate_limited').value, 1);
    // The filter-level bucket was not touched by the route's requests.
    assert.equal((await get(port, '/users/other', {}, agent)).status, 200);
  });
});
