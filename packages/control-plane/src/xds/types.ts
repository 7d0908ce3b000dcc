/**
 * Contracts of the xDS layer. A generator turns (proxy, push context, request)
 * into the resources of one type; the translation code registers one per type
 * URL and never touches the protocol. The push context is whatever immutable
 * snapshot the control plane builds once per debounced change (`P`).
 */
import type { Any } from '@skiff/api/envoy/discovery-types.ts';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { TypeUrl } from '@skiff/api';
import type { Proxy } from '../model/proxy.ts';
import type { PushRequest } from './push-request.ts';
import type { GeneratorOutput, NameSet } from './shared-resources.ts';

/** One named resource: a wire message (encoded by the server, once per object) or an already packed Any. */
export interface XdsResource {
  readonly name: string;
  readonly resource: WireMessage | Any;
}

/** What a proxy asked for on one type. */
export interface WatchedResource {
  readonly typeUrl: string;
  readonly isWildcard: boolean;
  /** Explicitly named resources (besides the wildcard, if any). */
  readonly names: ReadonlySet<string>;
  /** The same names, interned (the server's watches always set it; shared per-subscription results are keyed by it). */
  readonly nameSet?: NameSet;
}

export interface GenerateRequest {
  readonly watched: WatchedResource;
  /** The push that triggered generation; undefined when a proxy's own request did. */
  readonly push: PushRequest | undefined;
}

/** Loose resources and shared lists (shared-resources.ts); a plain XdsResource[] is valid output. */
export type Generator<P> = (proxy: Proxy, push: P, request: GenerateRequest) => GeneratorOutput;

export interface GeneratorEntry<P> {
  readonly typeUrl: TypeUrl;
  readonly generate: Generator<P>;
}
