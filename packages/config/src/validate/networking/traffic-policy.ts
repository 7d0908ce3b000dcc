/** TrafficPolicy and its parts (Istio's validateTrafficPolicy, validateLoadBalancer, validateConnectionPool, validateOutlierDetection, ValidateTLS). */
import type { FieldPath } from '@skiff/common';
import type { ClientTLSSettings, ConnectionPoolSettings, LoadBalancerSettings, OutlierDetection, TrafficPolicy } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateDuration } from '../rules/duration.ts';
import { validatePercent } from '../rules/percent.ts';
import { validatePortNumber } from '../rules/ports.ts';
import { fqdnError } from '../rules/hosts.ts';
import { isIpAddress } from '../rules/cidr.ts';

export function validateTrafficPolicy(policy: TrafficPolicy | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!policy) return;
  if (!policy.outlierDetection && !policy.connectionPool && !policy.loadBalancer && !policy.tls && !policy.portLevelSettings &&
      !policy.tunnel && !policy.proxyProtocol && !policy.retryBudget) {
    issues.error(at, 'traffic policy must have at least one field');
    return;
  }
  if (policy.tunnel && policy.proxyProtocol) {
    issues.error(at, 'tunnel and proxyProtocol must not be specified at the same time');
    return;
  }
  validateOutlierDetection(policy.outlierDetection, [...at, 'outlierDetection'], issues);
  validateConnectionPool(policy.connectionPool, [...at, 'connectionPool'], issues);
  validateLoadBalancer(policy.loadBalancer, policy.outlierDetection, [...at, 'loadBalancer'], issues);
  validateClientTls(policy.tls, [...at, 'tls'], issues);
  (policy.portLevelSettings ?? []).forEach((pls, i) => {
    const pAt = [...at, 'portLevelSettings', i];
    if (!pls.port) issues.error(pAt, 'portTrafficPolicy must have valid port');
    else validatePortNumber(pls.port.number ?? 0, [...pAt, 'port', 'number'], issues);
    if (!pls.outlierDetection && !pls.connectionPool && !pls.loadBalancer && !pls.tls) {
      issues.error(pAt, 'port traffic policy must have at least one field');
      return;
    }
    validateOutlierDetection(pls.outlierDetection, [...pAt, 'outlierDetection'], issues);
    validateConnectionPool(pls.connectionPool, [...pAt, 'connectionPool'], issues);
    validateLoadBalancer(pls.loadBalancer, pls.outlierDetection, [...pAt, 'loadBalancer'], issues);
    validateClientTls(pls.tls, [...pAt, 'tls'], issues);
  });
  if (policy.tunnel) {
    const t = policy.tunnel;
    const tAt = [...at, 'tunnel'];
    if (t.protocol && t.protocol !== 'CONNECT' && t.protocol !== 'POST') issues.error([...tAt, 'protocol'], 'tunnel protocol must be "CONNECT" or "POST"');
    const host = t.targetHost ?? '';
    const fqdnErr = fqdnError(host);
    if (fqdnErr && !isIpAddress(host)) issues.error([...tAt, 'targetHost'], `tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ${host} is not a valid IP`);
    const port = t.targetPort ?? 0;
    if (port < 1 || port > 65535) issues.error([...tAt, 'targetPort'], `tunnel target port is invalid: port number ${port} must be in the range 1..65535`);
  }
  if (policy.retryBudget) {
    const p = policy.retryBudget.percent;
    if (p !== undefined && (p < 0 || p > 100)) issues.error([...at, 'retryBudget', 'percent'], `percentage ${p} is not in range 0..100`);
  }
}

export function validateOutlierDetection(outlier: OutlierDetection | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!outlier) return;
  validateDuration(outlier.baseEjectionTime, [...at, 'baseEjectionTime'], issues);
  if (outlier.consecutiveErrors !== undefined && outlier.consecutiveErrors !== 0) {
    issues.warning([...at, 'consecutiveErrors'], 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!outlier.splitExternalLocalOriginErrors && (outlier.consecutiveLocalOriginFailures ?? 0) > 0) {
    issues.warning([...at, 'consecutiveLocalOriginFailures'], 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  validateDuration(outlier.interval, [...at, 'interval'], issues);
  validatePercent(outlier.maxEjectionPercent, [...at, 'maxEjectionPercent'], issues);
  validatePercent(outlier.minHealthPercent, [...at, 'minHealthPercent'], issues);
}

export function validateConnectionPool(pool: ConnectionPoolSettings | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!pool) return;
  if (!pool.http && !pool.tcp) {
    issues.error(at, 'connection pool must have at least one field');
    return;
  }
  const http = pool.http;
  if (http) {
    const hAt = [...at, 'http'];
    const nonNegative = (v: number | undefined, field: string, what: string) => {
      if (v !== undefined && v < 0) issues.error([...hAt, field], `${what} must be non-negative`);
    };
    nonNegative(http.http1MaxPendingRequests, 'http1MaxPendingRequests', 'http1 max pending requests');
    nonNegative(http.http2MaxRequests, 'http2MaxRequests', 'http2 max requests');
    nonNegative(http.maxRequestsPerConnection, 'maxRequestsPerConnection', 'max requests per connection');
    nonNegative(http.maxRetries, 'maxRetries', 'max retries');
    nonNegative(http.maxConcurrentStreams, 'maxConcurrentStreams', 'max concurrent streams');
    validateDuration(http.idleTimeout, [...hAt, 'idleTimeout'], issues);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) {
      issues.error([...hAt, 'useClientProtocol'], 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    }
  }
  const tcp = pool.tcp;
  if (tcp) {
    const tAt = [...at, 'tcp'];
    if (tcp.maxConnections !== undefined && tcp.maxConnections < 0) issues.error([...tAt, 'maxConnections'], 'max connections must be non-negative');
    validateDuration(tcp.connectTimeout, [...tAt, 'connectTimeout'], issues);
    validateDuration(tcp.maxConnectionDuration, [...tAt, 'maxConnectionDuration'], issues);
    // `0s` disables the TCP idle timeout (destination_rule.proto).
    validateDuration(tcp.idleTimeout, [...tAt, 'idleTimeout'], issues, { allowZero: true });
    validateDuration(tcp.tcpKeepalive?.time, [...tAt, 'tcpKeepalive', 'time'], issues);
    validateDuration(tcp.tcpKeepalive?.interval, [...tAt, 'tcpKeepalive', 'interval'], issues);
  }
}

export function validateLoadBalancer(lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!lb) return;
  const ch = lb.consistentHash;
  if (ch) {
    const cAt = [...at, 'consistentHash'];
    if (ch.httpCookie && !ch.httpCookie.name) issues.error([...cAt, 'httpCookie', 'name'], 'name required for HttpCookie');
    if (ch.httpHeaderName === '') issues.error([...cAt, 'httpHeaderName'], 'header name cannot be empty');
    if (ch.minimumRingSize !== undefined && ch.minimumRingSize !== 0) {
      issues.warning([...cAt, 'minimumRingSize'], "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (ch.ringHash || ch.maglev) issues.error(cAt, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    if (ch.maglev) {
      const size = ch.maglev.tableSize ?? 0;
      const mAt = [...cAt, 'maglev', 'tableSize'];
      if (size === 0) issues.error(mAt, 'tableSize must be set for maglev');
      else if (size >= 5000011) issues.error(mAt, 'tableSize must be less than 5000011 for maglev');
      else if (!isPrime(size)) issues.error(mAt, 'tableSize must be a prime number for maglev');
    }
  }
  if (lb.warmupDurationSecs !== undefined && lb.warmup) issues.error(at, 'only one of warmupDurationSecs or warmup can be specified');
  validateDuration(lb.warmupDurationSecs, [...at, 'warmupDurationSecs'], issues);
  if (lb.warmup) {
    validateDuration(lb.warmup.duration, [...at, 'warmup', 'duration'], issues);
    const mp = lb.warmup.minimumPercent;
    if (mp !== undefined && (mp < 0 || mp > 100)) issues.error([...at, 'warmup', 'minimumPercent'], `percentage ${mp} is not in range 0..100`);
    const ag = lb.warmup.aggression;
    if (ag !== undefined && ag < 1) issues.error([...at, 'warmup', 'aggression'], 'aggression must be at least 1.0');
  }
  validateLocalityLb(lb.localityLbSetting, outlier, [...at, 'localityLbSetting'], issues);
}

function validateLocalityLb(lb: LoadBalancerSettings['localityLbSetting'], outlier: OutlierDetection | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!lb) return;
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    issues.error(at, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  for (const [i, d] of distribute.entries()) {
    let total = 0;
    for (const [loc, weight] of Object.entries(d.to ?? {})) {
      if (weight <= 0 || weight > 100) {
        issues.error([...at, 'distribute', i, 'to', loc], 'locality weight must be in range [1, 100]');
        return;
      }
      total += weight;
    }
    if (total !== 100) {
      issues.error([...at, 'distribute', i, 'to'], `total locality weight ${total} != 100`);
      return;
    }
    for (const loc of [d.from ?? '', ...Object.keys(d.to ?? {})]) {
      const stars = loc.split('*').length - 1;
      if (stars > 1 || (stars === 1 && !loc.endsWith('*'))) issues.error([...at, 'distribute', i], `locality ${loc} wildcard '*' number can not exceed 1 and must be in the end`);
    }
  }
  if ((failover.length > 0 || (lb.failoverPriority ?? []).length > 0) && !outlier) {
    issues.warning(at, 'outlier detection policy must be provided for failover');
  }
  failover.forEach((f, i) => {
    const fAt = [...at, 'failover', i];
    if (f.from === f.to) issues.error(fAt, 'locality lb failover settings must specify different regions');
    if ((f.from ?? '').includes('/') || (f.to ?? '').includes('/')) issues.error(fAt, 'locality lb failover only specify region');
    if ((f.from ?? '').includes('*') || (f.to ?? '').includes('*')) issues.error(fAt, "locality lb failover region should not contain '*' wildcard");
  });
}

/** Client TLS (Istio's ValidateTLS for DestinationRule and Sidecar egress). */
export function validateClientTls(tls: ClientTLSSettings | undefined, at: FieldPath, issues: IssueCollector): void {
  if (!tls) return;
  const mode = tls.mode ?? 'DISABLE';
  if (tls.insecureSkipVerify) {
    if (mode === 'SIMPLE' && (tls.caCertificates || tls.credentialName || tls.subjectAltNames)) {
      issues.error(at, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames)) {
      issues.error(at, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && tls.credentialName) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      issues.error(at, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (mode === 'MUTUAL') {
    if (!tls.clientCertificate) issues.error([...at, 'clientCertificate'], 'client certificate required for mutual tls');
    if (!tls.privateKey) issues.error([...at, 'privateKey'], 'private key required for mutual tls');
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
