/**
 * What the protocol handlers need from the server: the generators, the
 * current push snapshot (push context computed once per debounced change,
 * plus the version string sent as version_info), nonces, time and metrics.
 */
import type { Clock } from '@skiff/common';
import type { Connection } from './connection.ts';
import { encodeOutput, type EncodedOutput } from './encoded-output.ts';
import type { GeneratorRegistry } from './generator-registry.ts';
import type { XdsMetrics } from './metrics.ts';
import type { PushRequest } from './push-request.ts';
import type { NackRecord, TypeWatch } from './type-watch.ts';

export interface PushSnapshot<P> {
  readonly push: P;
  /** Istio's push version: `2024-05-01T10:00:00.000Z/3`. */
  readonly version: string;
}

export interface ServerContext<P> {
  readonly clock: Clock;
  readonly generators: GeneratorRegistry<P>;
  readonly metrics: XdsMetrics;
  snapshot(): PushSnapshot<P>;
  nextNonce(): string;
  onNack(connection: Connection, record: NackRecord): void;
}

/** Runs the type's generator for this proxy and keeps what it subscribed to, encoded. No generator means no resources. */
export function generateFor<P>(ctx: ServerContext<P>, connection: Connection, watch: TypeWatch, push: PushRequest | undefined): EncodedOutput {
  const generate = ctx.generators.get(watch.typeUrl);
  const out = generate ? generate(connection.proxy, ctx.snapshot().push, { watched: watch, push }) : [];
  return encodeOutput(watch.typeUrl, out, watch.isWildcard ? undefined : watch.nameSet);
}

/**
 * Records an ACK of `nonce`. ACKs arrive in stream order, so the latest one is
 * always the newest applied state, even when a newer response is already in
 * flight (the status is then STALE, with the acked version still known).
 */
export function recordAck<P>(ctx: ServerContext<P>, watch: TypeWatch, nonce: string): void {
  const version = watch.versionOf(nonce);
  if (version === undefined) return;
  watch.ackedNonce = nonce;
  watch.ackedVersion = version;
  watch.ackedAtMs = ctx.clock.now();
}

/** Records Envoy's rejection. The rejected content stays the "sent" state, so an identical push is not resent. */
export function recordNack<P>(
  ctx: ServerContext<P>,
  connection: Connection,
  watch: TypeWatch,
  nonce: string,
  error: { code?: number; message?: string },
): void {
  const record: NackRecord = {
    typeUrl: watch.typeUrl,
    nonce,
    version: nonce === watch.sentNonce ? (watch.sentVersion ?? '') : '',
    resourceNames: nonce === watch.sentNonce ? watch.sentNames() : [],
    message: error.message ?? '',
    code: error.code ?? 0,
    atMs: ctx.clock.now(),
  };
  watch.nack = record;
  ctx.metrics.onReject(watch.typeUrl);
  ctx.onNack(connection, record);
}
