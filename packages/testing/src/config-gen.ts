/**
 * Translation tests' entry point (Istio's NewConfigGenTest): YAML in, a
 * PushContext out, and the resources translation builds for a proxy.
 * Objects without a namespace land in `default`; Pods get a Running/Ready
 * status with the IP from the `skiff.test/ip` annotation when they have
 * none, so a manifest stays short. Invalid manifests throw with every
 * issue, so a test never runs on half its config.
 */
import type { ResourceObject } from '@skiff/api';
import { formatIssue, parseManifests } from '@skiff/config';
import { configSnapshot, PushContext, type PushContextOptions } from '@skiff/control-plane/model/index.ts';
import type { Proxy } from '@skiff/control-plane/model/proxy.ts';

export const TEST_IP_ANNOTATION = 'skiff.test/ip';

export interface ConfigGenOptions extends PushContextOptions {
  readonly yaml: string;
  /** Keep error-level issues instead of throwing (for configs that are invalid on purpose). */
  readonly allowInvalid?: boolean;
}

export class ConfigGen {
  readonly push: PushContext;

  constructor(options: ConfigGenOptions) {
    const parsed = parseManifests(options.yaml, 'test.yaml');
    const errors = parsed.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0 && !options.allowInvalid) throw new Error(`invalid test config:\n${errors.map(formatIssue).join('\n')}`);
    const objects = parsed.resources.map((r, i) => normalize(r.object, i));
    this.push = PushContext.build(configSnapshot(objects), options);
  }
}

export function configGen(options: ConfigGenOptions): ConfigGen {
  return new ConfigGen(options);
}

export interface TestProxyOptions {
  readonly ip?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly serviceAccount?: string;
  readonly name?: string;
}

/** A sidecar proxy as parseProxyNode would produce it. */
export function sidecarProxy(options: TestProxyOptions = {}): Proxy {
  return testProxy('sidecar', options);
}

/** A gateway (router) proxy. */
export function routerProxy(options: TestProxyOptions = {}): Proxy {
  return testProxy('router', { namespace: 'istio-system', labels: { istio: 'ingressgateway' }, ...options });
}

function testProxy(type: Proxy['type'], o: TestProxyOptions): Proxy {
  const namespace = o.namespace ?? 'default';
  return {
    id: `${o.name ?? 'test'}.${namespace}`,
    type,
    ipAddresses: [o.ip ?? '10.0.0.100'],
    dnsDomain: `${namespace}.svc.cluster.local`,
    namespace,
    labels: o.labels ?? {},
    serviceAccount: o.serviceAccount ?? 'default',
    clusterId: 'Kubernetes',
    istioVersion: '1.24.0',
    metadata: {},
  };
}

function normalize(object: ResourceObject, index: number): ResourceObject {
  const copy = structuredClone(object);
  copy.metadata.namespace ??= 'default';
  // Creation order = document order, so "oldest wins" rules are predictable.
  copy.metadata.creationTimestamp ??= new Date(Date.UTC(2024, 0, 1, 0, 0, index)).toISOString();
  if (copy.kind === 'Pod' && copy.status === undefined) {
    const ip = copy.metadata.annotations?.[TEST_IP_ANNOTATION];
    if (ip) copy.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] };
  }
  return copy;
}
