import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignment, echo, edsCluster, get, listener, startHarness, type Echo, type Harness } from './harness.ts';

const L = 'outbound_hash';

/** Ring hash and maglev clusters over five echo upstreams; routes with each hash policy. */
describe('hash policies through the proxy (ring hash and maglev, real sockets)', () => {
  let h: Harness;
  let ups: Echo[];
  let port = 0;

  const route = (prefix: string, cluster: string, hashPolicy: Record<string, unknown>[]) => ({ match: { prefix }, route: { cluster, hash_policy: hashPolicy } });

  before(async () => {
    ups = await Promise.all(['u0', 'u1', 'u2', 'u3', 'u4'].map((n) => echo(n)));
    h = await startHarness();
    await h.push({
      clusters: [edsCluster('ring', { lb_policy: 'RING_HASH' }), edsCluster('maglev', { lb_policy: 'MAGLEV' })],
      endpoints: [assignment('ring', ups), assignment('maglev', ups)],
      listeners: [listener(L, 'r')],
      routes: [{
        name: 'r',
        virtual_hosts: [{
          name: 'reviews',
          domains: ['*'],
          routes: [
            route('/cookie', 'ring', [{ cookie: { name: 'session', ttl: { seconds: '3600' }, path: '/cookie' } }]),
            route('/plain-cookie', 'ring', [{ cookie: { name: 'session' } }]),
            route('/header', 'maglev', [{ header: { header_name: 'x-user' } }]),
            route('/query', 'ring', [{ query_parameter: { name: 'user' } }]),
            route('/source', 'maglev', [{ connection_properties: { source_ip: true } }]),
            route('/terminal', 'ring', [{ header: { header_name: 'x-user' }, terminal: true }, { header: { header_name: 'x-other' } }]),
            route('/both', 'ring', [{ header: { header_name: 'x-user' } }, { header: { header_name: 'x-other' } }]),
          ],
        }],
      }],
    });
    port = h.port(L);
  });

  after(async () => {
    await h.close();
    await Promise.all(ups.map((u) => u.stop()));
  });

  const upstream = async (path: string, headers: Record<string, string> = {}) => JSON.parse((await get(port, path, headers)).body).upstream as string;
  const distinct = async (n: number, path: (i: number) => string, headers: (i: number) => Record<string, string> = () => ({})) => {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(await upstream(path(i), headers(i)));
    return seen;
  };

  it("generates the cookie when absent (Envoy's Set-Cookie with Max-Age, Path, HttpOnly), then sticks to one host with it", async () => {
    const first = await get(port, '/cookie/a');
    const setCookie = first.headers['set-cookie'];
    assert.equal(setCookie?.length, 1);
    assert.match(setCookie![0], /^session="[0-9a-f]{16}"; Max-Age=3600; Path=\/cookie; HttpOnly$/);
    const cookie = setCookie![0].split(';')[0];
    const target = JSON.parse(first.body).upstream;
    for (let i = 0; i < 10; i++) {
      const r = await get(port, `/cookie/${i}`, { cookie: `other=1; ${cookie}` });
      assert.equal(JSON.parse(r.body).upstream, target);
      assert.equal(r.headers['set-cookie'], undefined, 'no new cookie once the client has one');
    }
  });

  it('without ttl, does not generate a cookie, and requests without it spread', async () => {
    const r = await get(port, '/plain-cookie');
    assert.equal(r.headers['set-cookie'], undefined);
    assert.ok((await distinct(30, () => '/plain-cookie')).size > 1);
    assert.equal((await distinct(10, () => '/plain-cookie', () => ({ cookie: 'session=abc' }))).size, 1);
  });

  it('hashes on a header (maglev) and a query parameter (ring hash): same value, same host; values spread', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      assert.equal((await distinct(8, () => '/header', () => ({ 'x-user': user }))).size, 1);
      assert.equal((await distinct(8, (i) => `/query?x=${i}&user=${user}`)).size, 1);
    }
    assert.ok((await distinct(40, () => '/header', (i) => ({ 'x-user': `user-${i}` }))).size >= 3);
    assert.ok((await distinct(40, (i) => `/query?user=u${i}`)).size >= 3);
  });

  it('hashes on the source IP: one client address, one host', async () => {
    assert.equal((await distinct(15, () => '/source')).size, 1);
  });

  it('stops at a terminal policy that produced a hash; otherwise combines the policies', async () => {
    assert.equal((await distinct(20, () => '/terminal', (i) => ({ 'x-user': 'jason', 'x-other': String(i) }))).size, 1);
    assert.ok((await distinct(30, () => '/both', (i) => ({ 'x-user': 'jason', 'x-other': String(i) }))).size > 1);
    // The terminal policy yields nothing without its header: the next one decides.
    assert.equal((await distinct(10, () => '/terminal', () => ({ 'x-other': 'same' }))).size, 1);
  });
});
