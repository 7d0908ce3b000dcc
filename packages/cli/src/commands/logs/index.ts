/** `skiff logs POD [-c CONTAINER] [-f] [--tail N] [-n NS]`: a container's output, as kubectl logs prints it. */
import { UsageError, type Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, NAMESPACE_FLAG } from '../../context.ts';

interface LogsFlags {
  container?: string;
  follow?: boolean;
  tail?: string;
  namespace?: string;
  'data-dir'?: string;
}

export const logsCommand: Command<LogsFlags> = {
  name: 'logs',
  summary: "Print a pod's container output (-c istio-proxy for its sidecar)",
  usage: 'skiff logs POD [-c CONTAINER] [-f] [--tail N] [-n NS]',
  examples: ['skiff logs user-service-v1-5d8f7c9b4-x2kqp -n backend', 'skiff logs user-service-v1-5d8f7c9b4-x2kqp -n backend -c istio-proxy -f'],
  flags: {
    container: { type: 'string', short: 'c', valueName: 'NAME', description: 'container name (default: the pod\'s default container)' },
    follow: { type: 'boolean', short: 'f', description: 'keep printing new output until Ctrl-C or the pod is deleted' },
    tail: { type: 'string', valueName: 'N', description: 'only the last N lines' },
    namespace: NAMESPACE_FLAG,
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, args, io }) {
    if (args.length !== 1) throw new UsageError('expected exactly one pod name');
    if (flags.tail !== undefined && !/^\d+$/.test(flags.tail)) throw new UsageError(`invalid --tail ${flags.tail}: expected a number of lines`);
    const { client } = cluster(flags, io);
    const stream = client.logs(flags.namespace ?? 'default', args[0], {
      ...(flags.container ? { container: flags.container } : {}),
      follow: flags.follow === true,
      ...(flags.tail !== undefined ? { tailLines: Number(flags.tail) } : {}),
    }, (text) => io.stdout.write(text));
    const onSignal = () => stream.stop();
    process.once('SIGINT', onSignal);
    try {
      await stream.done;
    } finally {
      process.off('SIGINT', onSignal);
    }
    return 0;
  },
};
