/**
 * SKF0001, Skiff's own check (Istio has none): a DestinationRule whose TLS
 * mode the destination's PeerAuthentication cannot accept. `tls.mode: DISABLE`
 * sends plain text to a sidecar that requires mTLS (STRICT), and
 * `ISTIO_MUTUAL` sends mTLS to one that has it turned off (DISABLE); either
 * way the server resets the connection and clients see 503 UF/URX,
 * "upstream connect error or disconnect/reset before headers".
 *
 * For every Kubernetes Service, each namespace that has clients (the input's
 * workloads, the mesh's gateways; the DestinationRules' own namespaces when
 * the input has no workloads) picks the rule it applies
 * (applied-destination-rule.ts). For each request path that rule defines (no
 * subset, or a subset), each Service port and each destination workload, the
 * client's TLS mode (port-level and subset settings override the top level,
 * as in Istio's MergeTrafficPolicy) is checked against the workload's
 * effective mTLS mode on its target port (effective-mtls.ts). No `tls` block,
 * or any other mode, is left alone: auto mTLS and TLS origination are not
 * this check's business. Workloads opted out of injection have no sidecar to
 * enforce a policy and are skipped. A Service whose pods are not in the input
 * stands in as one pod carrying the Service's selector labels.
 *
 * One message per DestinationRule `tls.mode` field and PeerAuthentication,
 * at the line that has to change, naming the ports, workloads and client
 * namespaces it breaks.
 */
import { DestinationRuleKind, PeerAuthenticationKind, kube, type ClientTLSSettings, type DestinationRule } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { AnalysisContext, AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { serviceFqdn } from '../../hosts.ts';
import { DestinationRuleTLSConflictsWithPeerAuthentication } from '../../messages.gen.ts';
import { selectorMatches, type Workload } from '../../workloads.ts';
import { PeerAuthenticationIndex, rootNamespace, type EffectiveMtls, type WorkloadIdentity } from '../peerauthentication/effective-mtls.ts';
import { destinationRuleIndex } from './applied-destination-rule.ts';

const FIX_PLAINTEXT_TO_STRICT = 'Set the DestinationRule\'s tls.mode to ISTIO_MUTUAL, or remove its tls block to let auto mTLS decide, or change the PeerAuthentication to PERMISSIVE.';
const FIX_MTLS_TO_DISABLED = 'Remove the DestinationRule\'s tls block to let auto mTLS decide (or set tls.mode to DISABLE), or change the PeerAuthentication to PERMISSIVE.';

interface Destination extends WorkloadIdentity {
  readonly name: string;
  /** Stands in for a Service's pods that are not in the input; labels are what the selector guarantees. */
  readonly standIn: boolean;
}

interface ServicePortTarget {
  readonly port: number;
  readonly targetPort: number;
}

interface Conflict {
  readonly rule: AnalyzedResource<DestinationRule>;
  readonly field: FieldPath;
  readonly mode: string;
  readonly fqdn: string;
  readonly subset?: string;
  readonly server: EffectiveMtls;
  readonly ports: Set<number>;
  readonly workloads: Set<string>;
  readonly clients: Set<string>;
}

export const mtlsConflictAnalyzer: Analyzer = {
  name: 'destinationrule.MTLSConflictAnalyzer',
  description: 'Checks that DestinationRule TLS modes agree with the PeerAuthentication in force at the destination (Skiff)',
  inputs: [DestinationRuleKind, PeerAuthenticationKind, kube.ServiceKind],
  analyze(ctx) {
    const policies = new PeerAuthenticationIndex(ctx);
    const rules = ctx.list<DestinationRule>(DestinationRuleKind);
    if (policies.isEmpty || rules.length === 0) return;
    const index = destinationRuleIndex(rules, ctx.defaultNamespace, rootNamespace(ctx));
    const clients = clientNamespaces(ctx, rules);
    const conflicts = new Map<string, Conflict>();

    for (const svc of ctx.list<kube.Service>(kube.ServiceKind)) {
      const namespace = svc.namespace ?? ctx.defaultNamespace;
      const fqdn = serviceFqdn(namespace, svc.name);
      const destinations = destinationsOf(ctx, namespace, svc.object.spec?.selector ?? {}, svc.name);
      if (destinations.length === 0) continue;
      const ports = (svc.object.spec?.ports ?? []).map((p): ServicePortTarget => ({
        port: p.port ?? 0,
        targetPort: typeof p.targetPort === 'number' ? p.targetPort : Number(p.targetPort) || (p.port ?? 0),
      }));
      for (const client of clients) {
        const rule = index.applied(client, namespace, fqdn);
        if (!rule) continue;
        for (const path of requestPaths(rule, destinations)) {
          for (const port of ports) {
            const tls = path.tls(port.port);
            const mode = tls.settings?.mode;
            if (mode !== 'DISABLE' && mode !== 'ISTIO_MUTUAL') continue;
            for (const destination of path.destinations) {
              const server = policies.resolve(destination, port.targetPort);
              if (!server.policy || !incompatible(mode, server.mode)) continue;
              const key = JSON.stringify([rule.namespace, rule.name, tls.field, server.policy.namespace, server.policy.name, server.mode]);
              const conflict = conflicts.get(key) ?? {
                rule, field: tls.field, mode, fqdn, subset: tls.subset, server,
                ports: new Set<number>(), workloads: new Set<string>(), clients: new Set<string>(),
              };
              conflict.ports.add(port.port);
              conflict.workloads.add(`${destination.namespace}/${destination.name}`);
              conflict.clients.add(client);
              conflicts.set(key, conflict);
            }
          }
        }
      }
    }

    for (const c of conflicts.values()) {
      const ruleName = `${c.rule.namespace ?? ctx.defaultNamespace}/${c.rule.name}`;
      const policyName = `${c.server.policy!.namespace ?? ctx.defaultNamespace}/${c.server.policy!.name}`;
      const ports = [...c.ports].sort((a, b) => a - b);
      const scope = [c.subset !== undefined ? `subset ${c.subset}` : undefined, `${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}`]
        .filter((s) => s !== undefined).join(', ');
      const peerMode = c.server.portLevel ? `${c.server.mode} (portLevelMtls)` : c.server.mode;
      ctx.report(DestinationRuleTLSConflictsWithPeerAuthentication, c.rule, c.field,
        ruleName, c.mode, c.fqdn, ` (${scope})`, policyName, peerMode, [...c.workloads].sort(), c.fqdn, [...c.clients].sort(),
        c.mode === 'DISABLE' ? FIX_PLAINTEXT_TO_STRICT : FIX_MTLS_TO_DISABLED);
    }
  },
};

function incompatible(clientMode: 'DISABLE' | 'ISTIO_MUTUAL', serverMode: string): boolean {
  return (clientMode === 'DISABLE' && serverMode === 'STRICT') || (clientMode === 'ISTIO_MUTUAL' && serverMode === 'DISABLE');
}

/** Namespaces whose sidecars pick a DestinationRule: the input's workloads and the mesh's gateways. */
function clientNamespaces(ctx: AnalysisContext, rules: readonly AnalyzedResource<DestinationRule>[]): Set<string> {
  const user = ctx.workloads.filter((w) => w.resource !== undefined);
  const namespaces = new Set([
    ...user.map((w) => w.namespace),
    ...ctx.workloads.filter((w) => w.resource === undefined && w.containers.some((c) => c.name === 'istio-proxy')).map((w) => w.namespace),
  ]);
  if (user.length === 0) for (const r of rules) namespaces.add(r.namespace ?? ctx.defaultNamespace);
  return namespaces;
}

/** The Service's workloads that have a sidecar; one stand-in when its pods are not in the input. */
function destinationsOf(ctx: AnalysisContext, namespace: string, selector: Readonly<Record<string, string>>, service: string): Destination[] {
  if (Object.keys(selector).length === 0) return [];
  const selected = ctx.workloads.filter((w) => w.namespace === namespace && selectorMatches(selector, w.labels));
  if (selected.length === 0) return [{ namespace, name: `pods of Service ${service}`, labels: selector, standIn: true }];
  const disabled = injectionDisabledNamespaces(ctx);
  return selected.filter((w) => !optedOut(w) && !disabled.has(w.namespace)).map((w) => ({ namespace: w.namespace, name: w.name, labels: w.labels, standIn: false }));
}

function optedOut(w: Workload): boolean {
  return w.labels['sidecar.istio.io/inject'] === 'false' || w.annotations['sidecar.istio.io/inject'] === 'false';
}

function injectionDisabledNamespaces(ctx: AnalysisContext): Set<string> {
  return new Set(ctx.list(kube.NamespaceKind)
    .filter((ns) => ns.object.metadata.labels?.['istio-injection'] === 'disabled')
    .map((ns) => ns.name));
}

interface ClientTls {
  readonly settings?: ClientTLSSettings;
  readonly field: FieldPath;
  /** Set when the subset's own traffic policy decides; a subset inheriting the top level shares its message. */
  readonly subset?: string;
}

interface RequestPath {
  readonly destinations: readonly Destination[];
  tls(port: number): ClientTls;
}

/** Traffic to the host without a subset, and to each subset (to the workloads it selects). */
function requestPaths(rule: AnalyzedResource<DestinationRule>, destinations: readonly Destination[]): RequestPath[] {
  const spec = rule.object.spec ?? {};
  const topLevel = (port: number): ClientTls => {
    const i = (spec.trafficPolicy?.portLevelSettings ?? []).findIndex((p) => p.port?.number === port);
    if (i >= 0) return { settings: spec.trafficPolicy!.portLevelSettings![i].tls, field: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'] };
    return { settings: spec.trafficPolicy?.tls, field: ['spec', 'trafficPolicy', 'tls', 'mode'] };
  };
  const paths: RequestPath[] = [{ destinations, tls: topLevel }];
  (spec.subsets ?? []).forEach((subset, j) => {
    const labels = subset.labels ?? {};
    const name = subset.name ?? '';
    const selected = destinations.filter((d) => selectorMatches(labels, d.labels)
      || (d.standIn && Object.entries(labels).every(([k, v]) => d.labels[k] === undefined || d.labels[k] === v)));
    paths.push({
      destinations: selected.map((d) => (d.standIn ? { ...d, labels: { ...d.labels, ...labels } } : d)),
      tls(port) {
        const policy = subset.trafficPolicy;
        const i = (policy?.portLevelSettings ?? []).findIndex((p) => p.port?.number === port);
        if (i >= 0) return { settings: policy!.portLevelSettings![i].tls, field: ['spec', 'subsets', j, 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'], subset: name };
        if (policy?.tls) return { settings: policy.tls, field: ['spec', 'subsets', j, 'trafficPolicy', 'tls', 'mode'], subset: name };
        return topLevel(port);
      },
    });
  });
  return paths;
}
