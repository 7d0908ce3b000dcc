import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '@skiff/common';
import type { ClientConnection, ResponseSink } from '../../http/codec/client-connection.ts';
import { HeaderMap } from '../../http/codec/header-map.ts';
import { Http1ConnPool, type ConnPoolOptions } from './conn-pool.ts';
import type { PoolFailure } from './pool-failure.ts';

async function upstream() {
  let connections = 0;
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** One GET through the pool; resolves with the body. */
function get(pool: Http1ConnPool): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const sink: ResponseSink = {
      onResponseHead() {},
      onResponseData: (c) => parts.push(Buffer.from(c)),
      onResponseTrailers() {},
      onResponseEnd: () => resolve(Buffer.concat(parts).toString()),
      onReset: reject,
    };
    const headers = new HeaderMap();
    headers.add('Host', 'h');
    const r = pool.newStream({
      onPoolReady: (conn: ClientConnection) => conn.startRequest('GET', '/', headers, 'none', -1, undefined, sink),
      onPoolFailure: (f: PoolFailure) => reject(f),
    });
    if (r.status === 'overflow') reject(r.failure);
  });
}

describe('Http1ConnPool', () => {
  const make = (port: number, extra: Partial<ConnPoolOptions> = {}) => new Http1ConnPool({ clock: new FakeClock(0), host: '127.0.0.1', port, ...extra });

  it('reuses a kept-alive connection for sequential requests', async () => {
    const up = await upstream();
    const pool = make(up.port);
    for (let i = 0; i < 5; i++) assert.equal(await get(pool), 'ok');
    assert.equal(up.connections(), 1);
    assert.equal(pool.stats.upstream_cx_total, 1);
    pool.destroy();
    await up.stop();
  });

  it('opens one connection per concurrent request up to max_connections, then queues', async () => {
    const up = await upstream();
    const pool = make(up.port, { maxConnections: 2 });
    const bodies = await Promise.all([get(pool), get(pool), get(pool), get(pool)]);
    assert.deepEqual(bodies, ['ok', 'ok', 'ok', 'ok']);
    assert.equal(pool.stats.upstream_cx_total, 2);
    assert.ok(pool.stats.upstream_cx_overflow >= 1);
    pool.destroy();
    await up.stop();
  });

  it('closes a connection after max_requests_per_connection', async () => {
    const up = await upstream();
    const pool = make(up.port, { maxRequestsPerConnection: 2 });
    for (let i = 0; i < 4; i++) await get(pool);
    assert.equal(up.connections(), 2);
    assert.equal(pool.stats.upstream_cx_max_requests, 2);
    pool.destroy();
    await up.stop();
  });

  it('closes idle connections after idle_timeout on the clock', async () => {
    const up = await upstream();
    const clock = new FakeClock(0);
    const pool = make(up.port, { clock, idleTimeoutMs: 60_000 });
    await get(pool);
    assert.equal(pool.connectionCount, 1);
    clock.advance(59_999);
    assert.equal(pool.connectionCount, 1);
    clock.advance(1);
    assert.equal(pool.connectionCount, 0);
    await get(pool);
    assert.equal(up.connections(), 2);
    pool.destroy();
    await up.stop();
  });

  it('reports overflow synchronously, as a typed result, when pending requests are at max_pending_requests', () => {
    const pool = make(9, { maxPendingRequests: 0 });
    const r = pool.newStream({ onPoolReady: () => assert.fail(), onPoolFailure: () => assert.fail() });
    assert.equal(r.status, 'overflow');
    if (r.status === 'overflow') {
      assert.equal(r.failure.responseFlag, 'UO');
      assert.equal(r.failure.message, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
    }
    assert.equal(pool.stats.upstream_rq_pending_overflow, 1);
    pool.destroy();
  });
});
