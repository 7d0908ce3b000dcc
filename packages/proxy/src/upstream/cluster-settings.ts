/**
 * Everything the upstream components parse out of a ClusterConfig at CDS
 * time: circuit breakers, outlier detection, active health checks, the load-balancing policy
 * resolved through the registry (load_balancing_policy.policies[]: the first
 * registered type URL wins; the legacy lb_policy was converted to this form
 * at decode) and common_lb_config's healthy_panic_threshold. Errors carry
 * field paths and NACK the cluster; the result is cached per config object.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, formatFieldPath, ok, type Result } from '@skiff/common';
import type { ExtensionRegistry } from '../extensions/registry.ts';
import { unknownExtensionMessage } from '../extensions/registry.ts';
import { ParseErrors, WireReader } from '../http/route-table/wire-reader.ts';
import type { AnyLoadBalancerExtension } from '../load-balancers/types.ts';
import { DEFAULT_ROUND_ROBIN, roundRobin } from '../load-balancers/round-robin/index.ts';
import type { ClusterConfig } from '../xds-client/types.ts';
import { parseCircuitBreakers, type CircuitBreakersConfig } from './circuit-breakers.ts';
import { parseHealthChecks, type HealthCheckConfig } from './health-check/index.ts';
import { parseOutlierDetection, type OutlierDetectionConfig } from './outlier-detection/index.ts';
import { parseUpstreamHttpProtocol } from './conn-pool/http-protocol-options.ts';

export interface ClusterSettings {
  readonly circuitBreakers: CircuitBreakersConfig;
  readonly outlierDetection: OutlierDetectionConfig | undefined;
  /** health_checks[0] (Envoy supports one per cluster). */
  readonly healthCheck: HealthCheckConfig | undefined;
  readonly lb: { readonly ext: AnyLoadBalancerExtension; readonly config: unknown };
  /** Percent; Envoy's default 50; 0 disables panic mode. */
  readonly healthyPanicThresholdPercent: number;
  /** common_lb_config.locality_weighted_lb_config is set: pick a locality by its weight first. */
  readonly localityWeightedLb: boolean;
}

const cache = new WeakMap<ClusterConfig, Result<ClusterSettings>>();

export function parseClusterSettings(cluster: ClusterConfig, registry: ExtensionRegistry<AnyLoadBalancerExtension>): Result<ClusterSettings> {
  const cached = cache.get(cluster);
  if (cached) return cached;
  const result = parse(cluster, registry);
  cache.set(cluster, result);
  return result;
}

function parse(cluster: ClusterConfig, registry: ExtensionRegistry<AnyLoadBalancerExtension>): Result<ClusterSettings> {
  const errors: string[] = [];
  const cb = parseCircuitBreakers(cluster.circuitBreakers, ['circuit_breakers']);
  if (!cb.ok) errors.push(...cb.errors);
  const od = cluster.outlierDetection ? parseOutlierDetection(cluster.outlierDetection, ['outlier_detection']) : undefined;
  if (od && !od.ok) errors.push(...od.errors);
  const hc = parseHealthChecks(cluster.healthChecks ?? [], ['health_checks']);
  if (!hc.ok) errors.push(...hc.errors);
  // Envoy's ClusterImplBase wording.
  if (hc.ok && hc.value.length > 1) errors.push('Multiple health checks not supported');
  // CLUSTER_PROVIDED (ORIGINAL_DST): Envoy's cluster brings its own balancer; the Cluster uses
  // original-dst/OriginalDstLoadBalancer and never builds this round robin placeholder.
  const lb = cluster.lbPolicy === 'CLUSTER_PROVIDED' ? { ext: roundRobin, config: DEFAULT_ROUND_ROBIN } : resolvePolicy(cluster.loadBalancingPolicy, registry, errors);
  const r = new WireReader(new ParseErrors());
  const common = cluster.commonLbConfig;
  const panic = common ? r.object(common, 'healthy_panic_threshold', ['common_lb_config']) : undefined;
  const threshold = panic ? (r.number(panic, 'value', ['common_lb_config', 'healthy_panic_threshold']) ?? 0) : 50;
  parseUpstreamHttpProtocol(cluster, errors); // validated here (NACK); read from its cache by Cluster.poolFor
  errors.push(...r.errors.list);
  if (errors.length > 0 || !lb || !cb.ok) return fail(...errors);
  return ok({ circuitBreakers: cb.value, outlierDetection: od?.ok ? od.value : undefined, healthCheck: hc.ok ? hc.value[0] : undefined, lb, healthyPanicThresholdPercent: threshold,
    localityWeightedLb: common !== undefined && r.object(common, 'locality_weighted_lb_config', ['common_lb_config']) !== undefined,
  });
}

function resolvePolicy(policy: WireMessage | undefined, registry: ExtensionRegistry<AnyLoadBalancerExtension>, errors: string[]): ClusterSettings['lb'] | undefined {
  const r = new WireReader(new ParseErrors());
  const policies = policy ? r.objects(policy, 'policies', ['load_balancing_policy']) : [];
  const tried: string[] = [];
  for (let i = 0; i < policies.length; i++) {
    const at = ['load_balancing_policy', 'policies', i, 'typed_extension_config'];
    const tec = r.object(policies[i], 'typed_extension_config', at.slice(0, -1)) ?? {};
    const typed = r.object(tec, 'typed_config', at) ?? {};
    const typeUrl = typeof typed['@type'] === 'string' ? typed['@type'] : '';
    const config: Record<string, unknown> = { ...typed };
    delete config['@type'];
    const resolved = registry.resolve({ typeUrl, config });
    if (!resolved.ok) {
      if (resolved.error) errors.push(`${formatFieldPath(at)}: ${resolved.error}`);
      tried.push(unknownExtensionMessage(String(tec.name ?? ''), resolved.typeUrl));
      continue;
    }
    const parsed = resolved.ext.parseConfig(resolved.config, [...at, 'typed_config']);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      return undefined;
    }
    return { ext: resolved.ext, config: parsed.value };
  }
  errors.push(...r.errors.list);
  // Envoy: "cluster: didn't find a registered load balancer factory implementation".
  errors.push(`load_balancing_policy: didn't find a registered load balancer factory implementation for cluster${tried.length ? ` (${tried.join('; ')})` : ''}`);
  return undefined;
}
