/** `skiff validate -f FILE|DIR|-`: schema and Istio validation of manifests, every error in one run. */
import type { Command } from '../../command.ts';
import { checkManifests } from './check-manifests.ts';

interface Flags { filename?: string[] }

export const validateCommand: Command<Flags> = {
  name: 'validate',
  summary: 'Validate Istio and Kubernetes manifests against the schema and Istio\'s rules',
  usage: 'skiff validate -f FILE|DIR|- [-f ...]',
  examples: ['skiff validate -f samples/bookinfo/', 'cat vs.yaml | skiff validate -f -'],
  flags: {
    filename: { type: 'string', short: 'f', multiple: true, valueName: 'FILE', description: 'file, directory or - (stdin) to validate; repeatable' },
  },
  async run({ flags, io }) {
    if (!flags.filename?.length) {
      io.stderr.write('error: must specify one of -f or --filename\n');
      return 2;
    }
    const { objects, errors } = await checkManifests(flags.filename, io);
    if (errors > 0) {
      io.stderr.write(`Error: ${errors} error${errors === 1 ? '' : 's'} found\n`);
      return 1;
    }
    io.stdout.write(`"${flags.filename.join(', ')}" is valid: ${objects} object${objects === 1 ? '' : 's'}\n`);
    return 0;
  },
};
