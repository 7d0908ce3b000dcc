/**
 * Kubernetes API server defaults for the kinds a mesh reads, keyed `group/Kind`
 * ('' for core): what `kubectl get -o yaml` shows for fields the manifest left
 * out. Applied by `withDefaults` on a copy of a valid object.
 */
import type { kube, ResourceObject } from '@skiff/api';
import type { Defaulter } from './index.ts';

function defaultService(object: ResourceObject): void {
  const spec = ((object as kube.Service).spec ??= {});
  spec.type ??= 'ClusterIP';
  if (spec.type !== 'ExternalName') spec.sessionAffinity ??= 'None';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined && port.port !== undefined) port.targetPort = port.port;
  }
}

/** `:latest` or no tag pulls every time; anything else (a tag or a digest) only when missing. */
export function defaultImagePullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon < 0 ? '' : image.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: kube.Container): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) {
      probe.httpGet.path ??= '/';
      probe.httpGet.scheme ??= 'HTTP';
    }
  }
}

export function defaultPodSpec(spec: kube.PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.configMap) v.configMap.defaultMode ??= 0o644;
    if (v.secret) v.secret.defaultMode ??= 0o644;
  }
}

function defaultPod(object: ResourceObject): void {
  defaultPodSpec(((object as kube.Pod).spec ??= {}));
}

function defaultDeployment(object: ResourceObject): void {
  const spec = ((object as kube.Deployment).spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (spec.template) defaultPodSpec((spec.template.spec ??= {}));
}

function defaultSecret(object: ResourceObject): void {
  (object as kube.Secret).type ??= 'Opaque';
}

function defaultEndpointSlice(object: ResourceObject): void {
  for (const p of (object as kube.EndpointSlice).ports ?? []) p.protocol ??= 'TCP';
}

export const KUBE_DEFAULTS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
  ['/Service', defaultService],
  ['/Pod', defaultPod],
  ['apps/Deployment', defaultDeployment],
  ['/Secret', defaultSecret],
  ['discovery.k8s.io/EndpointSlice', defaultEndpointSlice],
]);
