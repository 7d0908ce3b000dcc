/**
 * One proxy's state for one resource type on one stream: what it subscribed
 * to, what the server last sent (nonce, version, content), what it last
 * ACKed, and the NACK it last sent. `status` is the column `proxy-status`
 * prints: NOT SENT, SYNCED, STALE (sent, not yet ACKed) or NACK.
 */
import { NameSet } from './shared-resources.ts';
import type { WatchedResource } from './types.ts';

export type SyncState = 'SYNCED' | 'STALE' | 'NOT SENT' | 'NACK';

export interface NackRecord {
  readonly typeUrl: string;
  /** Nonce and version of the response the proxy rejected. */
  readonly nonce: string;
  readonly version: string;
  readonly resourceNames: readonly string[];
  /** Envoy's error_detail.message, verbatim. */
  readonly message: string;
  readonly code: number;
  readonly atMs: number;
}

const RECENT_NONCES = 16;

export class TypeWatch implements WatchedResource {
  readonly typeUrl: string;
  isWildcard = false;
  readonly #names = new Set<string>();
  #nameSet: NameSet | undefined;

  sentNonce: string | undefined;
  sentVersion: string | undefined;
  sentAtMs: number | undefined;
  /** The names last sent (built on demand: reading them is rare, a NACK). */
  sentNames: () => readonly string[] = () => [];
  /** State of the world: digest of the last response's content. */
  sentSetHash: string | undefined;
  /** Delta: name → version the proxy has been sent (what it holds, or rejected). */
  readonly known = new Map<string, string>();

  ackedNonce: string | undefined;
  ackedVersion: string | undefined;
  ackedAtMs: number | undefined;
  nack: NackRecord | undefined;
  /** nonce → version of recent responses, so a late ACK (one overtaken by a newer push) still records what the proxy applied. */
  readonly #recent = new Map<string, string>();

  constructor(typeUrl: string) {
    this.typeUrl = typeUrl;
  }

  get status(): SyncState {
    if (this.sentNonce === undefined) return 'NOT SENT';
    if (this.nack !== undefined && this.nack.nonce === this.sentNonce) return 'NACK';
    if (this.ackedNonce === this.sentNonce) return 'SYNCED';
    return 'STALE';
  }

  onSent(nonce: string, version: string, atMs: number): void {
    this.sentNonce = nonce;
    this.sentVersion = version;
    this.sentAtMs = atMs;
    this.#recent.set(nonce, version);
    if (this.#recent.size > RECENT_NONCES) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  /** The version sent with a recent nonce; undefined for a nonce this stream never sent (or long ago). */
  versionOf(nonce: string): string | undefined {
    return this.#recent.get(nonce);
  }

  /** Explicitly subscribed names (besides the wildcard, if any). */
  get names(): ReadonlySet<string> {
    return this.#names;
  }

  /** The subscribed names, interned (equal subscriptions share one object; see shared-resources.ts). */
  get nameSet(): NameSet {
    return (this.#nameSet ??= NameSet.of(this.#names));
  }

  /** Replaces the named subscription; returns the names that are new. */
  setNames(names: readonly string[]): string[] {
    // An ACK usually repeats the subscription: recognise that without building anything.
    if (names.length === this.#names.size && names.every((n) => this.#names.has(n))) return [];
    const next = new Set(names);
    const added = [...next].filter((n) => !this.#names.has(n));
    if (added.length === 0 && next.size === this.#names.size) return added;
    this.#names.clear();
    for (const n of next) this.#names.add(n);
    this.#nameSet = undefined;
    return added;
  }

  addName(name: string): void {
    this.#names.add(name);
    this.#nameSet = undefined;
  }

  deleteName(name: string): void {
    if (this.#names.delete(name)) this.#nameSet = undefined;
  }
}
