/** Names, namespaces, labels and annotations, by Kubernetes' rules. */
import type { KindDefinition, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../parse/issue.ts';
import { validateDns1123Label, validateDns1123Subdomain, validateLabels } from './rules/names.ts';

export function validateObjectMeta(definition: KindDefinition, object: ResourceObject, issues: IssueCollector): void {
  const { name, generateName, namespace, labels, annotations } = object.metadata ?? {};
  if (name === undefined || name === '') {
    if (!generateName && !definition.defaultName) issues.error(['metadata', 'name'], 'name is required');
  } else if (definition.kind === 'Namespace' || definition.kind === 'Service') {
    validateDns1123Label(name, ['metadata', 'name'], issues);
  } else {
    validateDns1123Subdomain(name, ['metadata', 'name'], issues);
  }
  if (namespace !== undefined) {
    if (!definition.namespaced) issues.error(['metadata', 'namespace'], `${definition.kind} is cluster-scoped and takes no namespace`);
    else validateDns1123Label(namespace, ['metadata', 'namespace'], issues);
  }
  if (labels) validateLabels(labels, ['metadata', 'labels'], issues);
  if (annotations) {
    for (const key of Object.keys(annotations)) {
      if (!isQualifiedName(key)) issues.error(['metadata', 'annotations', key], 'annotation keys must be qualified names (optional DNS prefix and "/", then up to 63 alphanumerics, "-", "_" or ".")');
    }
  }
}

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  return NAME_PART.test(name) && (slash < 0 || (prefix.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix)));
}
