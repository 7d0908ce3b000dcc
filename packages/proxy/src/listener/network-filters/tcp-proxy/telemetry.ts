/**
 * What observes one tcp_proxy: its access_log entries and, when Istio put an
 * `istio.stats` network filter before it (stats.PluginConfig, plain or in a
 * TypedStruct), Istio's TCP metrics. Built once per filter chain.
 */
import { TypeUrl } from '@skiff/api';
import type { Clock } from '@skiff/common';
import { AccessLogs, parseAccessLogs, tcpAccessLogContext, type SinkLookup } from '../../../access-log/index.ts';
import { createIstioTcpObserver, parseIstioStatsConfig, type IstioNodeContext } from '../../../filters/http/istio-stats/index.ts';
import type { StatsRegistry } from '../../../stats/index.ts';
import type { FilterChainConfig, TcpProxyConfig } from '../../../xds-client/types.ts';
import type { TcpObserver } from './connection-record.ts';

export interface TcpTelemetryContext {
  readonly clock: Clock;
  readonly stats: StatsRegistry;
  readonly sinks: SinkLookup;
  readonly istio: IstioNodeContext;
}

export type TcpTelemetryFactory = (tcp: TcpProxyConfig, chain: FilterChainConfig, trafficDirection: string | undefined) => TcpObserver | undefined;

function istioStatsConfigOf(chain: FilterChainConfig, tcp: TcpProxyConfig): Record<string, unknown> | undefined {
  for (const f of chain.filters) {
    if (f === tcp) break;
    if (f.kind !== 'opaque') continue;
    if (f.typeUrl === TypeUrl.IstioStats) return f.config as Record<string, unknown>;
    if ((f.typeUrl === TypeUrl.UdpaTypedStruct || f.typeUrl === TypeUrl.XdsTypedStruct) && f.config.type_url === TypeUrl.IstioStats) return {};
  }
  return undefined;
}

export function tcpTelemetryFactory(ctx: TcpTelemetryContext): TcpTelemetryFactory {
  return (tcp, chain, trafficDirection) => {
    const observers: TcpObserver[] = [];
    const logs = parseAccessLogs(tcp.accessLog, ['access_log']);
    if (logs.ok && logs.value.length > 0) {
      const accessLogs = new AccessLogs(logs.value, ctx.sinks);
      observers.push({ onClose: (r) => accessLogs.log(tcpAccessLogContext(r, ctx.clock.now())) });
    }
    const statsWire = istioStatsConfigOf(chain, tcp);
    if (statsWire !== undefined) {
      const config = parseIstioStatsConfig(statsWire, []);
      if (config.ok) observers.push(createIstioTcpObserver(config.value, ctx.istio, ctx.stats, trafficDirection, ctx.clock));
    }
    if (observers.length === 0) return undefined;
    if (observers.length === 1) return observers[0];
    return {
      onOpen: (r) => observers.forEach((o) => o.onOpen?.(r)),
      onClose: (r) => observers.forEach((o) => o.onClose(r)),
    };
  };
}
