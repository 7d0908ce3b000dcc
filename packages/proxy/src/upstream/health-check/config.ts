/**
 * Active health check settings (envoy.config.core.v3.HealthCheck), validated
 * with Envoy's field rules (protoc-gen-validate wording) and defaults:
 * timeout, interval, unhealthy_threshold and healthy_threshold are required;
 * no_traffic_interval defaults to 60 s, unhealthy_interval and the edge
 * intervals to interval; an HTTP check expects [200, 201) unless
 * expected_statuses says otherwise, sends `Host:` the cluster name unless
 * `host` is set, and reuses its connection. Only http_health_check and
 * tcp_health_check are supported; grpc_health_check and custom_health_check
 * are NACKed by name.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../../http/route-table/wire-reader.ts';

export interface HttpHealthCheckConfig {
  readonly kind: 'http';
  /** Empty: the cluster's name, as Envoy sends it. */
  readonly host: string;
  readonly path: string;
  /** Half-open ranges [start, end). */
  readonly expectedStatuses: readonly (readonly [number, number])[];
  /** Statuses that fail a check like a network failure (counted towards unhealthy_threshold) instead of at once. */
  readonly retriableStatuses: readonly (readonly [number, number])[];
  readonly requestHeadersToAdd: readonly (readonly [string, string])[];
}

export interface TcpHealthCheckConfig {
  readonly kind: 'tcp';
  /** Empty: connect-only. */
  readonly send: Buffer;
  /** Each must be found, in order, in what the host answers. */
  readonly receive: readonly Buffer[];
}

export interface HealthCheckConfig {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly intervalJitterMs: number;
  readonly initialJitterMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly noTrafficIntervalMs: number;
  readonly noTrafficHealthyIntervalMs: number;
  readonly unhealthyIntervalMs: number;
  readonly unhealthyEdgeIntervalMs: number;
  readonly healthyEdgeIntervalMs: number;
  readonly reuseConnection: boolean;
  readonly checker: HttpHealthCheckConfig | TcpHealthCheckConfig;
}

export const DEFAULT_NO_TRAFFIC_INTERVAL_MS = 60_000;

function payload(r: WireReader, p: WireObject, at: FieldPath): Buffer {
  const text = r.string(p, 'text', at);
  if (text !== undefined) {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) r.errors.add([...at, 'text'], 'invalid hex string');
    return Buffer.from(text, 'hex');
  }
  const binary = r.string(p, 'binary', at);
  if (binary !== undefined) return Buffer.from(binary, 'base64');
  r.errors.add([...at, 'payload'], 'value is required');
  return Buffer.alloc(0);
}

function parseOne(r: WireReader, hc: WireObject, at: FieldPath): HealthCheckConfig | undefined {
  const required = (key: string): number | undefined => {
    const v = key.endsWith('threshold') ? r.wrapped(hc, key, at, 'number') : r.durationMs(hc, key, at);
    if (v === undefined && hc[key] === undefined) r.errors.add([...at, key], 'value is required');
    return v;
  };
  const timeoutMs = required('timeout');
  const intervalMs = required('interval');
  const unhealthyThreshold = required('unhealthy_threshold');
  const healthyThreshold = required('healthy_threshold');
  if (timeoutMs !== undefined && timeoutMs <= 0) r.errors.add([...at, 'timeout'], 'value must be greater than 0s');
  if (intervalMs !== undefined && intervalMs <= 0) r.errors.add([...at, 'interval'], 'value must be greater than 0s');
  const positive = (key: string): number | undefined => {
    const v = r.durationMs(hc, key, at);
    if (v !== undefined && v <= 0) r.errors.add([...at, key], 'value must be greater than 0s');
    return v;
  };
  const noTrafficIntervalMs = positive('no_traffic_interval') ?? DEFAULT_NO_TRAFFIC_INTERVAL_MS;
  const unhealthyIntervalMs = positive('unhealthy_interval');
  const unhealthyEdgeIntervalMs = positive('unhealthy_edge_interval');
  const healthyEdgeIntervalMs = positive('healthy_edge_interval');
  const noTrafficHealthyIntervalMs = positive('no_traffic_healthy_interval');

  let checker: HealthCheckConfig['checker'] | undefined;
  const http = r.object(hc, 'http_health_check', at);
  const tcp = r.object(hc, 'tcp_health_check', at);
  if (http) {
    const hAt = [...at, 'http_health_check'];
    const path = r.string(http, 'path', hAt) ?? '';
    if (path === '') r.errors.add([...hAt, 'path'], 'value length must be at least 1 characters');
    if (/[\x00-\x20\x7f]/.test(path)) r.errors.add([...hAt, 'path'], 'value does not match regex pattern "^[^\\x00\\n\\r]*$"');
    const ranges = (key: string) => r.objects(http, key, hAt).map((range, i): readonly [number, number] => {
      const rAt = [...hAt, key, i];
      const start = r.number(range, 'start', rAt) ?? 0;
      const end = r.number(range, 'end', rAt) ?? 0;
      if (start < 100 || start >= 600) r.errors.add([...rAt, 'start'], 'value must be inside range [100, 600)');
      if (end < 100 || end > 600) r.errors.add([...rAt, 'end'], 'value must be inside range [100, 600]');
      if (end <= start) r.errors.add(rAt, `Invalid http expected status range: expecting start < end, but found start=${start} and end=${end}`);
      return [start, end];
    });
    const expected = ranges('expected_statuses');
    const headers = r.objects(http, 'request_headers_to_add', hAt).map((o, i): readonly [string, string] => {
      const h = r.object(o, 'header', [...hAt, 'request_headers_to_add', i]) ?? {};
      return [r.string(h, 'key', [...hAt, 'request_headers_to_add', i, 'header']) ?? '', r.string(h, 'value', [...hAt, 'request_headers_to_add', i, 'header']) ?? ''];
    });
    checker = { kind: 'http', host: r.string(http, 'host', hAt) ?? '', path, expectedStatuses: expected.length > 0 ? expected : [[200, 201]], retriableStatuses: ranges('retriable_statuses'), requestHeadersToAdd: headers };
  } else if (tcp) {
    const tAt = [...at, 'tcp_health_check'];
    const send = r.object(tcp, 'send', tAt);
    checker = {
      kind: 'tcp',
      send: send ? payload(r, send, [...tAt, 'send']) : Buffer.alloc(0),
      receive: r.objects(tcp, 'receive', tAt).map((p, i) => payload(r, p, [...tAt, 'receive', i])),
    };
  } else if (hc.grpc_health_check !== undefined || hc.custom_health_check !== undefined) {
    const which = hc.grpc_health_check !== undefined ? 'grpc_health_check' : 'custom_health_check';
    r.errors.add([...at, which], `${which} is not supported by Skiff's proxy`);
  } else {
    r.errors.add([...at, 'health_checker'], 'value is required');
  }
  if (timeoutMs === undefined || intervalMs === undefined || unhealthyThreshold === undefined || healthyThreshold === undefined || !checker) return undefined;
  return {
    timeoutMs,
    intervalMs,
    intervalJitterMs: r.durationMs(hc, 'interval_jitter', at) ?? 0,
    initialJitterMs: r.durationMs(hc, 'initial_jitter', at) ?? 0,
    unhealthyThreshold: Math.max(1, unhealthyThreshold),
    healthyThreshold: Math.max(1, healthyThreshold),
    noTrafficIntervalMs,
    noTrafficHealthyIntervalMs: noTrafficHealthyIntervalMs ?? noTrafficIntervalMs,
    unhealthyIntervalMs: unhealthyIntervalMs ?? intervalMs,
    unhealthyEdgeIntervalMs: unhealthyEdgeIntervalMs ?? unhealthyIntervalMs ?? intervalMs,
    healthyEdgeIntervalMs: healthyEdgeIntervalMs ?? intervalMs,
    reuseConnection: r.wrapped(hc, 'reuse_connection', at, 'boolean') ?? true,
    checker,
  };
}

/** A cluster's `health_checks` list; every error with its field path. */
export function parseHealthChecks(list: readonly WireMessage[], at: FieldPath): Result<readonly HealthCheckConfig[]> {
  const r = new WireReader(new ParseErrors());
  const out: HealthCheckConfig[] = [];
  list.forEach((hc, i) => {
    const c = parseOne(r, hc as WireObject, [...at, i]);
    if (c) out.push(c);
  });
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(out);
}
