/**
 * CORS: the filter's own config (envoy.extensions.filters.http.cors.v3.Cors,
 * empty) and the per-route/virtual-host policy
 * (envoy.extensions.filters.http.cors.v3.CorsPolicy) → CorsPolicyConfig with
 * compiled origin matchers.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { parseStringMatcher } from '../../../http/route-table/parse-matchers.ts';
import { compileStringMatcher, type CompiledStringMatcher } from '../../../http/route-table/string-matcher.ts';
import { ParseErrors, WireReader } from '../../../http/route-table/wire-reader.ts';

export type CorsConfig = Readonly<Record<string, never>>;

export interface CorsPolicyConfig {
  readonly allowOrigin: readonly CompiledStringMatcher[];
  readonly allowMethods: string | undefined;
  readonly allowHeaders: string | undefined;
  readonly exposeHeaders: string | undefined;
  readonly maxAge: string | undefined;
  readonly allowCredentials: boolean;
  /** filter_enabled's default fraction (100% unless set). */
  readonly enabled: boolean;
}

export function parseCorsConfig(): Result<CorsConfig> {
  return ok({});
}

export function parseCorsPolicy(wire: WireMessage, at: FieldPath): Result<CorsPolicyConfig> {
  const r = new WireReader(new ParseErrors());
  const allowOrigin = r.objects(wire, 'allow_origin_string_match', at).map((m, i) => compileStringMatcher(parseStringMatcher(r, m, [...at, 'allow_origin_string_match', i])));
  const enabled = r.object(wire, 'filter_enabled', at);
  const dv = enabled ? r.object(enabled, 'default_value', [...at, 'filter_enabled']) : undefined;
  const config: CorsPolicyConfig = {
    allowOrigin,
    allowMethods: r.string(wire, 'allow_methods', at) || undefined,
    allowHeaders: r.string(wire, 'allow_headers', at) || undefined,
    exposeHeaders: r.string(wire, 'expose_headers', at) || undefined,
    maxAge: r.string(wire, 'max_age', at) || undefined,
    allowCredentials: r.wrapped(wire, 'allow_credentials', at, 'boolean') ?? false,
    enabled: dv === undefined || (r.number(dv, 'numerator', [...at, 'filter_enabled', 'default_value']) ?? 0) > 0,
  };
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(config);
}
