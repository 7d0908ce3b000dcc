/**
 * The analysis context (Istio's analysis.Context): indexes one snapshot of
 * resources by kind, namespace and name, builds the service registry and the
 * workload list once, and collects what analyzers report, each message with
 * the line of the field it concerns.
 */
import type { FieldPath } from '@skiff/common';
import type { ResourceObject } from '@skiff/api';
import type { ConfigIssue, SourcePosition } from '../parse/issue.ts';
import type { AnalysisContext, AnalysisMessage, AnalyzedResource, KindRef, MessageOrigin } from './analyzer.ts';
import type { MessageType } from './message-type.ts';
import { DeploymentRef, PodRef, ServiceEntryRef, ServiceRef, WorkloadEntryRef } from './kinds.ts';
import { MESH_SERVICES, MESH_WORKLOADS } from './mesh-defaults.ts';
import { ServiceRegistry, serviceEntryRecordOf, serviceRecordOf, type ServiceRecord } from './service-registry.ts';
import type { Workload } from './workloads.ts';

export interface ContextOptions {
  readonly defaultNamespace: string;
  readonly parseIssues: readonly ConfigIssue[];
  /** Add the mesh's own namespace, services and gateways (mesh-defaults.ts). */
  readonly meshDefaults: boolean;
}

export class ResourceContext implements AnalysisContext {
  readonly defaultNamespace: string;
  readonly parseIssues: readonly ConfigIssue[];
  readonly messages: AnalysisMessage[] = [];
  /** group → kind → resources, in input order. */
  readonly #byKind = new Map<string, Map<string, AnalyzedResource[]>>();
  #services?: ServiceRegistry;
  #workloads?: readonly Workload[];
  readonly #meshDefaults: boolean;

  constructor(resources: readonly AnalyzedResource[], options: ContextOptions) {
    this.defaultNamespace = options.defaultNamespace;
    this.parseIssues = options.parseIssues;
    this.#meshDefaults = options.meshDefaults;
    for (const r of resources) {
      const kinds = this.#byKind.get(r.kind.group) ?? new Map<string, AnalyzedResource[]>();
      this.#byKind.set(r.kind.group, kinds);
      const list = kinds.get(r.kind.kind) ?? [];
      list.push(r);
      kinds.set(r.kind.kind, list);
    }
  }

  // AnalysisContext
  list<T extends ResourceObject = ResourceObject>(kind: KindRef): readonly AnalyzedResource<T>[] {
    return (this.#byKind.get(kind.group)?.get(kind.kind) ?? []) as AnalyzedResource<T>[];
  }

  get<T extends ResourceObject = ResourceObject>(kind: KindRef, namespace: string | undefined, name: string): AnalyzedResource<T> | undefined {
    return this.list<T>(kind).find((r) => r.name === name && (r.namespace === undefined || r.namespace === namespace));
  }

  get services(): ServiceRegistry {
    this.#services ??= new ServiceRegistry([
      ...this.list(ServiceRef).map((r) => serviceRecordOf(r, r.namespace ?? this.defaultNamespace)),
      ...this.list(ServiceEntryRef).map((r) => serviceEntryRecordOf(r, r.namespace ?? this.defaultNamespace)),
      ...(this.#meshDefaults ? MESH_SERVICES : []),
    ] satisfies ServiceRecord[]);
    return this.#services;
  }

  get workloads(): readonly Workload[] {
    this.#workloads ??= [
      ...this.list(PodRef).map((r) => podWorkload(r, r.object.metadata, r.object.spec)),
      ...this.list(DeploymentRef).map((r) => {
        const template = ((r.object.spec ?? {}) as { template?: { metadata?: ResourceObject['metadata']; spec?: unknown } }).template ?? {};
        return podWorkload(r, template.metadata ?? {}, template.spec);
      }),
      ...this.list(WorkloadEntryRef).map((r): Workload => ({
        namespace: r.namespace ?? this.defaultNamespace,
        name: r.name,
        labels: ((r.object.spec ?? {}) as { labels?: Record<string, string> }).labels ?? {},
        annotations: r.object.metadata.annotations ?? {},
        containers: [],
        hostNetwork: false,
        resource: r,
      })),
      ...(this.#meshDefaults ? MESH_WORKLOADS : []),
    ];
    return this.#workloads;
  }

  report<A extends readonly unknown[]>(type: MessageType<A>, resource: AnalyzedResource, field: FieldPath, ...args: A): void {
    if (!resource.source) return; // the mesh's own resources are not the user's to fix
    this.messages.push({ type, args, origin: originOf(resource), position: resource.locate(field) });
  }

  reportAt<A extends readonly unknown[]>(type: MessageType<A>, origin: MessageOrigin | undefined, position: SourcePosition | undefined, ...args: A): void {
    this.messages.push({ type, args, origin, position });
  }
}

export function originOf(resource: AnalyzedResource): MessageOrigin {
  return { kind: resource.kind.kind, namespace: resource.namespace, name: resource.name, namespaced: resource.namespace !== undefined };
}

function podWorkload(resource: AnalyzedResource, metadata: ResourceObject['metadata'], spec: unknown): Workload {
  const podSpec = (spec ?? {}) as { containers?: { name?: string; image?: string }[]; initContainers?: { name?: string; image?: string }[]; hostNetwork?: boolean };
  return {
    namespace: resource.namespace ?? '',
    name: resource.name,
    labels: metadata.labels ?? {},
    annotations: metadata.annotations ?? {},
    containers: [...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].map((c) => ({ name: c.name ?? '', image: c.image })),
    hostNetwork: podSpec.hostNetwork === true,
    resource,
  };
}
