/** Secret and ConfigMap (core/v1): key names, and the keys each well-known Secret type requires. */
import type { kube, ResourceObject } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function validateConfigKeys(keys: readonly string[], path: FieldPath, issues: IssueCollector): void {
  for (const key of keys) {
    if (key.length > 253 || !CONFIG_KEY.test(key) || key === '.' || key === '..' || key.startsWith('..')) {
      issues.error([...path, key], `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`);
    }
  }
}

/** Keys a Secret of each type must hold (from data or stringData). */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(object: ResourceObject, issues: IssueCollector): void {
  const secret = object as kube.Secret;
  validateConfigKeys(Object.keys(secret.data ?? {}), ['data'], issues);
  validateConfigKeys(Object.keys(secret.stringData ?? {}), ['stringData'], issues);
  const type = secret.type ?? 'Opaque';
  const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!keys.has(key)) issues.error(['data', key], 'Required value');
  }
  if (type === 'kubernetes.io/service-account-token' && !object.metadata.annotations?.['kubernetes.io/service-account.name']) {
    issues.error(['metadata', 'annotations', 'kubernetes.io/service-account.name'], 'Required value');
  }
  if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password')) {
    issues.error(['data'], 'Required value: at least one of username or password is required for kubernetes.io/basic-auth');
  }
}

export function validateConfigMap(object: ResourceObject, issues: IssueCollector): void {
  const cm = object as kube.ConfigMap;
  validateConfigKeys(Object.keys(cm.data ?? {}), ['data'], issues);
  validateConfigKeys(Object.keys(cm.binaryData ?? {}), ['binaryData'], issues);
  for (const key of Object.keys(cm.binaryData ?? {})) {
    if (Object.hasOwn(cm.data ?? {}, key)) issues.error(['binaryData', key], `Invalid value: "${key}": duplicate of key present in data`);
  }
}
