/**
 * `skiff down`: stops the local cluster cleanly — pods drained, gateways and
 * control plane closed, the supervisor gone — and waits until its process
 * has exited. The store stays, so `skiff up` brings the same state back.
 */
import { pidAlive, readClusterInfo } from '@skiff/client';
import { resolve } from 'node:path';
import type { Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, dataDirOf } from '../../context.ts';

export const downCommand: Command<{ 'data-dir'?: string; timeout?: string }> = {
  name: 'down',
  summary: 'Stop the local cluster (its state stays for the next `skiff up`)',
  usage: 'skiff down [--data-dir DIR] [--timeout 60s]',
  flags: {
    'data-dir': DATA_DIR_FLAG,
    timeout: { type: 'string', valueName: 'SECONDS', description: 'how long to wait for the supervisor to exit (default 60)' },
  },
  async run({ flags, io }) {
    const dir = resolve(io.cwd, dataDirOf(flags));
    const stale = readClusterInfo(dir);
    if (!stale || !pidAlive(stale.pid)) {
      io.stdout.write(`no local cluster is running in ${dir}\n`);
      return 0;
    }
    const { client, info } = cluster(flags, io);
    io.stdout.write(`stopping the local cluster in ${dir} (supervisor pid ${info.pid})...\n`);
    await client.shutdown();
    const deadline = Date.now() + Number(flags.timeout ?? 60) * 1000;
    while (pidAlive(info.pid)) {
      if (Date.now() > deadline) {
        io.stderr.write(`error: the supervisor (pid ${info.pid}) is still running after ${flags.timeout ?? 60}s; see ${dir}/logs/supervisor.log\n`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    io.stdout.write('local cluster stopped\n');
    return 0;
  },
};
