/**
 * Istio's service node id, `type~ip~pod.namespace~dnsDomain`
 * (`sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local`),
 * split and checked in one place, with the control plane's wording.
 */
import { isIP } from 'node:net';
import { fail, ok, type Result } from '@skiff/common';
import { PROXY_TYPES, type ProxyType } from './types.ts';

export interface NodeIdParts {
  readonly proxyType: ProxyType;
  readonly ip: string;
  readonly proxyId: string;
  readonly dnsDomain: string;
}

export function parseNodeId(id: string): Result<NodeIdParts> {
  const parts = id.split('~');
  if (parts.length !== 4) return fail(`missing parts in the service node "${id}" (want type~ip~pod.namespace~namespace.svc.cluster.local)`);
  const [type, ip, proxyId, dnsDomain] = parts;
  const errors: string[] = [];
  if (!(PROXY_TYPES as readonly string[]).includes(type)) errors.push(`invalid node type "${type}" (valid types: ${PROXY_TYPES.join(', ')}) in the service node "${id}"`);
  if (isIP(ip) === 0) errors.push(`invalid IP address "${ip}" in the service node "${id}"`);
  if (proxyId === '') errors.push(`empty proxy id in the service node "${id}"`);
  if (dnsDomain === '') errors.push(`empty DNS domain in the service node "${id}"`);
  return errors.length > 0 ? fail(...errors) : ok({ proxyType: type as ProxyType, ip, proxyId, dnsDomain });
}

export function formatNodeId(parts: NodeIdParts): string {
  return `${parts.proxyType}~${parts.ip}~${parts.proxyId}~${parts.dnsDomain}`;
}
