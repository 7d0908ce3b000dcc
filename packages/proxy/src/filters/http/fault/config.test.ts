import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFaultConfig } from './config.ts';

describe('fault config', () => {
  it('accepts Istio fault shapes and defaults the percentage to 100%', () => {
    const r = parseFaultConfig({ delay: { fixed_delay: { nanos: 500_000_000 } }, abort: { http_status: 503, percentage: { numerator: 10, denominator: 'TEN_THOUSAND' } } }, []);
    assert.deepEqual(r, { ok: true, value: { delay: { fixedDelayMs: 500, percentage: { numerator: 100, denominator: 100 } }, abort: { httpStatus: 503, percentage: { numerator: 10, denominator: 10000 } }, maxActiveFaults: Number.MAX_SAFE_INTEGER } });
  });
  it('rejects every bad field with its path', () => {
    const r = parseFaultConfig({ delay: {}, abort: { http_status: 700 } }, ['http_filters', 0, 'typed_config']);
    assert.deepEqual(r.ok ? [] : r.errors, [
      'http_filters[0].typed_config.delay.fault_delay_secifier: value is required',
      'http_filters[0].typed_config.abort.http_status: value must be inside range [200, 600)',
    ]);
  });
});
