/**
 * `skiff rollout restart|status deployment NAME [-n NS]`: restart sets the
 * template annotation kubectl sets (kubectl.kubernetes.io/restartedAt), so
 * new pods replace the old ones; status waits, as kubectl does, until
 * every replica is updated and available.
 */
import { kube } from '@skiff/api';
import type { StoredResource } from '@skiff/client';
import { UsageError, type Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindOf, NAMESPACE_FLAG } from '../../context.ts';

interface RolloutFlags {
  namespace?: string;
  timeout?: string;
  watch?: boolean;
  'data-dir'?: string;
}

export const rolloutCommand: Command<RolloutFlags> = {
  name: 'rollout',
  summary: 'Restart a Deployment\'s pods, or wait for its rollout to finish',
  usage: 'skiff rollout restart|status deployment NAME [-n NS] [--timeout SECONDS]',
  examples: ['skiff rollout restart deployment user-service-v1 -n backend', 'skiff rollout status deployment/user-service-v1 -n backend'],
  flags: {
    namespace: NAMESPACE_FLAG,
    timeout: { type: 'string', valueName: 'SECONDS', description: 'status: give up after this long (default: wait forever)' },
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, args, io }) {
    const [action, ...rest] = args;
    const [kind, name] = rest.length === 1 && rest[0].includes('/') ? rest[0].split('/') : rest;
    if ((action !== 'restart' && action !== 'status') || !kind || !name) throw new UsageError('expected restart or status, then a deployment and its name');
    if (kindOf(kind) !== kube.DeploymentKind) throw new UsageError(`no rollout for ${kind}: only deployments roll out in the local cluster`);
    const { client } = cluster(flags, io);
    const namespace = flags.namespace ?? 'default';
    if (action === 'restart') {
      const d = await client.get(kube.DeploymentKind, namespace, name);
      const spec = (d as unknown as { spec: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec;
      const template = (spec.template ??= {});
      const metadata = (template.metadata ??= {});
      metadata.annotations = { ...metadata.annotations, 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      await client.update(d);
      io.stdout.write(`deployment.apps/${name} restarted\n`);
      return 0;
    }
    const deadline = flags.timeout === undefined ? Infinity : Date.now() + Number(flags.timeout) * 1000;
    let last = '';
    for (;;) {
      const d = await client.get(kube.DeploymentKind, namespace, name);
      const { done, message } = rolloutState(d);
      if (message !== last) io.stdout.write(`${message}\n`);
      last = message;
      if (done) return 0;
      if (Date.now() > deadline) {
        io.stderr.write(`error: timed out waiting for the condition\n`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  },
};

/** kubectl's DeploymentStatusViewer messages. */
export function rolloutState(d: StoredResource): { done: boolean; message: string } {
  const name = d.metadata.name;
  const want = (d as unknown as kube.Deployment).spec?.replicas ?? 1;
  const st = (d.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
  if ((st.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  const updated = st.updatedReplicas ?? 0;
  if (updated < want) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  if ((st.replicas ?? 0) > updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...` };
  if ((st.availableReplicas ?? 0) < updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}
