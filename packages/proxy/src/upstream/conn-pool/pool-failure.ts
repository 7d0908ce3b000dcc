/**
 * Why a connection pool could not give a caller a connection, in Envoy's terms:
 * the reset reason text that ends Envoy's local reply body and the response
 * flag the router records (UO for overflow, UF for connection failures).
 */
import { SkiffError } from '@skiff/common';

/** Envoy's `resetReasonToString` for pool failures. */
export type PoolFailureReason = 'overflow' | 'connection failure' | 'connection timeout';

/** Envoy's body prefix for every reset before response headers. */
export const UPSTREAM_RESET_BEFORE_HEADERS = 'upstream connect error or disconnect/reset before headers. reset reason: ';

export class PoolFailure extends SkiffError {
  readonly reason: PoolFailureReason;
  readonly responseFlag: 'UO' | 'UF';

  constructor(reason: PoolFailureReason, host: string, port: number) {
    super(
      reason === 'overflow' ? 'SKIFF_ERR_UPSTREAM_OVERFLOW' : reason === 'connection timeout' ? 'SKIFF_ERR_UPSTREAM_CONNECT_TIMEOUT' : 'SKIFF_ERR_UPSTREAM_CONNECT_FAILURE',
      UPSTREAM_RESET_BEFORE_HEADERS + reason,
      { host, port, reason },
    );
    this.name = 'PoolFailure';
    this.reason = reason;
    this.responseFlag = reason === 'overflow' ? 'UO' : 'UF';
  }
}
