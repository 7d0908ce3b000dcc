/**
 * Soak (40 rounds × 150 connections; 8–30 s on this machine depending on
 * load): rounds of many concurrent connections mixing good traffic (pipelined
 * keep-alive GETs, POST bodies, large streamed responses) with hostile
 * clients (oversized and invalid heads, smuggling, bad chunking, clients that
 * vanish mid-request or mid-response, slowloris ended by request_headers_timeout
 * on the FakeClock) and misbehaving upstreams (garbage, close mid-body).
 * After every round the proxy must have closed every downstream socket; the
 * process's open file descriptors (/proc/self/fd) and its heap after a GC stay
 * flat from the first half of the run to the second; after shutdown every
 * socket the test and the proxy opened is closed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TypeUrl } from '@skiff/api';
import { assignment, drive, echo, edsCluster, startHarness, until } from './harness.ts';

const ROUNDS = 40;
const CONNECTIONS_PER_ROUND = 150;
const ADS = { ads: {}, resource_api_version: 'V3' };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const fdCount = () => readdirSync('/proc/self/fd').length;

/** One raw client: writes `payload`, optionally hangs up early, resolves with what it read once the socket closed. */
function client(port: number, payload: string, opts: { abortAfterWrite?: boolean; abortOnFirstData?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(payload);
      if (opts.abortAfterWrite) socket.destroy();
    });
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (opts.abortOnFirstData) socket.destroy();
    });
    socket.on('close', () => resolve(text));
  });
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

interface Case {
  readonly name: string;
  readonly payload: string;
  readonly opts?: { abortAfterWrite?: boolean; abortOnFirstData?: boolean };
  /** Expected statuses in order, or null when the client hangs up and sees nothing certain. */
  readonly expect: number[] | null;
}

const H = 'host: soak\r\n';
const CASES: readonly Case[] = [
  { name: 'pipelined GETs', payload: `GET /a HTTP/1.1\r\n${H}\r\nGET /b HTTP/1.1\r\n${H}\r\nGET /c HTTP/1.1\r\n${H}connection: close\r\n\r\n`, expect: [200, 200, 200] },
  { name: 'POST body', payload: `POST /p HTTP/1.1\r\n${H}content-length: 8192\r\nconnection: close\r\n\r\n${'x'.repeat(8192)}`, expect: [200] },
  { name: 'chunked POST', payload: `POST /p HTTP/1.1\r\n${H}transfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, expect: [200] },
  { name: 'large response', payload: `GET /big/x HTTP/1.1\r\n${H}connection: close\r\n\r\n`, expect: [200] },
  { name: 'oversized head', payload: `GET / HTTP/1.1\r\n${H}x-big: ${'a'.repeat(70 * 1024)}\r\n\r\n`, expect: [431] },
  { name: 'invalid header value', payload: `GET / HTTP/1.1\r\n${H}x-a: b\x01c\r\n\r\n`, expect: [400] },
  { name: 'CL.TE smuggling', payload: `POST / HTTP/1.1\r\n${H}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`, expect: [400] },
  { name: 'unknown transfer coding', payload: `POST / HTTP/1.1\r\n${H}transfer-encoding: gzip\r\n\r\n`, expect: [501] },
  { name: 'bad chunk', payload: `POST / HTTP/1.1\r\n${H}transfer-encoding: chunked\r\n\r\nzz\r\n`, expect: [400] },
  { name: 'upstream garbage', payload: `GET /garbage HTTP/1.1\r\n${H}connection: close\r\n\r\n`, expect: [502] },
  { name: 'upstream closes mid-body', payload: `GET /cut HTTP/1.1\r\n${H}\r\n`, expect: [200] },
  { name: 'client leaves mid-request', payload: `POST / HTTP/1.1\r\n${H}content-length: 100\r\n\r\nabc`, opts: { abortAfterWrite: true }, expect: null },
  { name: 'client leaves mid-response', payload: `GET /big/y HTTP/1.1\r\n${H}\r\n`, opts: { abortOnFirstData: true }, expect: null },
  { name: 'slowloris', payload: `GET / HTTP/1.1\r\n${H}x-slow: a`, expect: [408] },
];

describe('soak: mixed good and hostile traffic through one proxy', () => {
  it(`${ROUNDS} rounds × ${CONNECTIONS_PER_ROUND} connections: every answer as Envoy's, every socket closed, file descriptors and heap flat`, async () => {
    gc();
    const fdStart = fdCount();
    const up = await echo('up');
    const big = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let left = 16; // 1 MiB, streamed with backpressure
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    big.listen(0, '127.0.0.1');
    await once(big, 'listening');
    const rawSockets = new Set<Socket>();
    const misbehaving = createServer((s) => {
      rawSockets.add(s);
      s.on('close', () => rawSockets.delete(s));
      s.on('error', () => {});
      s.once('data', (d) => {
        if (d.toString('latin1').startsWith('GET /garbage')) s.end('NOT HTTP AT ALL\r\n\r\n');
        else {
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\npartial');
          setImmediate(() => s.destroy());
        }
      });
    });
    misbehaving.listen(0, '127.0.0.1');
    await once(misbehaving, 'listening');
    const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;

    const h = await startHarness();
    await h.push({
      clusters: [edsCluster('up'), edsCluster('big'), edsCluster('bad')],
      endpoints: [
        assignment('up', [up]),
        assignment('big', [{ host: '127.0.0.1', port: port(big) }]),
        assignment('bad', [{ host: '127.0.0.1', port: port(misbehaving) }]),
      ],
      listeners: [{
        name: 'soak',
        address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
        filter_chains: [{
          filters: [{
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': TypeUrl.HttpConnectionManager,
              stat_prefix: 'soak',
              request_headers_timeout: { seconds: '10' },
              rds: { route_config_name: 'r', config_source: ADS },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
            },
          }],
        }],
      }],
      routes: [{
        name: 'r',
        virtual_hosts: [{
          name: 'all', domains: ['*'], routes: [
            { match: { prefix: '/big' }, route: { cluster: 'big' } },
            { match: { prefix: '/garbage' }, route: { cluster: 'bad' } },
            { match: { prefix: '/cut' }, route: { cluster: 'bad' } },
            { match: { prefix: '/' }, route: { cluster: 'up' } },
          ],
        }],
      }],
    });
    const listenerPort = h.port('soak');
    const active = () => h.proxy.stats.gauge('http.soak.downstream_cx_active').value;

    const fds: number[] = [];
    const heaps: number[] = [];
    const seen = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const runs: Promise<void>[] = [];
      const slowRuns: Promise<void>[] = [];
      for (let i = 0; i < CONNECTIONS_PER_ROUND; i++) {
        const c = CASES[(round * CONNECTIONS_PER_ROUND + i) % CASES.length];
        (c.name === 'slowloris' ? slowRuns : runs).push(client(listenerPort, c.payload, c.opts).then((text) => {
          seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
          if (c.expect !== null) assert.deepEqual(statuses(text), c.expect, `${c.name}: ${JSON.stringify(text.slice(0, 200))}`);
        }));
      }
      // Everyone but the slow clients is answered; then request_headers_timeout passes on the fake clock.
      await Promise.all(runs);
      await drive(h.clock, Promise.all(slowRuns), 5000, 400);
      await until(() => active() === 0, 'every downstream connection of the round to close', 20_000);
      gc();
      fds.push(fdCount());
      heaps.push(process.memoryUsage().heapUsed);
    }

    assert.equal(seen.size, CASES.length, 'every case ran');
    const half = ROUNDS / 2;
    // Skip the first rounds (pools, JIT, caches warm up); then the second half may not grow over the first.
    const firstFds = Math.max(...fds.slice(2, half));
    const secondFds = Math.max(...fds.slice(half));
    assert.ok(secondFds <= firstFds + 8, `file descriptors grew: first half max ${firstFds}, second half max ${secondFds} (${fds.join(' ')})`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const firstHeap = mean(heaps.slice(2, half));
    const secondHeap = mean(heaps.slice(half));
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    assert.ok(secondHeap <= firstHeap * 1.15 + 4 * 1048576, `heap grew: ${mb(firstHeap)} → ${mb(secondHeap)}`);
    console.log(`soak: ${ROUNDS * CONNECTIONS_PER_ROUND} connections; fds ${fds[2]}→${fds.at(-1)} (start ${fdStart}); heap after GC ${mb(firstHeap)} → ${mb(secondHeap)}`);

    await h.close();
    await up.stop();
    big.closeAllConnections();
    big.close();
    for (const s of rawSockets) s.destroy();
    misbehaving.close();
    await Promise.all([once(big, 'close'), once(misbehaving, 'close')]);
    await until(() => fdCount() <= fdStart, `every socket to close (fds ${fdCount()} vs ${fdStart} at the start)`, 10_000);
  });
});
