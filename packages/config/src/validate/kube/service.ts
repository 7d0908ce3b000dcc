/** Service: the API server's ValidateService rules for the fields a mesh reads. */
import type { kube, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { isIpAddress } from '../rules/cidr.ts';
import { validateDns1123Subdomain, validateLabels } from '../rules/names.ts';
import { portNameError, validatePortRange, validateTargetPort } from './pod-spec.ts';

export function validateService(object: ResourceObject, issues: IssueCollector): void {
  const spec = (object as kube.Service).spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (type === 'ExternalName') {
    if (!spec.externalName) issues.error(['spec', 'externalName'], 'Required value');
    else validateDns1123Subdomain(spec.externalName.replace(/\.$/, ''), ['spec', 'externalName'], issues);
  } else {
    if (spec.externalName) issues.warning(['spec', 'externalName'], `externalName is ignored for type ${type}`);
    if (ports.length === 0 && !headless) issues.error(['spec', 'ports'], 'Required value');
  }
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  ports.forEach((p, i) => {
    const at = ['spec', 'ports', i] as const;
    if (ports.length > 1 && !p.name) issues.error([...at, 'name'], 'Required value');
    if (p.name) {
      const err = portNameError(p.name);
      if (err) issues.error([...at, 'name'], err);
      if (names.has(p.name)) issues.error([...at, 'name'], `Duplicate value: "${p.name}"`);
      names.add(p.name);
    }
    if (p.port === undefined) issues.error([...at, 'port'], 'Required value');
    else validatePortRange(p.port, [...at, 'port'], issues);
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (portProtocols.has(key)) issues.error(at, `Duplicate value: {"port":${p.port},"protocol":"${p.protocol ?? 'TCP'}"}`);
    portProtocols.add(key);
    if (p.targetPort !== undefined) validateTargetPort(p.targetPort, [...at, 'targetPort'], issues);
    if (p.nodePort !== undefined) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') issues.error([...at, 'nodePort'], `Forbidden: may not be used when \`type\` is '${type}'`);
      else validatePortRange(p.nodePort, [...at, 'nodePort'], issues);
    }
  });
  if (spec.selector) {
    validateLabels(spec.selector, ['spec', 'selector'], issues);
    if (type === 'ExternalName') issues.warning(['spec', 'selector'], 'selector is ignored for ExternalName services');
  }
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && !headless && !isIpAddress(spec.clusterIP)) {
    issues.error(['spec', 'clusterIP'], `Invalid value: "${spec.clusterIP}": must be empty, 'None', or a valid IP address`);
  }
  if (spec.clusterIPs && spec.clusterIP !== undefined && spec.clusterIPs[0] !== spec.clusterIP) {
    issues.error(['spec', 'clusterIPs', 0], 'Invalid value: must match `clusterIP`');
  }
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds !== undefined) {
    const t = spec.sessionAffinityConfig.clientIP.timeoutSeconds;
    if (!(t > 0 && t <= 86400)) issues.error(['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'], `Invalid value: ${t}: must be greater than 0 and less than 86400`);
  }
  if (spec.externalTrafficPolicy !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    issues.error(['spec', 'externalTrafficPolicy'], 'Invalid value: may only be set for externally-accessible services');
  }
}
