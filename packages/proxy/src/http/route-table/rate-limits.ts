/**
 * A route's or virtual host's `rate_limits` (config.route.v3.RateLimit):
 * the actions that turn a request into rate limit descriptors, read by
 * local_ratelimit (and a global rate limit filter). Compiled at RDS time;
 * `descriptorFor` runs per request with Envoy's rules: every action must
 * produce its entry or the descriptor is not generated, except
 * request_headers with skip_if_absent, which only drops its own entry.
 */
import type { FieldPath } from '@skiff/common';
import { parseHeaderMatcher } from './parse-matchers.ts';
import { compileHeaderMatcher } from './route-matcher.ts';
import type { RouteRequest } from './types.ts';
import type { WireObject, WireReader } from './wire-reader.ts';

export type RateLimitActionConfig =
  | { readonly kind: 'source_cluster' }
  | { readonly kind: 'destination_cluster' }
  | { readonly kind: 'request_headers'; readonly headerName: string; readonly descriptorKey: string; readonly skipIfAbsent: boolean }
  | { readonly kind: 'remote_address' }
  | { readonly kind: 'generic_key'; readonly descriptorKey: string; readonly descriptorValue: string }
  | { readonly kind: 'header_value_match'; readonly descriptorKey: string; readonly descriptorValue: string; readonly expectMatch: boolean; readonly matches: (r: RouteRequest) => boolean };

export interface RateLimitConfig {
  readonly stage: number;
  readonly actions: readonly RateLimitActionConfig[];
}

export type DescriptorEntry = { readonly key: string; readonly value: string };

/** What an action may read besides the request. */
export interface DescriptorContext {
  readonly request: RouteRequest;
  readonly remoteAddress: string;
  readonly destinationCluster: string;
  readonly localServiceCluster: string;
}

function parseAction(r: WireReader, a: WireObject, at: FieldPath): RateLimitActionConfig | undefined {
  if (r.object(a, 'source_cluster', at)) return { kind: 'source_cluster' };
  if (r.object(a, 'destination_cluster', at)) return { kind: 'destination_cluster' };
  if (r.object(a, 'remote_address', at)) return { kind: 'remote_address' };
  const rh = r.object(a, 'request_headers', at);
  if (rh) {
    const hAt = [...at, 'request_headers'];
    const headerName = (r.string(rh, 'header_name', hAt) ?? '').toLowerCase();
    const descriptorKey = r.string(rh, 'descriptor_key', hAt) ?? '';
    if (headerName === '') r.errors.add([...hAt, 'header_name'], 'value length must be at least 1 characters');
    if (descriptorKey === '') r.errors.add([...hAt, 'descriptor_key'], 'value length must be at least 1 characters');
    return { kind: 'request_headers', headerName, descriptorKey, skipIfAbsent: r.bool(rh, 'skip_if_absent', hAt) ?? false };
  }
  const gk = r.object(a, 'generic_key', at);
  if (gk) {
    const gAt = [...at, 'generic_key'];
    const descriptorValue = r.string(gk, 'descriptor_value', gAt) ?? '';
    if (descriptorValue === '') r.errors.add([...gAt, 'descriptor_value'], 'value length must be at least 1 characters');
    return { kind: 'generic_key', descriptorKey: r.string(gk, 'descriptor_key', gAt) || 'generic_key', descriptorValue };
  }
  const hv = r.object(a, 'header_value_match', at);
  if (hv) {
    const vAt = [...at, 'header_value_match'];
    const descriptorValue = r.string(hv, 'descriptor_value', vAt) ?? '';
    if (descriptorValue === '') r.errors.add([...vAt, 'descriptor_value'], 'value length must be at least 1 characters');
    const matchers = r.objects(hv, 'headers', vAt).map((h, i) => compileHeaderMatcher(parseHeaderMatcher(r, h, [...vAt, 'headers', i])));
    return {
      kind: 'header_value_match',
      descriptorKey: r.string(hv, 'descriptor_key', vAt) || 'header_match',
      descriptorValue,
      expectMatch: r.wrapped(hv, 'expect_match', vAt, 'boolean') ?? true,
      matches: (req) => matchers.every((m) => m(req)),
    };
  }
  r.errors.add(at, `rate limit action not supported: ${Object.keys(a).join(', ') || 'action_specifier is required'}`);
  return undefined;
}

export function parseRateLimits(r: WireReader, parent: WireObject, at: FieldPath): RateLimitConfig[] {
  return r.objects(parent, 'rate_limits', at).map((rl, i) => {
    const rAt = [...at, 'rate_limits', i];
    const stage = r.wrapped(rl, 'stage', rAt, 'number') ?? 0;
    if (stage > 10) r.errors.add([...rAt, 'stage', 'value'], 'value must be less than or equal to 10');
    const list = r.objects(rl, 'actions', rAt);
    if (list.length === 0) r.errors.add([...rAt, 'actions'], 'value must contain at least 1 item(s)');
    const actions = list.map((a, j) => parseAction(r, a, [...rAt, 'actions', j])).filter((a) => a !== undefined);
    return { stage, actions };
  });
}

/** One rate limit entry's descriptor for a request; undefined when an action cannot produce its entry. */
export function descriptorFor(limit: RateLimitConfig, c: DescriptorContext): DescriptorEntry[] | undefined {
  const out: DescriptorEntry[] = [];
  for (const a of limit.actions) {
    switch (a.kind) {
      case 'source_cluster':
        out.push({ key: 'source_cluster', value: c.localServiceCluster });
        break;
      case 'destination_cluster':
        if (c.destinationCluster === '') return undefined;
        out.push({ key: 'destination_cluster', value: c.destinationCluster });
        break;
      case 'remote_address':
        if (c.remoteAddress === '') return undefined;
        out.push({ key: 'remote_address', value: c.remoteAddress });
        break;
      case 'request_headers': {
        const v = c.request.header(a.headerName);
        if (v === undefined) {
          if (a.skipIfAbsent) break;
          return undefined;
        }
        out.push({ key: a.descriptorKey, value: v });
        break;
      }
      case 'generic_key':
        out.push({ key: a.descriptorKey, value: a.descriptorValue });
        break;
      case 'header_value_match':
        if (a.matches(c.request) !== a.expectMatch) return undefined;
        out.push({ key: a.descriptorKey, value: a.descriptorValue });
        break;
    }
  }
  return out.length === 0 ? undefined : out;
}
