import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveImage } from '../src/index.ts';
import { freePort, runCommand, startProgram, type RunningProgram } from './program-process.ts';

const curl = resolveImage('curlimages/curl')!.entry;

describe('mccutchen/go-httpbin', () => {
  let bin: RunningProgram;
  let base: string;
  before(async () => {
    const port = await freePort();
    bin = await startProgram(resolveImage('docker.io/mccutchen/go-httpbin:v2.15.0')!.entry, [], { SKIFF_APP_IP: '127.0.0.1', PORT: String(port) }, /listening on/);
    base = `http://127.0.0.1:${port}`;
  });
  after(() => bin.stop());

  it('answers /status/503 with 503 and /status/418 with the teapot', async () => {
    assert.equal((await fetch(`${base}/status/503`)).status, 503);
    const teapot = await fetch(`${base}/status/418`);
    assert.equal(teapot.status, 418);
    assert.match(await teapot.text(), /teapot/);
  });

  it('picks among weighted codes (a zero weight is never chosen) and rejects a bad code with 400', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${base}/status/200:0,503:1`)).status, 503);
    assert.equal((await fetch(`${base}/status/abc`)).status, 400);
  });

  it('returns /headers with array values, as go-httpbin does', async () => {
    const body = (await (await fetch(`${base}/headers`, { headers: { 'x-b3-traceid': 'abc' } })).json()) as { headers: Record<string, string[]> };
    assert.deepEqual(body.headers['X-B3-Traceid'], ['abc']);
  });

  it('echoes /get with args, method, origin and url', async () => {
    const body = (await (await fetch(`${base}/get?show_env=1`)).json()) as Record<string, unknown>;
    assert.deepEqual(body.args, { show_env: ['1'] });
    assert.equal(body.method, 'GET');
    assert.equal(body.origin, '127.0.0.1');
    assert.equal(body.url, `${base}/get?show_env=1`);
  });

  it('echoes a JSON POST to /anything with its json and method', async () => {
    const res = await fetch(`${base}/anything/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body.json, { a: 1 });
    assert.equal(body.method, 'POST');
  });

  it('sets /response-headers from the query', async () => {
    const res = await fetch(`${base}/response-headers?x-custom=yes`);
    assert.equal(res.headers.get('x-custom'), 'yes');
  });

  it('answers /delay/0 at once and holds /delay/2 past a 0.3 s client timeout (curl exit 28)', async () => {
    assert.equal((await fetch(`${base}/delay/0`)).status, 200);
    const res = await runCommand(curl, ['-sS', '--max-time', '0.3', `${base}/delay/2`]);
    assert.equal(res.code, 28);
    assert.match(res.stderr, /^curl: \(28\) Operation timed out after \d+ milliseconds with 0 bytes received\n$/);
  });

  it('answers /uuid and /ip', async () => {
    assert.match(((await (await fetch(`${base}/uuid`)).json()) as { uuid: string }).uuid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await (await fetch(`${base}/ip`)).json(), { origin: '127.0.0.1' });
  });
});

describe('kennethreitz/httpbin', () => {
  it('listens on the -b address and returns string header values', async () => {
    const port = await freePort();
    const bin = await startProgram(resolveImage('docker.io/kennethreitz/httpbin')!.entry, ['-b', `0.0.0.0:${port}`], { SKIFF_APP_IP: '127.0.0.1' }, /Listening at/);
    try {
      const body = (await (await fetch(`http://127.0.0.1:${port}/headers`, { headers: { 'x-user': 'me' } })).json()) as { headers: Record<string, string> };
      assert.equal(body.headers['X-User'], 'me');
      const get = (await (await fetch(`http://127.0.0.1:${port}/get?a=1`)).json()) as Record<string, unknown>;
      assert.deepEqual(get.args, { a: '1' });
      assert.equal('method' in get, false);
      assert.equal((await fetch(`http://127.0.0.1:${port}/status/503`)).status, 503);
    } finally {
      await bin.stop();
    }
  });
});
