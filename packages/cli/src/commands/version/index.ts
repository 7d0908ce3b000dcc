/** `skiff version`: the client's version (and, once a local cluster runs, the control plane's). */
import type { Command } from '../../command.ts';

export const SKIFF_VERSION = '0.1.0';

export const versionCommand: Command<{ output?: string }> = {
  name: 'version',
  summary: 'Print the version of skiff',
  usage: 'skiff version [-o json|yaml]',
  flags: { output: { type: 'string', short: 'o', valueName: 'FORMAT', description: 'json or yaml' } },
  async run({ flags, io }) {
    const info = { clientVersion: { version: SKIFF_VERSION, nodeVersion: process.version } };
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else if (flags.output === 'yaml') io.stdout.write(`clientVersion:\n  version: ${SKIFF_VERSION}\n  nodeVersion: ${process.version}\n`);
    else io.stdout.write(`client version: ${SKIFF_VERSION}\n`);
    return 0;
  },
};
