/**
 * Runs the analyzers over a set of manifests, as `istioctl analyze
 * --use-kube=false` does: parse every source, place objects without a
 * namespace in the default one, run each analyzer whose input kinds are
 * registered, then keep the messages for the selected namespace (or all),
 * drop suppressed ones, and sort.
 */
import { ALL_KINDS, type KindDefinition } from '@skiff/api';
import { parseManifests, type ParsedResource } from '../parse/manifests.ts';
import type { ConfigIssue } from '../parse/issue.ts';
import type { ManifestSource } from '../parse/sources.ts';
import type { AnalysisMessage, AnalyzedResource, Analyzer, KindRef } from './analyzer.ts';
import { ResourceContext } from './context.ts';
import { sameKind } from './kinds.ts';
import { LEVEL_ORDER, type Level } from './message-type.ts';
import { sortMessages } from './output.ts';
import { isSuppressed, type Suppression } from './suppression.ts';
import { ALL_ANALYZERS } from './analyzers/index.ts';

export interface AnalyzeOptions {
  /** Namespace for objects that have none; also the namespace reported on unless `allNamespaces`. Default `default`. */
  readonly namespace?: string;
  /** Report on every namespace instead of only `namespace`. */
  readonly allNamespaces?: boolean;
  readonly suppressions?: readonly Suppression[];
  /** Default: every analyzer in analyzers/index.ts. */
  readonly analyzers?: readonly Analyzer[];
  /** Include the mesh's own namespace, services and gateways (default true). */
  readonly meshDefaults?: boolean;
  /** Kinds considered registered; default @skiff/api's ALL_KINDS. */
  readonly kinds?: readonly KindRef[];
}

export interface AnalysisResult {
  /** Sorted, filtered to the selected namespace, suppressions applied. */
  readonly messages: readonly AnalysisMessage[];
  readonly executedAnalyzers: readonly string[];
  /** Analyzers skipped because an input kind is not registered. */
  readonly skippedAnalyzers: readonly string[];
}

export function analyzeSources(sources: readonly ManifestSource[], options: AnalyzeOptions = {}): AnalysisResult {
  const resources: ParsedResource[] = [];
  const issues: ConfigIssue[] = [];
  for (const source of sources) {
    const parsed = parseManifests(source.text, source.file);
    resources.push(...parsed.resources);
    issues.push(...parsed.issues);
  }
  return analyzeParsed(resources, issues, options);
}

export function analyzeParsed(parsed: readonly ParsedResource[], issues: readonly ConfigIssue[], options: AnalyzeOptions = {}): AnalysisResult {
  const namespace = options.namespace ?? 'default';
  const resources = parsed.map((p) => toAnalyzed(p, namespace));
  const ctx = new ResourceContext(resources, { defaultNamespace: namespace, parseIssues: issues, meshDefaults: options.meshDefaults ?? true });
  const kinds = options.kinds ?? ALL_KINDS;
  const executed: string[] = [];
  const skipped: string[] = [];
  for (const analyzer of options.analyzers ?? ALL_ANALYZERS) {
    if (!analyzer.inputs.every((input) => kinds.some((k) => sameKind(k, input)))) {
      skipped.push(analyzer.name);
      continue;
    }
    analyzer.analyze(ctx);
    executed.push(analyzer.name);
  }
  const suppressions = options.suppressions ?? [];
  const messages = ctx.messages.filter((m) =>
    (options.allNamespaces || inNamespace(m, namespace)) && !isSuppressed(m, suppressions));
  return { messages: sortMessages(messages), executedAnalyzers: executed, skippedAnalyzers: skipped };
}

/** Whether any message is at `threshold` or worse (Istio's failure threshold, Error by default). */
export function hasMessagesAtLeast(messages: readonly AnalysisMessage[], threshold: Level = 'Error'): boolean {
  return messages.some((m) => LEVEL_ORDER[m.type.level] <= LEVEL_ORDER[threshold]);
}

function inNamespace(m: AnalysisMessage, namespace: string): boolean {
  if (!m.origin) return true;
  if (m.origin.namespaced) return m.origin.namespace === namespace;
  return m.origin.kind !== 'Namespace' || m.origin.name === namespace;
}

function toAnalyzed(p: ParsedResource, defaultNamespace: string): AnalyzedResource {
  const definition: KindDefinition = p.definition;
  return {
    object: p.object,
    kind: definition,
    namespace: definition.namespaced ? p.object.metadata.namespace ?? defaultNamespace : undefined,
    name: p.object.metadata.name ?? '',
    source: p.source,
    locate: (path) => p.locate(path),
  };
}
