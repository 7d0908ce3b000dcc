import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@skiff/common';
import { ContainerRunner } from './container-runner.ts';

describe('a container that keeps crashing', () => {
  it('restarts after base × 2^n (capped), showing CrashLoopBackOff while it waits; the clock decides when', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-runner-'));
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    let changed: () => void = () => {};
    const runner = new ContainerRunner({
      container: { name: 'crash', image: 'local' },
      resolution: { ok: true, value: { command: process.execPath, args: ['-e', 'process.exit(4)'] } },
      spec: { env: {}, cwd: dir, logFile: join(dir, 'crash.log') },
      probeTarget: { host: '127.0.0.1', ports: [], env: {}, cwd: dir },
      clock,
      backoff: { baseMs: 10_000, maxMs: 40_000 },
      onChange: () => changed(),
    });
    const waitingMessage = async () => {
      for (;;) {
        const state = runner.status().state as { waiting?: { reason: string; message: string } };
        if (state.waiting?.reason === 'CrashLoopBackOff') return state.waiting.message;
        await new Promise<void>((r) => (changed = r));
      }
    };
    try {
      runner.start();
      const delays: string[] = [];
      for (const advance of [10_000, 20_000, 40_000, 40_000]) {
        delays.push(await waitingMessage());
        clock.advance(advance - 1);
        assert.ok('waiting' in (runner.status().state as object), 'not restarted before its backoff');
        clock.advance(1);
        assert.ok('running' in (runner.status().state as object), 'restarted once the backoff passed');
      }
      assert.deepEqual(delays, [10, 20, 40, 40].map((s) => `back-off ${s}s restarting failed container=crash`));
      assert.equal(runner.restartCount, 4);
      assert.equal((runner.status().lastState as { terminated: { exitCode: number } }).terminated.exitCode, 4);
    } finally {
      await runner.stop(1000);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
