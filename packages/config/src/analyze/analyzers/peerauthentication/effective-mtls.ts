/**
 * The mTLS mode a workload's sidecar accepts on a port, resolved as Istio's
 * ComposePeerAuthentication does: PERMISSIVE by default, then the mesh-wide
 * policy (no selector, root namespace), then the namespace-wide one (no
 * selector, the workload's namespace), then the workload's own (a selector
 * matching its labels), each overriding the one before unless its mode is
 * UNSET. `portLevelMtls` counts only on a workload-level policy (Istio
 * ignores it elsewhere); an UNSET port entry inherits. Where several
 * policies tie, Istio takes the oldest; the first in the input stands in.
 */
import { IstioOperatorKind, PeerAuthenticationKind, type PeerAuthentication } from '@skiff/api';
import type { AnalysisContext, AnalyzedResource } from '../../analyzer.ts';
import { ISTIO_SYSTEM } from '../../mesh-defaults.ts';
import { selectorMatches } from '../../workloads.ts';

export type MtlsMode = 'PERMISSIVE' | 'STRICT' | 'DISABLE';

export interface EffectiveMtls {
  readonly mode: MtlsMode;
  /** The policy that set the mode; undefined for the PERMISSIVE default. */
  readonly policy?: AnalyzedResource<PeerAuthentication>;
  /** Whether a `portLevelMtls` entry set it. */
  readonly portLevel: boolean;
}

export interface WorkloadIdentity {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The mesh's root namespace: an IstioOperator's meshConfig.rootNamespace, else istio-system. */
export function rootNamespace(ctx: AnalysisContext): string {
  for (const op of ctx.list(IstioOperatorKind)) {
    const root = ((op.object.spec ?? {}) as { meshConfig?: { rootNamespace?: string } }).meshConfig?.rootNamespace;
    if (root) return root;
  }
  return ISTIO_SYSTEM;
}

export class PeerAuthenticationIndex {
  readonly #policies: readonly AnalyzedResource<PeerAuthentication>[];
  readonly #root: string;
  readonly #defaultNamespace: string;

  constructor(ctx: AnalysisContext) {
    this.#policies = ctx.list<PeerAuthentication>(PeerAuthenticationKind);
    this.#root = rootNamespace(ctx);
    this.#defaultNamespace = ctx.defaultNamespace;
  }

  get isEmpty(): boolean {
    return this.#policies.length === 0;
  }

  /** The mode the workload accepts on `port` (the workload's own port, i.e. a Service's targetPort). */
  resolve(workload: WorkloadIdentity, port: number): EffectiveMtls {
    let result: EffectiveMtls = { mode: 'PERMISSIVE', portLevel: false };
    const apply = (policy: AnalyzedResource<PeerAuthentication> | undefined) => {
      const mode = modeOf(policy?.object.spec?.mtls?.mode);
      if (policy && mode) result = { mode, policy, portLevel: false };
    };
    apply(this.#policies.find((p) => this.#namespaceOf(p) === this.#root && !hasSelector(p)));
    apply(this.#policies.find((p) => this.#namespaceOf(p) === workload.namespace && !hasSelector(p)));
    const own = this.#policies.find((p) => this.#namespaceOf(p) === workload.namespace && hasSelector(p)
      && selectorMatches(p.object.spec?.selector?.matchLabels, workload.labels));
    if (!own) return result;
    apply(own);
    const portMode = modeOf(own.object.spec?.portLevelMtls?.[String(port)]?.mode);
    if (portMode) result = { mode: portMode, policy: own, portLevel: true };
    return result;
  }

  #namespaceOf(p: AnalyzedResource): string {
    return p.namespace ?? this.#defaultNamespace;
  }
}

function hasSelector(p: AnalyzedResource<PeerAuthentication>): boolean {
  return Object.keys(p.object.spec?.selector?.matchLabels ?? {}).length > 0;
}

function modeOf(mode: string | undefined): MtlsMode | undefined {
  return mode === 'PERMISSIVE' || mode === 'STRICT' || mode === 'DISABLE' ? mode : undefined;
}
