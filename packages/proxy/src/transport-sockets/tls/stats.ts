/**
 * Envoy's SSL stats (source/common/tls/stats.h), per listener
 * (`listener.<address>.ssl.*`) and per cluster (`cluster.<name>.ssl.*`).
 */
import type { Counter, StatsRegistry } from '../../stats/index.ts';

export const SSL_STATS = [
  'handshake', 'connection_error', 'no_certificate', 'fail_verify_no_cert', 'fail_verify_error', 'fail_verify_san', 'session_reused',
] as const;

export type SslStats = Readonly<Record<(typeof SSL_STATS)[number], Counter>>;

/** `scope` is `listener.127.0.0.1_15006` or `cluster.outbound|80||reviews.default.svc.cluster.local`. */
export function createSslStats(registry: StatsRegistry, scope: string, tags: Readonly<Record<string, string>> = {}): SslStats {
  const kind = scope.startsWith('cluster.') ? 'cluster' : 'listener';
  return Object.fromEntries(SSL_STATS.map((s) => [s, registry.counter({ name: `${scope}.ssl.${s}`, tagExtractedName: `${kind}.ssl.${s}`, tags })])) as SslStats;
}
