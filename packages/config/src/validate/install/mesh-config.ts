/**
 * MeshConfig and ProxyConfig rules (Istio's ValidateMeshConfig and
 * ValidateMeshConfigProxyConfig), used for IstioOperator `spec.meshConfig`
 * and for any other place a MeshConfig is read.
 */
import type { MeshConfig, ProxyConfig } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import { parseDurationMs } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { isDns1123Label, isDns1123Subdomain } from '../rules/names.ts';
import { validatePortNumber } from '../rules/ports.ts';

/** Providers Istio defines without an extensionProviders entry. */
export const BUILTIN_PROVIDERS = ['prometheus', 'stackdriver', 'envoy'] as const;

const SERVICE_PROVIDERS = ['envoyExtAuthzHttp', 'envoyExtAuthzGrpc', 'zipkin', 'lightstep', 'datadog', 'opencensus', 'skywalking',
  'opentelemetry', 'envoyHttpAls', 'envoyTcpAls', 'envoyOtelAls'] as const;

export function validateMeshConfig(mesh: MeshConfig, path: FieldPath, issues: IssueCollector): void {
  if (mesh.trustDomain !== undefined && !isDns1123Subdomain(mesh.trustDomain.toLowerCase())) {
    issues.error([...path, 'trustDomain'], `trust domain "${mesh.trustDomain}" must be a valid DNS subdomain`);
  }
  (mesh.trustDomainAliases ?? []).forEach((alias, i) => {
    if (!isDns1123Subdomain(alias.toLowerCase())) issues.error([...path, 'trustDomainAliases', i], `trust domain alias "${alias}" must be a valid DNS subdomain`);
  });
  if (mesh.rootNamespace !== undefined && !isDns1123Label(mesh.rootNamespace)) {
    issues.error([...path, 'rootNamespace'], `invalid root namespace "${mesh.rootNamespace}": must be a DNS-1123 label`);
  }
  for (const f of ['proxyListenPort', 'proxyInboundListenPort', 'proxyHttpPort'] as const) {
    const port = mesh[f];
    if (port !== undefined && port !== 0) validatePortNumber(port, [...path, f], issues);
  }
  if (mesh.connectTimeout !== undefined && !((parseDurationMs(mesh.connectTimeout) ?? 0) >= 1)) {
    issues.error([...path, 'connectTimeout'], 'duration must be greater than 1ms');
  }
  if (mesh.defaultConfig) validateProxyConfig(mesh.defaultConfig, [...path, 'defaultConfig'], issues);

  const names = new Set<string>();
  (mesh.extensionProviders ?? []).forEach((p, i) => {
    const at = [...path, 'extensionProviders', i];
    if (!p.name) issues.error([...at, 'name'], 'empty extension provider name');
    else if (names.has(p.name)) issues.error([...at, 'name'], `duplicate extension provider name ${p.name}`);
    else names.add(p.name);
    const set = Object.keys(p).filter((k) => k !== 'name');
    if (set.length === 0) issues.error(at, `extension provider "${p.name ?? ''}" must set one provider type`);
    for (const kind of SERVICE_PROVIDERS) {
      const cfg = p[kind] as { service?: string; port?: number } | undefined;
      if (!cfg) continue;
      if (!cfg.service) issues.error([...at, kind, 'service'], 'service must not be empty');
      if (cfg.port !== undefined) validatePortNumber(cfg.port, [...at, kind, 'port'], issues);
      else issues.error([...at, kind, 'port'], 'port must be set');
    }
    if (p.envoyFileAccessLog && p.envoyFileAccessLog.path === '') issues.error([...at, 'envoyFileAccessLog', 'path'], 'path must not be empty');
  });
  const defaults = mesh.defaultProviders;
  for (const f of ['tracing', 'metrics', 'accessLogging'] as const) {
    (defaults?.[f] ?? []).forEach((name, i) => {
      if (!names.has(name) && !(BUILTIN_PROVIDERS as readonly string[]).includes(name)) {
        issues.warning([...path, 'defaultProviders', f, i], `default provider "${name}" is not defined in extensionProviders`);
      }
    });
  }
}

export function validateProxyConfig(config: ProxyConfig, path: FieldPath, issues: IssueCollector): void {
  const sampling = config.tracing?.sampling;
  if (sampling !== undefined && !(sampling >= 0 && sampling <= 100)) {
    issues.error([...path, 'tracing', 'sampling'], 'tracing sampling must be in range [0.0, 100.0]');
  }
  const zipkin = config.tracing?.zipkin?.address;
  if (zipkin !== undefined && !isHostPort(zipkin)) issues.error([...path, 'tracing', 'zipkin', 'address'], `invalid zipkin address "${zipkin}": expected host:port`);
  if (config.discoveryAddress !== undefined && !isHostPort(config.discoveryAddress)) {
    issues.error([...path, 'discoveryAddress'], `invalid discovery address "${config.discoveryAddress}": expected host:port`);
  }
  if (config.concurrency !== undefined && config.concurrency < 0) issues.error([...path, 'concurrency'], 'concurrency must be greater than or equal to 0');
  for (const f of ['proxyAdminPort', 'statusPort'] as const) {
    const port = config[f];
    if (port !== undefined) validatePortNumber(port, [...path, f], issues);
  }
  for (const f of ['drainDuration', 'terminationDrainDuration'] as const) {
    const d = config[f];
    if (d !== undefined && (parseDurationMs(d) ?? -1) < 0) issues.error([...path, f], 'duration must be non-negative');
  }
  for (const key of Object.keys(config.proxyMetadata ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) issues.warning([...path, 'proxyMetadata', key], `proxyMetadata key "${key}" is not a valid environment variable name`);
  }
}

function isHostPort(value: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):(\d{1,5})$/.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}
