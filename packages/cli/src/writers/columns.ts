/**
 * The columns kubectl prints per kind (its built-in printers for core
 * kinds, the CRDs' additionalPrinterColumns for Istio's), and the pod
 * STATUS/READY/RESTARTS logic of kubectl's printPod.
 */
import type { StoredResource } from '@skiff/client';
import { age, humanDuration } from './table.ts';

export interface Columns {
  readonly header: readonly string[];
  readonly wideHeader?: readonly string[];
  row(o: StoredResource, now: number): string[];
  wide?(o: StoredResource, now: number): string[];
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number; signal?: number } };
  lastState?: { terminated?: { finishedAt?: string } };
}

export function podSummary(o: StoredResource, now: number): { ready: string; status: string; restarts: string } {
  const status = (o.status ?? {}) as { phase?: string; reason?: string; containerStatuses?: ContainerStatus[] };
  const spec = (o as unknown as { spec?: { containers?: unknown[] } }).spec;
  const total = spec?.containers?.length ?? 0;
  const statuses = status.containerStatuses ?? [];
  let reason = status.reason ?? status.phase ?? 'Pending';
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let hasRunning = false;
  for (const c of [...statuses].reverse()) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated) reason = c.state.terminated.reason ?? (c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode ?? 0}`);
    else if (c.ready && c.state?.running) {
      hasRunning = true;
      ready++;
    } else if (c.state?.running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (o.metadata.deletionTimestamp) reason = 'Terminating';
  const restartText = restarts > 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

const named = (extra: readonly string[], cells: (o: StoredResource) => string[]): Columns => ({
  header: ['NAME', ...extra, 'AGE'],
  row: (o, now) => [o.metadata.name, ...cells(o), age(o.metadata.creationTimestamp, now)],
});

const spec = (o: StoredResource) => ((o as unknown as { spec?: Record<string, unknown> }).spec ?? {}) as Record<string, any>;

export const COLUMNS: Readonly<Record<string, Columns>> = {
  Pod: {
    header: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wideHeader: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    row: (o, now) => {
      const s = podSummary(o, now);
      return [o.metadata.name, s.ready, s.status, s.restarts, age(o.metadata.creationTimestamp, now)];
    },
    wide: (o) => [((o.status ?? {}) as { podIP?: string }).podIP ?? '<none>', 'skiff-local', '<none>', '<none>'],
  },
  Service: {
    header: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wideHeader: ['SELECTOR'],
    row: (o, now) => {
      const s = spec(o);
      const ports = ((s.ports ?? []) as { port?: number; nodePort?: number; protocol?: string }[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
      const type = s.type ?? 'ClusterIP';
      return [o.metadata.name, type, s.clusterIP ?? '<none>', type === 'LoadBalancer' ? 'localhost' : '<none>', ports || '<none>', age(o.metadata.creationTimestamp, now)];
    },
    wide: (o) => [Object.entries((spec(o).selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
  },
  Deployment: {
    header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    row: (o, now) => {
      const st = (o.status ?? {}) as { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
      return [o.metadata.name, `${st.readyReplicas ?? 0}/${spec(o).replicas ?? 1}`, String(st.updatedReplicas ?? 0), String(st.availableReplicas ?? 0), age(o.metadata.creationTimestamp, now)];
    },
  },
  Namespace: named(['STATUS'], () => ['Active']),
  VirtualService: named(['GATEWAYS', 'HOSTS'], (o) => [JSON.stringify(spec(o).gateways ?? []).replaceAll(',', ','), JSON.stringify(spec(o).hosts ?? [])]),
  DestinationRule: named(['HOST'], (o) => [String(spec(o).host ?? '')]),
  ServiceEntry: named(['HOSTS', 'LOCATION', 'RESOLUTION'], (o) => [JSON.stringify(spec(o).hosts ?? []), String(spec(o).location ?? ''), String(spec(o).resolution ?? '')]),
  PeerAuthentication: named(['MODE'], (o) => [String(spec(o).mtls?.mode ?? '')]),
  AuthorizationPolicy: named(['ACTION'], (o) => [String(spec(o).action ?? 'ALLOW')]),
  Secret: named(['TYPE', 'DATA'], (o) => [String((o as unknown as { type?: string }).type ?? 'Opaque'), String(Object.keys((o as unknown as { data?: object }).data ?? {}).length)]),
};

/** Any kind without its own printer: NAME AGE. */
export const DEFAULT_COLUMNS: Columns = named([], () => []);
