import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeUrl } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { assignment, edsCluster, startHarness, until, type Harness } from '../../../../test/harness.ts';

function tcpListener(name: string, cluster: string, logPath: string): WireMessage {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    traffic_direction: 'OUTBOUND',
    filter_chains: [{
      filters: [
        { name: 'istio.stats', typed_config: { '@type': TypeUrl.IstioStats } },
        { name: 'envoy.filters.network.tcp_proxy', typed_config: {
          '@type': TypeUrl.TcpProxy, stat_prefix: cluster, cluster,
          access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': TypeUrl.FileAccessLog, path: logPath } }],
        } },
      ],
    }],
  };
}

async function roundTrip(port: number, payload: string): Promise<string> {
  const s = net.connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.setEncoding('utf8');
  let got = '';
  s.on('data', (c: string) => (got += c));
  s.write(payload);
  await until(() => got.length >= payload.length, 'the echo');
  s.end();
  await once(s, 'close');
  return got;
}

describe('tcp_proxy telemetry: access log and Istio TCP metrics', () => {
  let h: Harness;
  let server: net.Server;
  let dir: string;
  const logPath = () => join(dir, 'tcp.log');
  const DB = 'outbound|5432||postgres.db.svc.cluster.local';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-tcp-log-'));
    server = net.createServer((s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    h = await startHarness();
    await h.push({
      clusters: [edsCluster(DB), edsCluster('empty')],
      endpoints: [assignment(DB, [{ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }]), assignment('empty', [])],
      listeners: [tcpListener('db', DB, logPath()), tcpListener('nowhere', 'empty', logPath())],
    });
  });

  after(async () => {
    await h.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs each connection in Envoy\'s default format and counts istio_tcp_* with the destination service', async () => {
    assert.equal(await roundTrip(h.port('db'), 'hello'), 'hello');
    const refused = net.connect(h.port('nowhere'), '127.0.0.1');
    await once(refused, 'close');

    let lines: string[] = [];
    await until(() => {
      try {
        lines = readFileSync(logPath(), 'utf8').split('\n').filter((l) => l !== '');
      } catch {
        lines = [];
      }
      return lines.length >= 2;
    }, 'two access log lines');
    const served = lines.find((l) => l.includes(`"127.0.0.1:${(server.address() as net.AddressInfo).port}"`)) ?? lines.join('\n');
    assert.match(served, /^\[[^\]]+\] "- - -" 0 - 5 5 \d+ - "-" "-" "-" "-" "127\.0\.0\.1:\d+"$/);
    assert.ok(lines.some((l) => /^\[[^\]]+\] "- - -" 0 UH 0 0 \d+ - "-" "-" "-" "-" "-"$/.test(l)), lines.join('\n'));

    const metric = (name: string, service: string) => h.proxy.stats.metrics().find((m) => m.stat.tagExtractedName === `istiocustom.${name}` && m.stat.tags.destination_service_name === service);
    await until(() => metric('istio_tcp_connections_closed_total', 'postgres')?.value === 1, 'the closed connection to count');
    const tags = metric('istio_tcp_connections_opened_total', 'postgres')!.stat.tags;
    assert.equal(tags.reporter, 'source');
    assert.equal(tags.destination_service, 'postgres.db.svc.cluster.local');
    assert.equal(tags.destination_service_namespace, 'db');
    assert.equal(tags.response_code, undefined);
    assert.equal(metric('istio_tcp_connections_opened_total', 'postgres')!.value, 1);
    assert.equal(metric('istio_tcp_sent_bytes_total', 'postgres')!.value, 5);
    assert.equal(metric('istio_tcp_received_bytes_total', 'postgres')!.value, 5);
    const empty = h.proxy.stats.metrics().find((m) => m.stat.tagExtractedName === 'istiocustom.istio_tcp_connections_closed_total' && m.stat.tags.response_flags === 'UH');
    assert.equal(empty?.value, 1);
  });

  it('reports the bytes of an open connection every tcp_reporting_duration (5 s by default)', async () => {
    const sent = () => h.proxy.stats.metrics().find((m) => m.stat.tagExtractedName === 'istiocustom.istio_tcp_sent_bytes_total' && m.stat.tags.destination_service_name === 'postgres')?.value ?? 0;
    const before = sent();
    const s = net.connect(h.port('db'), '127.0.0.1');
    await once(s, 'connect');
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (got += c));
    s.write('0123456789');
    await until(() => got.length === 10, 'the echo');
    assert.equal(sent(), before);
    h.clock.advance(5000);
    assert.equal(sent(), before + 10);
    s.end();
    await once(s, 'close');
    await until(() => h.proxy.stats.metrics().find((m) => m.stat.tagExtractedName === 'istiocustom.istio_tcp_connections_closed_total' && m.stat.tags.destination_service_name === 'postgres')?.value === 2, 'the close');
    assert.equal(sent(), before + 10);
  });
});
