/**
 * Envoy's original_dst cluster load balancer (CLUSTER_PROVIDED): the
 * upstream host is the downstream connection's original destination, or,
 * with use_http_header, the `ip:port` in `x-envoy-original-dst-host` (or
 * http_header_name). Hosts are created on demand, one per distinct
 * destination, published in the cluster's priority set (so /clusters shows
 * them), and removed by a sweep every cleanup_interval when no pick used
 * them since the previous sweep; a removed host's pool drains.
 *
 * Local mode: `mapAddress` rewrites the destination before the host is made
 * (the sidecar's pod IP becomes the application address, ADR 0004 point 2).
 * A destination named by host name (an HTTP proxy request for
 * `http://example.com/`) is dialled by name; Envoy itself only sees IPs here.
 */
import { isIP } from 'node:net';
import type { Cancel, Clock } from '@skiff/common';
import type { HostPicker, LbRequestContext, LoadBalancer } from '../../load-balancers/types.ts';
import { Host } from '../host.ts';
import type { PrioritySet } from '../priority-set.ts';
import type { ClusterDiscoveryConfig } from '../../xds-client/types.ts';

/** Node's timers cannot wait longer than this; Istio's "never" (292 years) means no sweep. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface OriginalDstOptions {
  readonly config: NonNullable<ClusterDiscoveryConfig['originalDst']>;
  readonly clock: Clock;
  readonly prioritySet: PrioritySet;
  readonly mapAddress?: (address: string) => string;
}

/** `10.0.0.1:80` or `[::1]:80` → address and port; anything else (names included) → undefined, as Envoy. */
export function parseIpPort(text: string): { address: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  if (!m || isIP(m[1]) === 0) return undefined;
  const port = Number(m[2]);
  return port > 0 && port <= 65535 ? { address: m[1], port } : undefined;
}

export class OriginalDstLoadBalancer implements LoadBalancer {
  readonly picker: HostPicker;
  readonly #o: OriginalDstOptions;
  readonly #hosts = new Map<string, { host: Host; used: boolean }>();
  readonly #cancelSweep: Cancel | undefined;
  #destroyed = false;

  constructor(o: OriginalDstOptions) {
    this.#o = o;
    this.picker = { pick: (req) => this.#pick(req) };
    const every = o.config.cleanupIntervalMs;
    this.#cancelSweep = every > 0 && every <= MAX_TIMER_MS ? o.clock.setInterval(() => this.cleanup(), every) : undefined;
  }

  get hosts(): readonly Host[] {
    return [...this.#hosts.values()].map((e) => e.host);
  }

  // LoadBalancer
  onHostsChanged(): void {}

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#cancelSweep?.();
  }

  /** Envoy's cleanup timer: drops hosts no pick used since the last sweep (their pools drain). */
  cleanup(): void {
    let removed = false;
    for (const [key, e] of this.#hosts) {
      if (e.used) {
        e.used = false;
        continue;
      }
      this.#hosts.delete(key);
      e.host.pool?.close();
      removed = true;
    }
    if (removed) this.#publish();
  }

  #pick(req: LbRequestContext | null): Host | null {
    if (this.#destroyed) return null;
    const cfg = this.#o.config;
    let dst: { address: string; port: number } | undefined;
    const header = cfg.useHttpHeader ? req?.downstreamHeader?.(cfg.httpHeaderName) : undefined;
    if (header !== undefined) {
      dst = parseIpPort(header.trim());
      if (!dst) return null; // Envoy: an invalid header selects no host
    } else dst = req?.originalDestination;
    if (!dst || dst.address === '' || dst.port === 0) return null;
    const address = this.#o.mapAddress ? this.#o.mapAddress(dst.address) : dst.address;
    const port = cfg.upstreamPortOverride ?? dst.port;
    const key = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    let entry = this.#hosts.get(key);
    if (!entry) {
      entry = { host: new Host(address, port), used: true };
      this.#hosts.set(key, entry);
      this.#publish();
    }
    entry.used = true;
    return entry.host;
  }

  #publish(): void {
    this.#o.prioritySet.update(this.hosts, 140);
  }
}
