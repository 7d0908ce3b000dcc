/**
 * Kubernetes REST paths → (kind, namespace, name, subresource):
 *   /api/v1/namespaces/{ns}/{plural}[/{name}[/{sub}]]   /api/v1/{plural}[/{name}]
 *   /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/{sub}]]   /apis/{group}/{version}/{plural}[/{name}]
 * and back (`pathOf`, shared with @skiff/client's rules).
 */
import { ALL_KINDS, type KindDefinition } from '@skiff/api';
import { badRequest, notFoundResource } from './status.ts';

export interface ResourcePath {
  readonly definition: KindDefinition;
  readonly version: string;
  /** Undefined: all namespaces (lists) or a cluster-scoped kind. */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export function parseResourcePath(pathname: string): ResourcePath {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    throw notFoundResource();
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const definition = ALL_KINDS.find((k) => k.group === group && k.plural === plural);
  if (!definition || extra.length > 0 || !definition.versions.includes(version)) throw notFoundResource();
  if (namespace !== undefined && !definition.namespaced) throw badRequest(`${plural} is not namespaced`);
  return { definition, version, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}
