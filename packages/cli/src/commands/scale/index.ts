/** `skiff scale deployment NAME --replicas N [-n NS]`: kubectl scale on the local cluster. */
import { kube } from '@skiff/api';
import { UsageError, type Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindOf, NAMESPACE_FLAG } from '../../context.ts';

export const scaleCommand: Command<{ replicas?: string; namespace?: string; 'data-dir'?: string }> = {
  name: 'scale',
  summary: 'Set the number of replicas of a Deployment',
  usage: 'skiff scale deployment NAME --replicas N [-n NS]',
  examples: ['skiff scale deployment user-service-v2 --replicas 3 -n backend', 'skiff scale deploy/user-service-v2 --replicas 0 -n backend'],
  flags: {
    replicas: { type: 'string', valueName: 'N', description: 'the new number of replicas' },
    namespace: NAMESPACE_FLAG,
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, args, io }) {
    const [kind, name] = args.length === 1 && args[0].includes('/') ? args[0].split('/') : args;
    if (!kind || !name) throw new UsageError('expected a deployment and its name, e.g. deployment/web');
    if (kindOf(kind) !== kube.DeploymentKind) throw new UsageError(`cannot scale ${kind}: only deployments are scaled in the local cluster`);
    if (flags.replicas === undefined || !/^\d+$/.test(flags.replicas)) throw new UsageError('--replicas=COUNT is required, and COUNT must be 0 or more');
    const { client } = cluster(flags, io);
    const namespace = flags.namespace ?? 'default';
    const d = await client.get(kube.DeploymentKind, namespace, name);
    const spec = (d as unknown as { spec: { replicas?: number } }).spec;
    spec.replicas = Number(flags.replicas);
    await client.update(d);
    io.stdout.write(`deployment.apps/${name} scaled\n`);
    return 0;
  },
};
