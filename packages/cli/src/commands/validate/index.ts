/** `skiff validate -f FILE|DIR|-`: schema and Istio validation of manifests, every error in one run. */
import { formatIssue, parseManifests, readManifestSources } from '@skiff/config';
import type { Command } from '../../command.ts';

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
    const sources = await readManifestSources(flags.filename, { cwd: io.cwd, stdin: io.stdin });
    let errors = 0;
    let objects = 0;
    for (const source of sources) {
      const result = parseManifests(source.text, source.file);
      objects += result.resources.length;
      for (const issue of result.issues) {
        if (issue.severity === 'error') errors++;
        io.stderr.write(`${formatIssue(issue)}\n`);
      }
    }
    if (errors > 0) {
      io.stderr.write(`Error: ${errors} error${errors === 1 ? '' : 's'} found\n`);
      return 1;
    }
    io.stdout.write(`"${flags.filename.join(', ')}" is valid: ${objects} object${objects === 1 ? '' : 's'}\n`);
    return 0;
  },
};
