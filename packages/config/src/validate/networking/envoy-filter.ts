/** EnvoyFilter: Istio's validateEnvoyFilter rules (pkg/config/validation/envoyfilter). */
import type { ApplyTo, EnvoyFilter, PatchOperation, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { re2SyntaxError } from '../rules/regex.ts';
import { validateWorkloadSelectorLabels } from '../rules/selector.ts';

const LISTENER_CLASS: ReadonlySet<ApplyTo> = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'LISTENER_FILTER']);
const ROUTE_CLASS: ReadonlySet<ApplyTo> = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
const HCM_NAMES = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);
/** Operations that place an object relative to others in a list; only list members can take them. */
const ORDERED_OPS: ReadonlySet<PatchOperation> = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST']);
const ORDERED_TARGETS: ReadonlySet<ApplyTo> = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'LISTENER_FILTER', 'HTTP_ROUTE', 'FILTER_CHAIN']);

export function validateEnvoyFilter(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as EnvoyFilter;
  validateWorkloadSelectorLabels(spec.workloadSelector, ['spec', 'workloadSelector'], issues, 'Envoy filter: workloadSelector cannot have empty labels');
  if (spec.workloadSelector && spec.targetRefs) issues.error(['spec'], 'only one of targetRefs or workloadSelector can be set');
  (spec.configPatches ?? []).forEach((cp, i) => {
    const at = ['spec', 'configPatches', i] as const;
    const applyTo = cp.applyTo ?? 'INVALID';
    if (applyTo === 'INVALID') return issues.error([...at, 'applyTo'], 'Envoy filter: missing applyTo');
    if (!cp.patch) return issues.error([...at, 'patch'], 'Envoy filter: missing patch');
    const op = cp.patch.operation ?? 'INVALID';
    if (op === 'INVALID') return issues.error([...at, 'patch', 'operation'], 'Envoy filter: missing patch operation');
    if (op !== 'REMOVE' && cp.patch.value === undefined) return issues.error([...at, 'patch', 'value'], 'Envoy filter: missing patch value for non-remove operation');
    const proxyVersion = cp.match?.proxy?.proxyVersion;
    if (proxyVersion) {
      const err = re2SyntaxError(proxyVersion);
      if (err) return issues.error([...at, 'match', 'proxy', 'proxyVersion'], `Envoy filter: invalid regex for proxy version, [${err}]`);
    }
    if (ORDERED_OPS.has(op) && !ORDERED_TARGETS.has(applyTo)) {
      issues.error([...at, 'patch', 'operation'], `Envoy filter: ${op} is not supported for applyTo ${applyTo}; it applies only to list members (NETWORK_FILTER, HTTP_FILTER, LISTENER_FILTER, HTTP_ROUTE, FILTER_CHAIN)`);
    }
    if (applyTo === 'BOOTSTRAP' && op !== 'MERGE') issues.error([...at, 'patch', 'operation'], `Envoy filter: applyTo BOOTSTRAP supports only MERGE, got ${op}`);
    if (applyTo === 'EXTENSION_CONFIG' && op !== 'ADD') issues.error([...at, 'patch', 'operation'], `Envoy filter: applyTo EXTENSION_CONFIG supports only ADD, got ${op}`);

    const match = cp.match;
    const hasObjectMatch = Boolean(match?.listener || match?.routeConfiguration || match?.cluster);
    if (LISTENER_CLASS.has(applyTo) && hasObjectMatch) {
      if (!match?.listener) return issues.error([...at, 'match'], 'Envoy filter: applyTo for listener class objects cannot have non listener match');
      const filter = match.listener.filterChain?.filter;
      if (filter) {
        const fAt = [...at, 'match', 'listener', 'filterChain', 'filter'];
        if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') issues.warning(fAt, `Envoy filter: filter match has no effect when used with ${applyTo}`);
        if (!filter.name) return issues.error([...fAt, 'name'], 'Envoy filter: filter match has no name to match on');
        if (filter.subFilter) {
          if (applyTo !== 'HTTP_FILTER') return issues.error([...fAt, 'subFilter'], 'Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only');
          if (!HCM_NAMES.has(filter.name)) return issues.error([...fAt, 'subFilter'], 'Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager');
          if (!filter.subFilter.name) return issues.error([...fAt, 'subFilter', 'name'], 'Envoy filter: subfilter match has no name to match on');
        }
      }
    }
    if (ROUTE_CLASS.has(applyTo) && hasObjectMatch && !match?.routeConfiguration) {
      issues.error([...at, 'match'], 'Envoy filter: applyTo for http route class objects cannot have non route configuration match');
    }
    if (applyTo === 'CLUSTER' && hasObjectMatch && !match?.cluster) {
      issues.error([...at, 'match'], 'Envoy filter: applyTo for cluster class objects cannot have non cluster match');
    }
    // Filters added to a chain are looked up by name; Envoy rejects a nameless filter.
    const value = cp.patch.value as Record<string, unknown> | undefined;
    if ((applyTo === 'HTTP_FILTER' || applyTo === 'NETWORK_FILTER' || applyTo === 'LISTENER_FILTER') && (op === 'ADD' || ORDERED_OPS.has(op)) &&
        value && typeof value.name !== 'string') {
      issues.error([...at, 'patch', 'value'], `Envoy filter: ${applyTo} patch value must have a filter name`);
    }
  });
}
