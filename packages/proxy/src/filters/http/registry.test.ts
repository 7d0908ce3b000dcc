import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { jsonToStruct } from '@skiff/api/envoy/struct.ts';
import { DuplicateExtensionError } from '../../extensions/registry.ts';
import { createHttpFilterRegistry, faultFilter, perFilterConfigParser, validateHttpFilters } from './index.ts';

const router = { name: 'envoy.filters.http.router', typeUrl: TypeUrl.Router, config: {}, isOptional: false };

describe('HTTP filter registry', () => {
  it('throws on a duplicate type URL', () => {
    assert.throws(() => createHttpFilterRegistry([faultFilter, faultFilter]), DuplicateExtensionError);
  });

  it("NACKs an unknown non-optional filter in Envoy's words and skips an optional one", () => {
    const registry = createHttpFilterRegistry();
    const unknown = { name: 'istio.stats', typeUrl: TypeUrl.GrpcStats, config: {}, isOptional: false };
    assert.deepEqual(validateHttpFilters([unknown, router], ['hcm'], registry), [
      "hcm.http_filters[0]: Didn't find a registered implementation for 'istio.stats' with type URL: 'envoy.extensions.filters.http.grpc_stats.v3.FilterConfig'",
    ]);
    assert.deepEqual(validateHttpFilters([{ ...unknown, isOptional: true }, router], ['hcm'], registry), []);
  });

  it('unwraps a TypedStruct once, in the registry, into the typed config', () => {
    const registry = createHttpFilterRegistry();
    const wrapped = { name: 'envoy.filters.http.fault', typeUrl: TypeUrl.UdpaTypedStruct, isOptional: false, config: { type_url: TypeUrl.HttpFault, value: jsonToStruct({ abort: { http_status: 700 } }) } };
    assert.deepEqual(validateHttpFilters([wrapped, router], [], registry), ['http_filters[0].typed_config.abort.http_status: value must be inside range [200, 600)']);
  });

  it('lets a test swap an entry and restore it', () => {
    const registry = createHttpFilterRegistry();
    const restore = registry.override({ ...faultFilter, name: 'test.fault' });
    assert.equal(registry.get(TypeUrl.HttpFault)?.name, 'test.fault');
    restore();
    assert.equal(registry.get(TypeUrl.HttpFault)?.name, 'envoy.filters.http.fault');
  });

  it('parses per-route configs by their per-route type URL', () => {
    const parse = perFilterConfigParser(createHttpFilterRegistry());
    const ok = parse('envoy.filters.http.cors', { '@type': TypeUrl.CorsPolicy, allow_methods: 'GET' }, []);
    assert.equal(ok.ok && (ok.value as { allowMethods: string }).allowMethods, 'GET');
    assert.deepEqual(parse('x', { '@type': TypeUrl.HttpRbacPerRoute }, []), { ok: false, errors: ["Didn't find a registered implementation for 'x' with type URL: 'envoy.extensions.filters.http.rbac.v3.RBACPerRoute'"] });
  });
});
