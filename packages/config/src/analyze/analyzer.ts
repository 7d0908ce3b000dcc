/**
 * The contract between the analysis framework and each analyzer, after Istio's
 * analysis.Analyzer: an analyzer declares its name, what it checks and which
 * kinds it reads, and reports messages through the context. Analyzers never
 * see files or output formats; the context turns a field path into a line.
 */
import type { FieldPath } from '@skiff/common';
import type { KindDefinition, ResourceObject } from '@skiff/api';
import type { SourcePosition } from '../parse/issue.ts';
import type { ConfigIssue } from '../parse/issue.ts';
import type { MessageType } from './message-type.ts';
import type { ServiceRegistry } from './service-registry.ts';
import type { Workload } from './workloads.ts';

/** Names a kind by API group and kind; every KindDefinition is one. */
export interface KindRef {
  readonly group: string;
  readonly kind: string;
}

export interface Analyzer {
  /** Istio's analyzer name where there is one, e.g. `virtualservice.GatewayAnalyzer`. */
  readonly name: string;
  /** One line for `skiff analyze --list-analyzers`. */
  readonly description: string;
  /** The kinds it reads; shown in the list and used to skip it when a kind is not registered. */
  readonly inputs: readonly KindRef[];
  analyze(ctx: AnalysisContext): void;
}

/** A resource as analyzers see it: the object, its effective namespace, and where its fields were written. */
export interface AnalyzedResource<T extends ResourceObject = ResourceObject> {
  readonly object: T;
  readonly kind: KindDefinition | KindRef;
  /** `metadata.namespace`, or the analysis' default namespace when absent; undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** Absent for the resources the mesh installs itself (see mesh-defaults.ts). */
  readonly source?: SourcePosition;
  locate(path: FieldPath): SourcePosition | undefined;
}

/** What a message is about: a resource (kind, namespace, name) and where in the input. */
export interface MessageOrigin {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Whether the kind is namespaced (Namespace and other cluster-scoped kinds are not). */
  readonly namespaced: boolean;
}

export interface AnalysisMessage {
  readonly type: MessageType;
  readonly args: readonly unknown[];
  readonly origin?: MessageOrigin;
  readonly position?: SourcePosition;
}

export interface AnalysisContext {
  /** Every resource of a kind, in input order. */
  list<T extends ResourceObject = ResourceObject>(kind: KindRef): readonly AnalyzedResource<T>[];
  /** One resource by namespace and name (namespace ignored for cluster-scoped kinds). */
  get<T extends ResourceObject = ResourceObject>(kind: KindRef, namespace: string | undefined, name: string): AnalyzedResource<T> | undefined;
  /** Hosts known to the mesh: Kubernetes Services, ServiceEntries and the mesh's own services. */
  readonly services: ServiceRegistry;
  /** Workload instances: Pods, the pods Deployments create, WorkloadEntries and the mesh's gateways. */
  readonly workloads: readonly Workload[];
  /** Problems found while parsing (schema and validation), for the schema analyzer. */
  readonly parseIssues: readonly ConfigIssue[];
  /** The namespace objects without one are placed in. */
  readonly defaultNamespace: string;
  /** Reports a message about a field of a resource; the message carries that field's line. */
  report<A extends readonly unknown[]>(type: MessageType<A>, resource: AnalyzedResource, field: FieldPath, ...args: A): void;
  /** Reports a message with an explicit origin, for problems in objects that did not parse. */
  reportAt<A extends readonly unknown[]>(type: MessageType<A>, origin: MessageOrigin | undefined, position: SourcePosition | undefined, ...args: A): void;
}
