/**
 * What the cluster verbs share: the `--data-dir` flag that finds the local
 * cluster, the connection through @skiff/client, and kind names as kubectl
 * takes them (`pods`, `po`, `deploy`, `vs`, `virtualservices.networking.istio.io`).
 */
import { ALL_KINDS, findKindByName, type KindDefinition } from '@skiff/api';
import { connectCluster, DEFAULT_DATA_DIR, type ClusterClient, type ClusterInfo } from '@skiff/client';
import { UsageError, type CommandIO, type FlagSpec } from './command.ts';

export const DATA_DIR_FLAG: FlagSpec = { type: 'string', valueName: 'DIR', description: `the local cluster's data directory (default ${DEFAULT_DATA_DIR}, or $SKIFF_DATA_DIR)` };
export const NAMESPACE_FLAG: FlagSpec = { type: 'string', short: 'n', valueName: 'NS', description: 'namespace (default "default")' };

export function dataDirOf(flags: { 'data-dir'?: string }): string {
  return flags['data-dir'] ?? process.env.SKIFF_DATA_DIR ?? DEFAULT_DATA_DIR;
}

export function cluster(flags: { 'data-dir'?: string }, io: CommandIO): { client: ClusterClient; info: ClusterInfo } {
  return connectCluster(dataDirOf(flags), io.cwd);
}

/** A kind from its name, plural, short name or `plural.group`; a UsageError in kubectl's words otherwise. */
export function kindOf(name: string): KindDefinition {
  const aliases: Record<string, string> = { svc: 'services', ns: 'namespaces', sa: 'serviceaccounts', cm: 'configmaps', deploy: 'deployments', po: 'pods' };
  const found = findKindByName(aliases[name.toLowerCase()] ?? name);
  if (!found) throw new UsageError(`the server doesn't have a resource type "${name}"`);
  return found;
}

/** `pod`, `deployment.apps`, `virtualservice.networking.istio.io`: how kubectl names a kind in `-o name` and messages. */
export function kindLabel(definition: KindDefinition): string {
  const kind = definition.kind.toLowerCase();
  return definition.group === '' ? kind : `${kind}.${definition.group}`;
}

export function kindByObject(apiVersion: string, kind: string): KindDefinition | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return ALL_KINDS.find((k) => k.group === group && k.kind === kind);
}
