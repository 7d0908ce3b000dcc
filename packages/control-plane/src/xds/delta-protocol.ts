/**
 * Incremental (delta) xDS on ADS. The server tracks, per type, the version
 * of each resource the proxy holds (`known`, seeded from
 * initial_resource_versions on a reconnect) and sends only resources whose
 * version changed plus removed_resources for ones that went away or left
 * the subscription. Subscriptions change with resource_names_subscribe /
 * _unsubscribe independently of ACKs; `*` is the wildcard.
 */
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import { TypeUrl } from '@skiff/api';
import type { Connection } from './connection.ts';
import type { PushRequest } from './push-request.ts';
import { generateFor, recordAck, recordNack, type ServerContext } from './server-context.ts';
import type { TypeWatch } from './type-watch.ts';

/** Types where an empty first subscription means wildcard (legacy wildcard). */
const WILDCARD_TYPES: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.Cluster, TypeUrl.ScopedRouteConfiguration]);

export function onDeltaRequest<P>(ctx: ServerContext<P>, connection: Connection<DeltaDiscoveryResponse>, request: DeltaDiscoveryRequest): void {
  const typeUrl = request.type_url ?? '';
  const nonce = request.response_nonce ?? '';
  const existing = connection.watches.get(typeUrl);
  if (nonce !== '') connection.answered(nonce);

  if (request.error_detail) {
    if (existing) recordNack(ctx, connection, existing, nonce, request.error_detail);
    return;
  }
  if (existing && nonce !== '') recordAck(ctx, existing, nonce);

  const isFirst = existing === undefined;
  const watch = existing ?? connection.watch(typeUrl);
  const subscribe = request.resource_names_subscribe ?? [];
  if (isFirst) {
    for (const [name, version] of Object.entries(request.initial_resource_versions ?? {})) watch.known.set(name, version);
    if (subscribe.length === 0 && WILDCARD_TYPES.has(typeUrl)) watch.isWildcard = true;
  }
  let grew = false;
  const requested: string[] = [];
  for (const name of subscribe) {
    if (name === '*') {
      grew ||= !watch.isWildcard;
      watch.isWildcard = true;
    } else if (!watch.names.has(name)) {
      watch.addName(name);
      requested.push(name);
      grew = true;
    }
  }
  for (const name of request.resource_names_unsubscribe ?? []) {
    if (name === '*') watch.isWildcard = false;
    else watch.deleteName(name);
    // The proxy forgets what it unsubscribed from; only the wildcard keeps it.
    if (!watch.isWildcard) watch.known.delete(name);
  }
  if (isFirst || grew) sendDelta(ctx, connection, watch, undefined, true, requested);
}

/**
 * Sends changed and removed resources; unless `force`, nothing when there are
 * none. Names just subscribed to that do not exist are listed in
 * removed_resources, which is how the incremental protocol tells a client a
 * resource does not exist. Returns whether it sent.
 */
export function sendDelta<P>(
  ctx: ServerContext<P>,
  connection: Connection<DeltaDiscoveryResponse>,
  watch: TypeWatch,
  push: PushRequest | undefined,
  force: boolean,
  newlyRequested: readonly string[] = [],
): boolean {
  const resources = generateFor(ctx, connection, watch, push).resources();
  const present = new Set(resources.map((r) => r.name));
  const changed = resources.filter((r) => watch.known.get(r.name) !== r.hash);
  const removed = [...new Set([...watch.known.keys(), ...newlyRequested])].filter((name) => !present.has(name));
  if (!force && changed.length === 0 && removed.length === 0) return false;
  const nonce = ctx.nextNonce();
  const { version } = ctx.snapshot();
  connection.send({
    system_version_info: version,
    resources: changed.map((r) => ({ name: r.name, version: r.hash, resource: r.any })),
    type_url: watch.typeUrl,
    removed_resources: removed,
    nonce,
  }, changed.reduce((n, r) => n + r.any.value.byteLength, 0), nonce);
  for (const r of changed) watch.known.set(r.name, r.hash);
  for (const name of removed) watch.known.delete(name);
  watch.onSent(nonce, version, ctx.clock.now());
  const sentNames = changed.map((r) => r.name);
  watch.sentNames = () => sentNames;
  ctx.metrics.onPush(watch.typeUrl);
  return true;
}
