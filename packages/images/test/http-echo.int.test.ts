import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveImage } from '../src/index.ts';
import { freePort, runCommand, startProgram, type RunningProgram } from './program-process.ts';

const entry = resolveImage('hashicorp/http-echo:latest')!.entry;

describe('hashicorp/http-echo', () => {
  let echo: RunningProgram;
  let port: number;
  before(async () => {
    port = await freePort();
    echo = await startProgram(entry, ['-text=User Service v1 - Production Ready', `-listen=:${port}`], { SKIFF_APP_IP: '127.0.0.1' }, /server is listening/);
  });
  after(() => echo.stop());

  it('answers any path with -text and a newline, on the -listen port of SKIFF_APP_IP', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/users`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'User Service v1 - Production Ready\n');
    assert.equal(res.headers.get('x-app-name'), 'http-echo');
  });

  it('answers /health with {"status":"ok"}', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers with -status-code', async () => {
    const p = await freePort();
    const failing = await startProgram(entry, ['-text', 'down', '-listen', `127.0.0.1:${p}`, '-status-code=503'], {}, /server is listening/);
    try {
      const res = await fetch(`http://127.0.0.1:${p}/`);
      assert.equal(res.status, 503);
      assert.equal(await res.text(), 'down\n');
    } finally {
      await failing.stop();
    }
  });

  it('exits 127 with "Missing -text option!" without -text, and 2 on an unknown flag', async () => {
    const missing = await runCommand(entry, ['-listen=:0']);
    assert.equal(missing.code, 127);
    assert.equal(missing.stderr, 'Missing -text option!\n');
    const unknown = await runCommand(entry, ['-text=a', '-port=1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /flag provided but not defined: -port/);
  });

  it('binds only the application address, so 127.0.0.1 on that port stays free', async () => {
    const p = await freePort();
    const own = await startProgram(entry, ['-text=app address', `-listen=:${p}`], { SKIFF_APP_IP: '127.2.0.9', POD_IP: '127.1.0.9' }, /server is listening/);
    try {
      assert.equal(await (await fetch(`http://127.2.0.9:${p}/`)).text(), 'app address\n');
      await assert.rejects(fetch(`http://127.0.0.1:${p}/`));
    } finally {
      await own.stop();
    }
  });

  it('reports a port already in use and exits 1', async () => {
    const res = await runCommand(entry, ['-text=a', `-listen=127.0.0.1:${port}`]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /bind: address already in use/);
  });
});
