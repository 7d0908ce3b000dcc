/**
 * `skiff up`: start the local cluster. The supervisor, control plane and
 * gateways arrive with issue #5; until then `up` says so, checks the demo's
 * manifests with what exists (parsing and validation), and exits 0 so that
 * `npm start` stays true to what Skiff can do today.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from '../../command.ts';
import { checkManifests } from '../validate/check-manifests.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../../../../examples/demo/', import.meta.url));

export const upCommand: Command<{ demo?: boolean; 'data-dir'?: string }> = {
  name: 'up',
  summary: 'Start the local cluster (store, control plane, gateways) and optionally the demo',
  usage: 'skiff up [--demo] [--data-dir DIR]',
  flags: {
    demo: { type: 'boolean', description: 'also deploy the seed 002 lab (backend namespace, 90/10 canary) as a demo' },
    'data-dir': { type: 'string', valueName: 'DIR', description: 'where the local cluster keeps its state (default .skiff/)' },
  },
  async run({ flags, io }) {
    io.stdout.write('Skiff local cluster\n');
    io.stdout.write('  The runtime (store, control plane, proxies, gateways) is not built yet: see issue #5.\n');
    if (flags.demo) {
      const { objects, errors } = await checkManifests([DEMO_DIR], io);
      io.stdout.write(`  Demo manifests (${DEMO_DIR}): ${objects} objects, ${errors === 0 ? 'all valid' : `${errors} errors`}.\n`);
      if (errors > 0) return 1;
    }
    io.stdout.write('\nWhat works today:\n');
    io.stdout.write('  npx skiff validate -f examples/demo/     schema and Istio validation, every error with file:line\n');
    io.stdout.write('  npx skiff analyze -f examples/demo/      Istio\'s analyzers (IST0101 ...)\n');
    return 0;
  },
};
