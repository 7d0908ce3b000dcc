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
  /** What the transport socket said (a TLS handshake failure: `TLS_error:|…:TLS_error_end`), if it said anything. */
  readonly transportFailureReason: string | undefined;

  constructor(reason: PoolFailureReason, host: string, port: number, transportFailureReason?: string) {
    super(
      reason === 'overflow' ? 'SKIFF_ERR_UPSTREAM_OVERFLOW' : reason === 'connection timeout' ? 'SKIFF_ERR_UPSTREAM_CONNECT_TIMEOUT' : 'SKIFF_ERR_UPSTREAM_CONNECT_FAILURE',
      UPSTREAM_RESET_BEFORE_HEADERS + reason + (transportFailureReason === undefined ? '' : `, transport failure reason: ${transportFailureReason}`),
      { host, port, reason, transportFailureReason },
    );
    this.name = 'PoolFailure';
    this.reason = reason;
    this.responseFlag = reason === 'overflow' ? 'UO' : 'UF';
    this.transportFailureReason = transportFailureReason;
  }
}
