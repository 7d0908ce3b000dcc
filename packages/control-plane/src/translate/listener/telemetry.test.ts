import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { encodeMessage } from '@skiff/api/envoy/resource-codec.ts';
import { structToJson } from '@skiff/api/envoy/struct.ts';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';
import { configGen, sidecarProxy } from '@skiff/testing/config-gen.ts';
import type { FilterChainWire } from './wire.ts';
import { buildMeshAccessLog, ISTIO_JSON_LOG_FORMAT, ISTIO_TEXT_LOG_FORMAT } from './telemetry.ts';

const YAML = `
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 9080}, {name: tcp-metrics, port: 7070}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, labels: {app: reviews}, annotations: {skiff.test/ip: 10.1.1.1}}
spec: {containers: [{name: app, image: reviews}]}
`;

const MESH = (extra: string) => `
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: installed-state, namespace: istio-system }
spec:
  meshConfig:
${extra}
`;

const hcm = (c: FilterChainWire) => c.filters.find((f) => f.name === 'envoy.filters.network.http_connection_manager')?.typed_config as Record<string, any>;
const tcp = (c: FilterChainWire) => c.filters.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config as Record<string, any>;
const sidecar = sidecarProxy({ ip: '10.1.1.1', labels: { app: 'reviews' } });

describe('Istio telemetry on generated listeners', () => {
  it('puts metadata exchange and stats in every HCM as Istio does per listener class, and the PluginConfig encodes as Istio sends it', () => {
    const gen = configGen({ yaml: YAML });
    const inbound = gen.listener(sidecar, 'virtualInbound').filter_chains.find((c) => c.filter_chain_match?.destination_port?.value === 9080 && hcm(c))!;
    const filters = hcm(inbound).http_filters as { name: string; typed_config: Record<string, unknown> }[];
    assert.deepEqual(filters[0].typed_config, { '@type': TypeUrl.IstioPeerMetadata, downstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }], downstream_propagation: [{ istio_headers: {} }] });
    const stats = filters.find((f) => f.name === 'istio.stats')!.typed_config;
    const { '@type': _t, ...body } = stats;
    assert.equal(Buffer.from(encodeMessage(TypeUrl.IstioStats, body)).toString('base64'), 'MAE=');
    const outbound = gen.listener(sidecar, '0.0.0.0_9080').filter_chains[0];
    const outFilters = hcm(outbound).http_filters as { name: string; typed_config: Record<string, unknown> }[];
    assert.deepEqual(outFilters[0].typed_config, { '@type': TypeUrl.IstioPeerMetadata, upstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }], upstream_propagation: [{ istio_headers: {} }] });
    assert.deepEqual(outFilters.find((f) => f.name === 'istio.stats')!.typed_config, { '@type': TypeUrl.IstioStats });
  });

  it('emits no access log unless MeshConfig accessLogFile is set', () => {
    const l = configGen({ yaml: YAML }).listener(sidecar, 'virtualInbound');
    assert.ok(l.filter_chains.every((c) => (hcm(c) ?? tcp(c))?.access_log === undefined));
  });

  it('adds the TEXT access log with Istio\'s default format to HCMs and tcp_proxy when accessLogFile is set', () => {
    const gen = configGen({ yaml: YAML + MESH('    accessLogFile: /dev/stdout') });
    const l = gen.listener(sidecar, 'virtualInbound');
    const expected = [{ name: 'envoy.access_loggers.file', typed_config: { '@type': TypeUrl.FileAccessLog, path: '/dev/stdout', log_format: { text_format_source: { inline_string: ISTIO_TEXT_LOG_FORMAT } } } }];
    const withHcm = l.filter_chains.find((c) => hcm(c))!;
    const withTcp = l.filter_chains.find((c) => c.filter_chain_match?.destination_port?.value === 7070)!;
    assert.deepEqual(hcm(withHcm).access_log, expected);
    assert.deepEqual(tcp(withTcp).access_log, expected);
    assert.deepEqual(hcm(gen.listener(sidecar, '0.0.0.0_9080').filter_chains[0]).access_log, expected);
  });

  it('uses accessLogEncoding JSON with Istio\'s labels, or accessLogFormat as the label map, and appends the newline to a TEXT format', () => {
    const json = buildMeshAccessLog({ accessLogFile: '/var/log/a.log', accessLogEncoding: 'JSON', accessLogFormat: '' }) as any;
    assert.deepEqual(structToJson(json.typed_config.log_format.json_format as StructWire), ISTIO_JSON_LOG_FORMAT);
    const custom = buildMeshAccessLog({ accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON', accessLogFormat: '{"code":"%RESPONSE_CODE%"}' }) as any;
    assert.deepEqual(structToJson(custom.typed_config.log_format.json_format as StructWire), { code: '%RESPONSE_CODE%' });
    const text = buildMeshAccessLog({ accessLogFile: '/dev/stdout', accessLogEncoding: 'TEXT', accessLogFormat: '%RESPONSE_CODE%' }) as any;
    assert.equal(text.typed_config.log_format.text_format_source.inline_string, '%RESPONSE_CODE%\n');
  });
});
