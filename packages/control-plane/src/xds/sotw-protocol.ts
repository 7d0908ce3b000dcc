/**
 * State-of-the-world xDS on ADS. Per request: a NACK (error_detail set) is
 * recorded and answered with nothing; a request without a nonce (first on
 * this stream, e.g. after a reconnect) gets the full current state; a
 * request whose nonce is not the last one sent is stale: its ACK is recorded
 * but nothing is answered; an ACK of the last nonce is answered only if it
 * subscribes to new names. A push sends a type only when its content differs from what was
 * last sent — so a rejected version is never resent.
 */
import type { DiscoveryRequest } from '@skiff/api/envoy/discovery-types.ts';
import { TypeUrl } from '@skiff/api';
import type { Connection } from './connection.ts';
import type { PushRequest } from './push-request.ts';
import { PackedDiscoveryResponse, type SotwResponse } from './packed-response.ts';
import { generateFor, recordAck, recordNack, type ServerContext } from './server-context.ts';
import type { TypeWatch } from './type-watch.ts';

/** Types where an empty resource_names list means "everything" (legacy wildcard). */
const WILDCARD_TYPES: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.Cluster, TypeUrl.ScopedRouteConfiguration, TypeUrl.Secret]);

export function onSotwRequest<P>(ctx: ServerContext<P>, connection: Connection<SotwResponse>, request: DiscoveryRequest): void {
  const typeUrl = request.type_url ?? '';
  const nonce = request.response_nonce ?? '';
  const names = request.resource_names ?? [];
  const existing = connection.watches.get(typeUrl);
  if (nonce !== '') connection.answered(nonce);

  if (request.error_detail) {
    if (existing) recordNack(ctx, connection, existing, nonce, request.error_detail);
    return;
  }
  if (nonce === '' || !existing || existing.sentNonce === undefined) {
    const watch = connection.watch(typeUrl);
    applyNames(watch, names);
    sendSotw(ctx, connection, watch, undefined, true);
    return;
  }
  recordAck(ctx, existing, nonce);
  if (nonce !== existing.sentNonce) return; // a newer response is in flight; its ACK will carry the subscription
  if (applyNames(existing, names)) sendSotw(ctx, connection, existing, undefined, true);
}

/** Updates the subscription; true when it grew (new names, or wildcard switched on). */
function applyNames(watch: TypeWatch, names: readonly string[]): boolean {
  const wildcard = names.includes('*') || (names.length === 0 && WILDCARD_TYPES.has(watch.typeUrl));
  const becameWildcard = wildcard && !watch.isWildcard;
  watch.isWildcard = wildcard;
  const added = watch.setNames(names.filter((n) => n !== '*'));
  return becameWildcard || (added.length > 0 && !wildcard);
}

/** Sends the type's current state; unless `force`, only when it differs from the last response. Returns whether it sent. */
export function sendSotw<P>(ctx: ServerContext<P>, connection: Connection<SotwResponse>, watch: TypeWatch, push: PushRequest | undefined, force: boolean): boolean {
  const output = generateFor(ctx, connection, watch, push);
  if (!force && output.hash === watch.sentSetHash) return false;
  const nonce = ctx.nextNonce();
  const { version } = ctx.snapshot();
  const response = new PackedDiscoveryResponse({ version_info: version, type_url: watch.typeUrl, nonce }, output.wire());
  connection.send(response, response.byteLength, nonce);
  watch.onSent(nonce, version, ctx.clock.now());
  watch.sentNames = () => output.names();
  watch.sentSetHash = output.hash;
  ctx.metrics.onPush(watch.typeUrl);
  return true;
}
