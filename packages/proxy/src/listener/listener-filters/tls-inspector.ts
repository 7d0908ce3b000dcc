/**
 * The listener filters that run before filter-chain selection, as Envoy runs
 * them: envoy.filters.listener.tls_inspector (transport protocol `tls` with
 * the ClientHello's SNI and ALPN, else `raw_buffer`) and the HTTP inspector
 * (`http/1.1` / `h2c` for plaintext). Bytes are read, kept, and put back
 * on the socket before the chosen chain (or its TLS transport socket) sees
 * them, which is what Envoy's MSG_PEEK achieves. A connection that sends
 * nothing decisive within listener_filters_timeout is closed, or dispatched
 * as plaintext when continue_on_listener_filters_timeout is set.
 */
import type { Socket } from 'node:net';
import type { Cancel, Clock } from '@skiff/common';
import { TypeUrl } from '@skiff/api';
import { ParseErrors, WireReader } from '../../http/route-table/wire-reader.ts';
import type { Counter, StatsRegistry } from '../../stats/index.ts';
import type { ListenerConfig, ResourceEntry } from '../../xds-client/types.ts';
import { needsHttpInspection, sniffApplicationProtocol } from '../filter-chain-match.ts';
import { MAX_CLIENT_HELLO_SIZE, readClientHello } from './client-hello.ts';

export interface InspectionPlan {
  readonly tls: boolean;
  readonly http: boolean;
  /** Envoy's listener_filters_timeout (default 15 s); 0 disables. */
  readonly timeoutMs: number;
  readonly continueOnTimeout: boolean;
}

export interface InspectedConnection {
  readonly transportProtocol: 'tls' | 'raw_buffer';
  /** SNI, lower case; '' when absent or not TLS. */
  readonly serverName: string;
  readonly applicationProtocols: readonly string[];
}

/** Envoy's default listener_filters_timeout. */
export const LISTENER_FILTERS_TIMEOUT_MS = 15_000;

export const TLS_INSPECTOR_STATS = [
  'tls_found', 'tls_not_found', 'alpn_found', 'alpn_not_found', 'sni_found', 'sni_not_found', 'client_hello_too_large', 'connection_closed',
] as const;

export type TlsInspectorStats = Readonly<Record<(typeof TLS_INSPECTOR_STATS)[number], Counter>>;

export function createTlsInspectorStats(registry: StatsRegistry): TlsInspectorStats {
  return Object.fromEntries(TLS_INSPECTOR_STATS.map((s) => [s, registry.counter(`tls_inspector.${s}`)])) as TlsInspectorStats;
}

/**
 * What to inspect on a listener: the TLS inspector when listener_filters has
 * it; the HTTP inspector when configured or when a chain matches on
 * application protocols. Undefined: dispatch at once, as raw_buffer.
 */
export function inspectionPlanFor(entry: ResourceEntry<ListenerConfig>): InspectionPlan | undefined {
  const config = entry.config;
  const tls = config.listenerFilters.some((f) => f.typeUrl === TypeUrl.TlsInspector);
  const http = config.listenerFilters.some((f) => f.typeUrl === TypeUrl.HttpInspector) || needsHttpInspection(config.filterChains.map((c) => c.match));
  if (!tls && !http) return undefined;
  const r = new WireReader(new ParseErrors());
  return {
    tls,
    http,
    timeoutMs: r.durationMs(entry.wire, 'listener_filters_timeout', []) ?? LISTENER_FILTERS_TIMEOUT_MS,
    continueOnTimeout: r.bool(entry.wire, 'continue_on_listener_filters_timeout', []) ?? false,
  };
}

export const PLAINTEXT: InspectedConnection = { transportProtocol: 'raw_buffer', serverName: '', applicationProtocols: [] };

/**
 * Reads until the inspectors have what they need, puts the bytes back, then
 * calls `done` once with what was found, or `null` when the connection
 * closed or timed out and must not be dispatched (it is already destroyed).
 * The socket is handed over paused.
 */
export function inspectConnection(socket: Socket, plan: InspectionPlan, clock: Clock, stats: TlsInspectorStats | undefined, done: (c: InspectedConnection | null) => void): void {
  const chunks: Buffer[] = [];
  let finished = false;
  let cancelTimer: Cancel | undefined;
  const finish = (result: InspectedConnection | null) => {
    if (finished) return;
    finished = true;
    cancelTimer?.();
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onEnd);
    socket.off('error', onEnd);
    if (result === null) {
      socket.destroy();
      done(null);
      return;
    }
    // Left paused: a TLS transport socket takes the handle over (resuming the raw socket would swallow the
    // ClientHello), a plaintext consumer resumes it once its listeners are attached.
    socket.pause();
    if (chunks.length > 0) socket.unshift(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    done(result);
  };
  const onEnd = () => {
    if (plan.tls) stats?.connection_closed.inc();
    finish(null);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    const data = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    if (plan.tls) {
      const hello = readClientHello(data, MAX_CLIENT_HELLO_SIZE);
      if (hello.kind === 'need_more') return;
      if (hello.kind === 'too_large') {
        stats?.client_hello_too_large.inc();
        finish(null);
        return;
      }
      if (hello.kind === 'tls') {
        stats?.tls_found.inc();
        (hello.serverName !== '' ? stats?.sni_found : stats?.sni_not_found)?.inc();
        (hello.applicationProtocols.length > 0 ? stats?.alpn_found : stats?.alpn_not_found)?.inc();
        finish({ transportProtocol: 'tls', serverName: hello.serverName, applicationProtocols: hello.applicationProtocols });
        return;
      }
      stats?.tls_not_found.inc();
    }
    finish(plan.http ? { ...PLAINTEXT, applicationProtocols: sniffApplicationProtocol(data) } : PLAINTEXT);
  };
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('close', onEnd);
  socket.once('error', onEnd);
  if (plan.timeoutMs > 0) {
    cancelTimer = clock.setTimeout(() => finish(plan.continueOnTimeout ? PLAINTEXT : null), plan.timeoutMs);
  }
}
