import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { createHttpFilterRegistry } from '../index.ts';
import { parseLocalRateLimitConfig } from './config.ts';

describe('local_ratelimit config', () => {
  it('reads the seed 002 TypedStruct value with Envoy defaults: disabled and not enforced when the fractions are absent', () => {
    const registry = createHttpFilterRegistry();
    const resolved = registry.resolve({
      typeUrl: TypeUrl.UdpaTypedStruct,
      config: {
        type_url: TypeUrl.LocalRateLimit,
        value: jsonToStruct({ stat_prefix: 'rate_limiter', token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: '60s' } }),
      },
    });
    assert.ok(resolved.ok, resolved.ok ? '' : resolved.error);
    assert.equal(resolved.ext.name, 'envoy.filters.http.local_ratelimit');
    const r = parseLocalRateLimitConfig(resolved.config, []);
    assert.ok(r.ok, r.ok ? '' : r.errors.join());
    assert.deepEqual(r.value.tokenBucket, { maxTokens: 100, tokensPerFill: 100, fillIntervalMs: 60_000 });
    assert.equal(r.value.statPrefix, 'rate_limiter');
    assert.deepEqual(r.value.filterEnabled, { numerator: 0, denominator: 100 });
    assert.deepEqual(r.value.filterEnforced, { numerator: 0, denominator: 100 });
    assert.equal(r.value.status, 429);
    assert.equal(r.value.xRateLimitHeaders, false);
  });

  it('takes a status of 400 or more and falls back to 429 below it', () => {
    const base = { stat_prefix: 'p' };
    assert.equal(parseLocalRateLimitConfig({ ...base, status: { code: 'ServiceUnavailable' } }, []).ok && 503, 503);
    const low = parseLocalRateLimitConfig({ ...base, status: { code: 'OK' } }, []);
    assert.ok(low.ok);
    assert.equal(low.value.status, 429);
  });

  it('rejects every bad field with its path', () => {
    const r = parseLocalRateLimitConfig({
      token_bucket: { max_tokens: 0, fill_interval: { nanos: 10_000_000 } },
      filter_enabled: { default_value: { numerator: 5, denominator: 'THOUSAND' } },
      descriptors: [{ entries: [] }],
    }, ['http_filters', 1, 'typed_config']);
    assert.deepEqual(r.ok ? [] : r.errors, [
      'http_filters[1].typed_config.stat_prefix: value length must be at least 1 characters',
      'http_filters[1].typed_config.descriptors[0].entries: value must contain at least 1 item(s)',
      'http_filters[1].typed_config.descriptors[0].token_bucket: value is required',
      'http_filters[1].typed_config.token_bucket.max_tokens: value must be greater than 0',
      'http_filters[1].typed_config.token_bucket.fill_interval: local rate limit token bucket fill timer must be >= 50ms',
      'http_filters[1].typed_config.filter_enabled.default_value.denominator: value must be one of the defined enum values',
    ]);
  });
});
