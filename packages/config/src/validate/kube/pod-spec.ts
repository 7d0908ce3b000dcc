/**
 * PodSpec checks shared by Pod and Deployment, with the API server's wording
 * (`Required value`, `Duplicate value`, `Invalid value: ...`).
 */
import type { kube } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { isDns1123Label, validateDns1123Label } from '../rules/names.ts';

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Kubernetes IsValidPortName: at most 15 characters, lowercase alphanumerics and '-', at least one letter, no '--'. */
export function portNameError(name: string): string | undefined {
  if (name.length > 15) return `Invalid value: "${name}": must be no more than 15 characters`;
  if (!IANA_SVC_NAME.test(name)) return `Invalid value: "${name}": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`;
  if (name.includes('--')) return `Invalid value: "${name}": must not contain consecutive hyphens`;
  if (!/[a-z]/.test(name)) return `Invalid value: "${name}": must contain at least one letter (a-z)`;
  return undefined;
}

export function validatePortRange(port: number, path: FieldPath, issues: IssueCollector): void {
  if (!(port >= 1 && port <= 65535)) issues.error(path, `Invalid value: ${port}: must be between 1 and 65535, inclusive`);
}

export function validatePodSpec(spec: kube.PodSpec, path: FieldPath, issues: IssueCollector): void {
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const at = [...path, 'volumes', i, 'name'];
    if (!v.name) issues.error(at, 'Required value');
    else if (volumes.has(v.name)) issues.error(at, `Duplicate value: "${v.name}"`);
    else {
      validateDns1123Label(v.name, at, issues);
      volumes.add(v.name);
    }
  });
  const containers = spec.containers ?? [];
  if (containers.length === 0) issues.error([...path, 'containers'], 'Required value');
  const names = new Set<string>();
  const check = (list: kube.Container[], field: 'containers' | 'initContainers') => list.forEach((c, i) => {
    const at = [...path, field, i];
    if (!c.name) issues.error([...at, 'name'], 'Required value');
    else if (names.has(c.name)) issues.error([...at, 'name'], `Duplicate value: "${c.name}"`);
    else {
      validateDns1123Label(c.name, [...at, 'name'], issues);
      names.add(c.name);
    }
    if (!c.image) issues.error([...at, 'image'], 'Required value');
    else if (c.image !== c.image.trim()) issues.error([...at, 'image'], 'Invalid value: must not have leading or trailing whitespace');
    validateContainer(c, at, volumes, issues);
  });
  check(spec.initContainers ?? [], 'initContainers');
  check(containers, 'containers');
  if (spec.serviceAccountName !== undefined && spec.serviceAccountName !== '' && !isDns1123Label(spec.serviceAccountName) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(spec.serviceAccountName)) {
    issues.error([...path, 'serviceAccountName'], `Invalid value: "${spec.serviceAccountName}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`);
  }
}

function validateContainer(c: kube.Container, at: FieldPath, volumes: ReadonlySet<string>, issues: IssueCollector): void {
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((p, j) => {
    const pp = [...at, 'ports', j];
    if (p.containerPort === undefined) issues.error([...pp, 'containerPort'], 'Required value');
    else validatePortRange(p.containerPort, [...pp, 'containerPort'], issues);
    if (p.hostPort !== undefined && p.hostPort !== 0) validatePortRange(p.hostPort, [...pp, 'hostPort'], issues);
    if (p.name !== undefined) {
      const err = portNameError(p.name);
      if (err) issues.error([...pp, 'name'], err);
      else if (portNames.has(p.name)) issues.error([...pp, 'name'], `Duplicate value: "${p.name}"`);
      portNames.add(p.name);
    }
  });
  (c.env ?? []).forEach((e, j) => {
    const ep = [...at, 'env', j];
    if (!e.name) issues.error([...ep, 'name'], 'Required value');
    if (e.value !== undefined && e.value !== '' && e.valueFrom) issues.error([...ep, 'valueFrom'], 'Invalid value: "": may not be specified when `value` is not empty');
    const vf = e.valueFrom;
    if (vf) {
      const n = [vf.fieldRef, vf.resourceFieldRef, vf.configMapKeyRef, vf.secretKeyRef, vf.fileKeyRef].filter((x) => x !== undefined).length;
      if (n !== 1) issues.error([...ep, 'valueFrom'], n === 0 ? 'Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`' : 'Invalid value: "": may not have more than one field specified at a time');
      for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
        if (vf[ref] && !vf[ref].key) issues.error([...ep, 'valueFrom', ref, 'key'], 'Required value');
      }
    }
  });
  (c.volumeMounts ?? []).forEach((m, j) => {
    const mp = [...at, 'volumeMounts', j];
    if (!m.name) issues.error([...mp, 'name'], 'Required value');
    else if (!volumes.has(m.name)) issues.error([...mp, 'name'], `Not found: "${m.name}"`);
    if (!m.mountPath) issues.error([...mp, 'mountPath'], 'Required value');
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const p = c[probe];
    if (!p) continue;
    const pp = [...at, probe];
    if (!p.exec && !p.httpGet && !p.tcpSocket && !p.grpc) issues.error(pp, 'Required value: must specify a handler type');
    const port = p.httpGet?.port ?? p.tcpSocket?.port;
    const portField = p.httpGet ? 'httpGet' : 'tcpSocket';
    if (port !== undefined) validateTargetPort(port, [...pp, portField, 'port'], issues);
    if (p.grpc) validatePortRange(p.grpc.port ?? 0, [...pp, 'grpc', 'port'], issues);
    if (probe !== 'readinessProbe' && probe !== 'startupProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) {
      issues.error([...pp, 'successThreshold'], 'Invalid value: must be 1');
    }
    if (probe === 'startupProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) issues.error([...pp, 'successThreshold'], 'Invalid value: must be 1');
  }
}

/** IntOrString port: a number in 1..65535, or a port name. */
export function validateTargetPort(port: number | string, path: FieldPath, issues: IssueCollector): void {
  if (typeof port === 'number') validatePortRange(port, path, issues);
  else {
    const err = portNameError(port);
    if (err) issues.error(path, err);
  }
}
