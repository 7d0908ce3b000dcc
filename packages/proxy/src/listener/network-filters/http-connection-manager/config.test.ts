import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { parseListener } from '../../../xds-client/index.ts';
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, parseHcmSettings } from './config.ts';

function listenerWith(hcm: Record<string, unknown>) {
  return {
    name: 'l',
    address: { socket_address: { address: '127.0.0.1', port_value: 80 } },
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': TypeUrl.HttpConnectionManager, stat_prefix: 'l', rds: { route_config_name: 'r', config_source: { ads: {} } },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TypeUrl.Router } }],
          ...hcm,
        },
      }],
    }],
  };
}

describe('HttpConnectionManager limits and timeouts', () => {
  it("defaults to Envoy's: 60 KiB and 100 headers, stream_idle_timeout 5 min, request timeouts off, idle_timeout 1 h", () => {
    const s = parseHcmSettings({});
    assert.deepEqual(s.limits, { maxHeadersBytes: 60 * 1024, maxHeadersCount: 100 });
    assert.equal(s.streamIdleTimeoutMs, DEFAULT_STREAM_IDLE_TIMEOUT_MS);
    assert.equal(DEFAULT_STREAM_IDLE_TIMEOUT_MS, 300_000);
    assert.equal(s.requestHeadersTimeoutMs, 0);
    assert.equal(s.requestTimeoutMs, 0);
    assert.equal(s.idleTimeoutMs, 3_600_000);
  });

  it('reads max_request_headers_kb, max_headers_count, request_headers_timeout, request_timeout, stream_idle_timeout (0 disables)', () => {
    const s = parseHcmSettings({
      max_request_headers_kb: { value: 96 }, common_http_protocol_options: { max_headers_count: { value: 20 } },
      request_headers_timeout: { seconds: '10' }, request_timeout: { seconds: '30' }, stream_idle_timeout: { seconds: '0' },
    });
    assert.deepEqual(s.limits, { maxHeadersBytes: 96 * 1024, maxHeadersCount: 20 });
    assert.equal(s.requestHeadersTimeoutMs, 10_000);
    assert.equal(s.requestTimeoutMs, 30_000);
    assert.equal(s.streamIdleTimeoutMs, 0);
  });

  it('NACKs limits outside what Envoy accepts, with the field path', () => {
    const r = parseListener(listenerWith({ max_request_headers_kb: { value: 9000 }, common_http_protocol_options: { max_headers_count: { value: 0 } } }));
    assert.equal(r.ok, false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    assert.match(text, /max_request_headers_kb\.value: value must be inside range \(0, 8192\]/);
    assert.match(text, /common_http_protocol_options\.max_headers_count\.value: value must be greater than or equal to 1/);
    assert.equal(parseListener(listenerWith({ max_request_headers_kb: { value: 8192 } })).ok, true);
  });
});
