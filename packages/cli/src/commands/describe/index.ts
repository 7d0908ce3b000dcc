/**
 * `skiff describe pod NAME [-n NS]`: kubectl's describe for pods, with what
 * the local cluster adds: the application address the containers listen on
 * (SKIFF_APP_IP), and that resource requests and limits are shown, not
 * enforced.
 */
import { kube } from '@skiff/api';
import type { StoredResource } from '@skiff/client';
import { UsageError, type Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindOf, NAMESPACE_FLAG } from '../../context.ts';

export const describeCommand: Command<{ namespace?: string; 'data-dir'?: string }> = {
  name: 'describe',
  summary: 'Show a pod in detail (containers, state, restarts, probes, conditions, addresses)',
  usage: 'skiff describe pod NAME [-n NS]',
  flags: { namespace: NAMESPACE_FLAG, 'data-dir': DATA_DIR_FLAG },
  async run({ flags, args, io }) {
    const [kind, name] = args.length === 1 && args[0].includes('/') ? args[0].split('/') : args;
    if (!kind || !name) throw new UsageError('expected a kind and a name, e.g. pod web-5d8f7c9b4-x2kqp');
    if (kindOf(kind) !== kube.PodKind) throw new UsageError(`describe supports pods in the local cluster; use \`skiff get ${kind} ${name} -o yaml\``);
    const { client } = cluster(flags, io);
    const pod = await client.get(kube.PodKind, flags.namespace ?? 'default', name);
    io.stdout.write(describePod(pod));
    return 0;
  },
};

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, { reason?: string; message?: string; startedAt?: string; exitCode?: number; finishedAt?: string }>;
  lastState?: Record<string, { reason?: string; exitCode?: number; startedAt?: string; finishedAt?: string }>;
}

export function describePod(o: StoredResource): string {
  const pod = o as unknown as kube.Pod & StoredResource;
  const status = (o.status ?? {}) as { phase?: string; podIP?: string; startTime?: string; conditions?: { type: string; status: string }[]; containerStatuses?: ContainerStatus[] };
  const sidecar = (pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy');
  const appIp = sidecar && status.podIP ? status.podIP.replace(/^127\.(\d+)\./, (_m, n: string) => `127.${Number(n) + 1}.`) : status.podIP;
  const kv = (m: Record<string, string> | undefined, indent: string) => Object.entries(m ?? {}).map(([k, v], i) => `${i === 0 ? '' : indent}${k}=${v}`).join('\n') || '<none>';
  const lines: string[] = [
    `Name:             ${pod.metadata.name}`,
    `Namespace:        ${pod.metadata.namespace}`,
    `Service Account:  ${pod.spec?.serviceAccountName || 'default'}`,
    `Node:             skiff-local/127.0.0.1`,
    `Start Time:       ${status.startTime ?? '<unknown>'}`,
    `Labels:           ${kv(pod.metadata.labels, '                  ')}`,
    `Annotations:      ${kv(pod.metadata.annotations, '                  ')}`,
    `Status:           ${pod.metadata.deletionTimestamp ? 'Terminating' : status.phase ?? 'Pending'}`,
    `IP:               ${status.podIP ?? '<none>'}`,
    `App IP:           ${appIp ?? '<none>'}  (SKIFF_APP_IP: where the containers must listen${sidecar ? '; the istio-proxy sidecar owns the pod IP' : ''})`,
    `Controlled By:    ${pod.metadata.ownerReferences?.[0] ? `${pod.metadata.ownerReferences[0].kind}/${pod.metadata.ownerReferences[0].name}` : '<none>'}`,
    'Containers:',
  ];
  for (const c of pod.spec?.containers ?? []) {
    const cs = status.containerStatuses?.find((s) => s.name === c.name);
    const [stateName, state] = Object.entries(cs?.state ?? {})[0] ?? ['Waiting', {}];
    const [lastName, last] = Object.entries(cs?.lastState ?? {})[0] ?? [];
    lines.push(`  ${c.name}:`);
    lines.push(`    Image:          ${c.image ?? '<none>'}`);
    if (c.command?.length) lines.push(`    Command:        ${c.command.join(' ')}`);
    if (c.args?.length) lines.push(`    Args:           ${c.args.join(' ')}`);
    lines.push(`    Port:           ${(c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>'}`);
    lines.push(`    State:          ${capital(stateName)}`);
    if (state.reason) lines.push(`      Reason:       ${state.reason}`);
    if (state.message) lines.push(`      Message:      ${state.message}`);
    if (state.startedAt) lines.push(`      Started:      ${state.startedAt}`);
    if (lastName && last) {
      lines.push(`    Last State:     ${capital(lastName)}`);
      if (last.reason) lines.push(`      Reason:       ${last.reason}`);
      if (last.exitCode !== undefined) lines.push(`      Exit Code:    ${last.exitCode}`);
      if (last.finishedAt) lines.push(`      Finished:     ${last.finishedAt}`);
    }
    lines.push(`    Ready:          ${cs?.ready ? 'True' : 'False'}`);
    lines.push(`    Restart Count:  ${cs?.restartCount ?? 0}`);
    const limits = Object.entries(c.resources?.limits ?? {});
    const requests = Object.entries(c.resources?.requests ?? {});
    if (limits.length) lines.push('    Limits:', ...limits.map(([k, v]) => `      ${k}:  ${v}`));
    if (requests.length) lines.push('    Requests:', ...requests.map(([k, v]) => `      ${k}:  ${v}`));
    if (limits.length || requests.length) lines.push('      (shown, not enforced: the local cluster runs plain processes)');
    if (c.readinessProbe) lines.push(`    Readiness:      ${probeText(c.readinessProbe)}`);
    if (c.livenessProbe) lines.push(`    Liveness:       ${probeText(c.livenessProbe)}`);
    const env = c.env ?? [];
    lines.push(`    Environment:    ${env.length ? '' : '<none>'}`.trimEnd());
    for (const e of env) lines.push(`      ${e.name}:  ${e.value ?? (e.valueFrom?.fieldRef ? `(${e.valueFrom.fieldRef.fieldPath})` : '')}`);
  }
  lines.push('Conditions:', '  Type              Status');
  for (const c of status.conditions ?? []) lines.push(`  ${c.type.padEnd(18)}${c.status}`);
  lines.push('');
  return lines.join('\n');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function probeText(p: kube.Probe): string {
  const how = p.httpGet ? `http-get http://:${p.httpGet.port}${p.httpGet.path ?? '/'}` : p.tcpSocket ? `tcp-socket :${p.tcpSocket.port}` : p.exec ? `exec [${(p.exec.command ?? []).join(' ')}]` : 'unsupported';
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}
