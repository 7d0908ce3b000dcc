import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { resolveImage } from '../src/index.ts';
import { startForwardProxy } from './forward-proxy.ts';
import { freePort, listenLocal, runCommand, startProgram, type RunningProgram } from './program-process.ts';

const fortio = resolveImage('fortio/fortio:latest_release')!.entry;

describe('fortio load', () => {
  let port: number;
  let count = 0;
  const userAgents = new Set<string>();
  const custom: string[] = [];
  let server: ReturnType<typeof createServer>;
  let close: () => Promise<void>;
  before(async () => {
    // Every 4th request fails, so the summary's counts are known in advance.
    server = createServer((req, res) => {
      count++;
      userAgents.add(String(req.headers['user-agent']));
      if (req.headers['x-lab']) custom.push(String(req.headers['x-lab']));
      res.writeHead(count % 4 === 0 ? 503 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
    ({ port, close } = await listenLocal(server));
  });
  after(() => {
    server.closeAllConnections();
    return close();
  });

  it('prints fortio\'s summary with the Code lines, percentiles and sockets for -c 2 -qps 0 -n 20', async () => {
    count = 0;
    const res = await runCommand(fortio, ['load', '-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', `http://127.0.0.1:${port}/`]);
    assert.equal(res.code, 0, res.stderr);
    const out = res.stdout;
    assert.match(out, /^Fortio 1\.\d+\.\d+ running at 0 queries per second, 2->2 procs, for 20 calls: http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.match(out, /\nStarting at max qps with 2 thread\(s\) \[gomax 2\] for exactly 20 calls \(10 per thread \+ 0\)\n/);
    assert.match(out, /\nEnded after [\d.]+m?s : 20 calls\. qps=[\d.]+\n/);
    assert.match(out, /\nAggregated Function Time : count 20 avg [\d.e-]+ \+\/- [\d.e-]+ min [\d.e-]+ max [\d.e-]+ sum [\d.e-]+\n# range, mid point, percentile, count\n>= /);
    for (const p of ['50', '75', '90', '99', '99.9']) assert.match(out, new RegExp(`\\n# target ${p.replace('.', '\\.')}% [\\d.e-]+\\n`));
    assert.match(out, /\nError cases : count 5 /);
    assert.match(out, /\nSockets used: 2 \(for perfect keepalive, would be 2\)\n/);
    assert.match(out, /\nCode 200 : 15 \(75\.0 %\)\nCode 503 : 5 \(25\.0 %\)\n/);
    assert.match(out, /\nAll done 20 calls \(plus 0 warmup\) [\d.]+ ms avg, [\d.]+ qps\n$/);
    assert.equal(res.stderr.split('\n').filter((l) => l.includes('Non ok http code')).length, 5);
    assert.ok([...userAgents].every((ua) => /^fortio\.org\/fortio-/.test(ua)));
  });

  it('sends -H headers and paces -qps without losing calls', async () => {
    custom.length = 0;
    const res = await runCommand(fortio, ['load', '-c', '2', '-qps', '200', '-n', '6', '-H', 'x-lab: canary', '-loglevel', 'Error', `http://127.0.0.1:${port}/`]);
    assert.match(res.stdout, /Starting at 200 qps with 2 thread\(s\) \[gomax 2\] for exactly 6 calls \(3 per thread \+ 0\)/);
    assert.match(res.stdout, /All done 6 calls/);
    assert.deepEqual(custom, Array(6).fill('canary'));
    assert.equal(res.stderr, '');
  });

  it('runs for -t when no -n is given', async () => {
    const res = await runCommand(fortio, ['load', '-c', '1', '-qps', '0', '-t', '200ms', '-loglevel', 'Error', `http://127.0.0.1:${port}/`]);
    assert.match(res.stdout, /^Fortio [\d.]+ running at 0 queries per second, 2->2 procs, for 200ms: /);
    const done = /\nAll done (\d+) calls/.exec(res.stdout);
    assert.ok(done && Number(done[1]) > 0, res.stdout);
  });

  it('goes through HTTP_PROXY with absolute-form requests', async () => {
    const proxy = await startForwardProxy({ 'user-service.default.svc.cluster.local': port });
    try {
      count = 0;
      const res = await runCommand(fortio, ['load', '-c', '1', '-qps', '0', '-n', '3', 'http://user-service.default.svc.cluster.local/'], { HTTP_PROXY: proxy.url });
      assert.match(res.stdout, /\nCode 200 : 3 \(100\.0 %\)\n/);
      assert.deepEqual(proxy.seen.map((s) => s.target), Array(3).fill('http://user-service.default.svc.cluster.local/'));
    } finally {
      await proxy.close();
    }
  });

  it('counts connection failures as Code -1', async () => {
    const closed = await freePort();
    const res = await runCommand(fortio, ['load', '-c', '1', '-qps', '0', '-n', '3', '-loglevel', 'Error', `http://127.0.0.1:${closed}/`]);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /\nCode  -1 : 3 \(100\.0 %\)\n/);
  });

  it('writes the result as JSON with -json -', async () => {
    count = 0;
    const res = await runCommand(fortio, ['load', '-c', '1', '-qps', '0', '-n', '4', '-json', '-', '-loglevel', 'Error', `http://127.0.0.1:${port}/`]);
    const json = JSON.parse(res.stdout.slice(res.stdout.indexOf('\n{') + 1)) as { RetCodes: Record<string, number>; DurationHistogram: { Count: number } };
    assert.deepEqual(json.RetCodes, { 200: 3, 503: 1 });
    assert.equal(json.DurationHistogram.Count, 4);
  });

  it('rejects a missing URL with a usage error and exit 1', async () => {
    const res = await runCommand(fortio, ['load', '-n', '3']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /needs a url/);
  });
});

describe('fortio server and fortio curl', () => {
  let server: RunningProgram;
  let base: string;
  before(async () => {
    const port = await freePort();
    server = await startProgram(fortio, ['server', '-http-port', String(port)], { SKIFF_APP_IP: '127.0.0.1' }, /echo server listening/);
    base = `http://127.0.0.1:${port}`;
  });
  after(() => server.stop());

  it('echoes the request body and answers ?status= with that code', async () => {
    const echo = await fetch(`${base}/echo`, { method: 'POST', body: 'hello fortio' });
    assert.equal(echo.status, 200);
    assert.equal(await echo.text(), 'hello fortio');
    assert.equal((await fetch(`${base}/?status=503`)).status, 503);
    assert.equal((await fetch(`${base}/?status=503:0`)).status, 200);
    assert.equal((await fetch(`${base}/?status=429:100`)).status, 429);
  });

  it('adds ?header= headers and ?size= bytes', async () => {
    const res = await fetch(`${base}/?header=x-version:v2&size=10`);
    assert.equal(res.headers.get('x-version'), 'v2');
    assert.equal((await res.arrayBuffer()).byteLength, 10);
  });

  it('prints the request on /debug', async () => {
    const text = await (await fetch(`${base}/debug`, { headers: { 'x-b3-traceid': 'abc' } })).text();
    assert.match(text, /^Φορτίο version 1\.\d+\.\d+ echo debug server up for/);
    assert.match(text, /\nGET \/debug HTTP\/1\.1\n/);
    assert.match(text, /\nx-b3-traceid: abc\n/i);
  });

  it('fortio curl prints the response headers and body, exiting 1 on a non-200', async () => {
    const ok = await runCommand(fortio, ['curl', `${base}/?header=x-a:b`]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*x-a: b\r\n[\s\S]*\r\n\r\n$/);
    const failing = await runCommand(fortio, ['curl', `${base}/?status=503`]);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });
});
