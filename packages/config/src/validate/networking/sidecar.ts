/** Sidecar: Istio's ValidateSidecar rules. */
import type { ResourceObject, Sidecar } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { isIpAddress } from '../rules/cidr.ts';
import { fqdnError, validateSidecarEgressHost } from '../rules/hosts.ts';
import { validatePortName, validatePortNumber, validateProtocol } from '../rules/ports.ts';
import { validateWorkloadSelectorLabels } from '../rules/selector.ts';
import { validateConnectionPool } from './traffic-policy.ts';
import { validateDestination } from './destination.ts';

const UNIX_PREFIX = 'unix://';
const DEFAULT_ENDPOINT_HOSTS = new Set(['127.0.0.1', '0.0.0.0', '::1', '::']);

export function validateSidecar(object: ResourceObject, issues: IssueCollector): void {
  const { spec, metadata } = object as Sidecar;
  const namespace = metadata.namespace ?? 'default';
  validateWorkloadSelectorLabels(spec.workloadSelector, ['spec', 'workloadSelector'], issues, 'sidecar: workloadSelector cannot have empty labels');
  const ingress = spec.ingress ?? [];
  const egress = spec.egress ?? [];
  if (ingress.length === 0 && egress.length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    issues.error(['spec'], 'sidecar: empty configuration provided');
    return;
  }

  const ingressPorts = new Set<number>();
  ingress.forEach((listener, i) => {
    const at = ['spec', 'ingress', i] as const;
    const port = listener.port;
    if (!port) {
      issues.error([...at, 'port'], 'sidecar: port is required for ingress listeners');
      return;
    }
    if ((port.targetPort ?? 0) > 0) issues.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
    if (port.name) validatePortName(port.name, [...at, 'port', 'name'], issues);
    validateProtocol(port.protocol ?? '', [...at, 'port', 'protocol'], issues);
    validatePortNumber(port.number ?? 0, [...at, 'port', 'number'], issues);
    if (listener.bind && !isIpAddress(listener.bind)) issues.error([...at, 'bind'], `${listener.bind} is not a valid IP`);
    if (ingressPorts.has(port.number ?? 0)) issues.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
    ingressPorts.add(port.number ?? 0);
    const endpoint = listener.defaultEndpoint;
    if (endpoint) {
      const eAt = [...at, 'defaultEndpoint'];
      if (endpoint.startsWith(UNIX_PREFIX)) {
        if (!endpoint.slice(UNIX_PREFIX.length).startsWith('/')) issues.error(eAt, `${endpoint.slice(UNIX_PREFIX.length)} is not an absolute path`);
      } else {
        const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
        if (!m) issues.error(eAt, `address ${endpoint}: missing port in address`);
        else {
          const host = m[1] ?? m[2] ?? '';
          if (host !== '' && !DEFAULT_ENDPOINT_HOSTS.has(host)) {
            issues.error(eAt, 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
          }
          if (!/^\d+$/.test(m[3])) issues.error(eAt, `sidecar: defaultEndpoint port (${m[3]}) is not a number`);
          else validatePortNumber(Number(m[3]), eAt, issues);
        }
      }
    }
    validateConnectionPool(listener.connectionPool, [...at, 'connectionPool'], issues);
  });

  const egressPorts = new Set<number>();
  const udsBinds = new Set<string>();
  let catchAllFound = false;
  egress.forEach((listener, i) => {
    const at = ['spec', 'egress', i] as const;
    const port = listener.port;
    if (!port) {
      if (catchAllFound) {
        issues.error(at, 'sidecar: egress can have only one listener with empty port');
        return;
      }
      if (i === egress.length - 1) catchAllFound = true;
      else issues.error(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
    } else {
      if ((port.targetPort ?? 0) > 0) issues.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
      if (port.name) validatePortName(port.name, [...at, 'port', 'name'], issues);
      validateProtocol(port.protocol ?? '', [...at, 'port', 'protocol'], issues);
      const bind = listener.bind ?? '';
      if ((port.number ?? 0) === 0) {
        if (!bind.startsWith(UNIX_PREFIX)) issues.error([...at, 'bind'], 'sidecar: ports with 0 value must have a unix domain socket bind address');
        const mode = listener.captureMode ?? 'DEFAULT';
        if (mode !== 'DEFAULT' && mode !== 'NONE') issues.error([...at, 'captureMode'], 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
        if (udsBinds.has(bind)) issues.error([...at, 'bind'], 'sidecar: unix domain socket values for listeners must be unique');
        udsBinds.add(bind);
      } else {
        validatePortNumber(port.number ?? 0, [...at, 'port', 'number'], issues);
        if (bind && !isIpAddress(bind)) issues.error([...at, 'bind'], `${bind} is not a valid IP`);
        if (egressPorts.has(port.number ?? 0)) issues.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
        egressPorts.add(port.number ?? 0);
      }
    }
    const hosts = listener.hosts ?? [];
    if (hosts.length === 0) {
      issues.error([...at, 'hosts'], 'sidecar: egress listener must contain at least one host');
      return;
    }
    const byNamespace = new Map<string, Set<string>>();
    hosts.forEach((host, h) => {
      const slash = host.indexOf('/');
      if (slash > 0) {
        const ns = host.slice(0, slash) === '.' ? namespace : host.slice(0, slash);
        const svc = host.slice(slash + 1);
        const seen = byNamespace.get(ns) ?? new Set<string>();
        byNamespace.set(ns, seen);
        if (svc !== '*' ? seen.has(svc) || seen.has('*') : seen.size > 0) issues.warning([...at, 'hosts', h], `duplicated egress host: ${host}`);
        seen.add(svc);
      }
      validateSidecarEgressHost(host, [...at, 'hosts', h], issues);
    });
  });

  validateConnectionPool(spec.inboundConnectionPool, ['spec', 'inboundConnectionPool'], issues);
  const otp = spec.outboundTrafficPolicy;
  if (otp?.egressProxy) {
    const at = ['spec', 'outboundTrafficPolicy', 'egressProxy'] as const;
    if ((otp.mode ?? 'REGISTRY_ONLY') !== 'ALLOW_ANY') issues.error(at, 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    const err = fqdnError(otp.egressProxy.host ?? '');
    if (err) issues.error([...at, 'host'], err);
    if (!otp.egressProxy.port) issues.error([...at, 'port'], 'sidecar: egress_proxy port must be non-nil');
    else validateDestination(otp.egressProxy, at, issues);
  }
}
