/**
 * The accepted resources of one xDS type and how a response changes them
 * (grpc-js-xds's handleResponse, Envoy's per-type onConfigUpdate): every
 * resource is decoded and parsed; the valid ones are applied, the invalid
 * ones keep their last good version and are remembered (for /config_dump's
 * error_state) and the response is NACKed with Envoy's text. A SotW response
 * of a full-state type (LDS, CDS) removes the names it no longer carries.
 */
import type { Any, DeltaDiscoveryResponse, DiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import { decodeAny, type WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { ResourceFailure, ResourceType } from './resource-types/index.ts';
import type { ResourceEntry } from './types.ts';

export interface FailedResource {
  readonly name: string;
  readonly wire: WireMessage | undefined;
  readonly details: string;
  readonly version: string;
  readonly atMs: number;
}

export interface ApplyResult {
  /** Whether any accepted resource was added, changed or removed. */
  readonly changed: boolean;
  /** Envoy's error_detail message when the response is rejected. */
  readonly nack: string | undefined;
}

interface Decoded {
  readonly name: string;
  readonly version: string;
  readonly wire: WireMessage | undefined;
  readonly errors: readonly string[];
}

export class ResourceCache<C> {
  readonly type: ResourceType<C>;
  readonly #accepted = new Map<string, ResourceEntry<C>>();
  readonly #failed = new Map<string, FailedResource>();
  /** version_info of the last accepted SotW response (or system_version_info for delta). */
  versionInfo = '';
  lastNonce = '';
  lastUpdatedMs: number | undefined;
  /** Whether any response arrived (the initial fetch is over). */
  received = false;

  constructor(type: ResourceType<C>) {
    this.type = type;
  }

  get entries(): ReadonlyMap<string, ResourceEntry<C>> {
    return this.#accepted;
  }

  get failed(): ReadonlyMap<string, FailedResource> {
    return this.#failed;
  }

  applySotw(response: DiscoveryResponse, nowMs: number): ApplyResult {
    const decoded = (response.resources ?? []).map((any) => this.#decode(any, response.version_info));
    const result = this.#apply(decoded, response.version_info, nowMs);
    let changed = result.changed;
    if (this.type.isFullState) {
      const present = new Set(decoded.map((d) => d.name));
      for (const name of [...this.#accepted.keys()]) {
        if (!present.has(name)) changed = this.#accepted.delete(name) || changed;
      }
    }
    return this.#finish(result.failures, changed, response.version_info, response.nonce, nowMs);
  }

  applyDelta(response: DeltaDiscoveryResponse, nowMs: number): ApplyResult {
    const decoded = (response.resources ?? []).map((r): Decoded => (r.resource ? this.#decode(r.resource, r.version, r.name) : { name: r.name, version: r.version, wire: undefined, errors: ['resource is missing'] }));
    const result = this.#apply(decoded, undefined, nowMs);
    let changed = result.changed;
    for (const name of response.removed_resources ?? []) {
      changed = this.#accepted.delete(name) || changed;
      this.#failed.delete(name);
    }
    return this.#finish(result.failures, changed, response.system_version_info, response.nonce, nowMs);
  }

  /** Drops resources the client no longer subscribes to (RDS and EDS names its listeners and clusters stopped using). */
  retain(names: ReadonlySet<string>): boolean {
    let changed = false;
    for (const name of [...this.#accepted.keys()]) {
      if (!names.has(name)) changed = this.#accepted.delete(name) || changed;
    }
    for (const name of [...this.#failed.keys()]) if (!names.has(name)) this.#failed.delete(name);
    return changed;
  }

  /** Delta's initial_resource_versions: what the client holds, by name. */
  versions(): Record<string, string> {
    return Object.fromEntries([...this.#accepted.values()].map((e) => [e.name, e.version]));
  }

  #decode(any: Any, version: string, deltaName?: string): Decoded {
    if (any.type_url !== this.type.typeUrl) {
      return { name: deltaName ?? '(unknown)', version, wire: undefined, errors: [`wrong type URL '${any.type_url}' in a ${this.type.typeUrl} response`] };
    }
    try {
      const wire = decodeAny(any);
      return { name: deltaName ?? this.type.nameOf(wire), version, wire, errors: [] };
    } catch (err) {
      return { name: deltaName ?? '(unknown)', version, wire: undefined, errors: [`cannot decode: ${(err as Error).message}`] };
    }
  }

  #apply(decoded: readonly Decoded[], sotwVersion: string | undefined, nowMs: number): { changed: boolean; failures: ResourceFailure[] } {
    let changed = false;
    const failures: ResourceFailure[] = [];
    const seen = new Set<string>();
    for (const d of decoded) {
      if (seen.has(d.name)) {
        failures.push({ name: d.name, errors: ['duplicate resource name in one response'] });
        continue;
      }
      seen.add(d.name);
      const parsed = d.wire && d.errors.length === 0 ? this.type.parse(d.wire) : undefined;
      if (!parsed?.ok) {
        const errors = parsed ? parsed.errors : d.errors;
        failures.push({ name: d.name, errors });
        this.#failed.set(d.name, { name: d.name, wire: d.wire, details: errors.join('; '), version: sotwVersion ?? d.version, atMs: nowMs });
        continue;
      }
      this.#failed.delete(d.name);
      const previous = this.#accepted.get(d.name);
      if (previous && JSON.stringify(previous.wire) === JSON.stringify(d.wire)) continue;
      this.#accepted.set(d.name, { name: d.name, config: parsed.value, wire: d.wire!, version: d.version, lastUpdatedMs: nowMs });
      changed = true;
    }
    return { changed, failures };
  }

  #finish(failures: readonly ResourceFailure[], changed: boolean, version: string, nonce: string, nowMs: number): ApplyResult {
    this.received = true;
    this.lastNonce = nonce;
    if (failures.length > 0) return { changed, nack: this.type.rejectionMessage(failures) };
    this.versionInfo = version;
    this.lastUpdatedMs = nowMs;
    return { changed, nack: undefined };
  }
}
