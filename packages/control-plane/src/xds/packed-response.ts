/**
 * State-of-the-world responses serialized from pre-encoded pieces. A
 * DiscoveryResponse is `version_info` (1), repeated `resources` (2, each a
 * google.protobuf.Any), `type_url` (4) and `nonce` (5); the resources are
 * by far the largest part and, for proxies that share them, identical. So
 * the server frames each shared list's entries once (encoded-output.ts) and
 * writes a response as those bytes plus a few per-proxy fields, instead of
 * having protobufjs re-serialize thousands of Anys per proxy.
 *
 * `withPackedResponses` wraps the ADS service definition so that grpc-js
 * serializes a PackedDiscoveryResponse by concatenation and anything else as
 * before.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import type { DiscoveryResponse } from '@skiff/api/envoy/discovery-types.ts';
import type { EncodedResource } from './resource-encoder.ts';

const VERSION_INFO = (1 << 3) | 2;
const RESOURCES = (2 << 3) | 2;
const TYPE_URL = (4 << 3) | 2;
const NONCE = (5 << 3) | 2;
const ANY_TYPE_URL = (1 << 3) | 2;
const ANY_VALUE = (2 << 3) | 2;

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

function writeVarint(buf: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}

/** Length of one `resources` entry: tag, length, then the Any (type_url and value fields). */
function entryLength(r: EncodedResource): number {
  const any = anyLength(r);
  return 1 + varintLength(any) + any;
}

function anyLength(r: EncodedResource): number {
  const url = Buffer.byteLength(r.any.type_url);
  const value = r.any.value.byteLength;
  return 1 + varintLength(url) + url + 1 + varintLength(value) + value;
}

function writeEntry(buf: Buffer, at: number, r: EncodedResource): number {
  buf[at++] = RESOURCES;
  at = writeVarint(buf, at, anyLength(r));
  at = writeBytesField(buf, at, ANY_TYPE_URL, Buffer.from(r.any.type_url));
  return writeBytesField(buf, at, ANY_VALUE, r.any.value);
}

function writeBytesField(buf: Buffer, at: number, tag: number, bytes: Uint8Array): number {
  buf[at++] = tag;
  at = writeVarint(buf, at, bytes.byteLength);
  buf.set(bytes, at);
  return at + bytes.byteLength;
}

/** The entries of many resources as one buffer (a shared list's, framed once). */
export function packEntries(resources: readonly EncodedResource[]): Uint8Array {
  let length = 0;
  for (const r of resources) length += entryLength(r);
  const buf = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const r of resources) at = writeEntry(buf, at, r);
  return buf;
}

const entries = new WeakMap<EncodedResource, Uint8Array>();

/** One resource's entry, cached per encoded resource (loose, per-proxy resources are framed once too). */
export function resourceEntryBytes(r: EncodedResource): Uint8Array {
  let bytes = entries.get(r);
  if (!bytes) entries.set(r, (bytes = packEntries([r])));
  return bytes;
}

let scratch: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

/** A DiscoveryResponse whose resources are already framed; grpc-js serializes it through withPackedResponses. */
export class PackedDiscoveryResponse {
  readonly version_info: string;
  readonly type_url: string;
  readonly nonce: string;
  readonly #chunks: readonly Uint8Array[];
  readonly #chunksLength: number;

  constructor(fields: { version_info: string; type_url: string; nonce: string }, resources: { chunks: readonly Uint8Array[]; byteLength: number }) {
    this.version_info = fields.version_info;
    this.type_url = fields.type_url;
    this.nonce = fields.nonce;
    this.#chunks = resources.chunks;
    this.#chunksLength = resources.byteLength;
  }

  /** The serialized size, in bytes. */
  get byteLength(): number {
    return this.#chunksLength + stringFieldLength(this.version_info) + stringFieldLength(this.type_url) + stringFieldLength(this.nonce);
  }

  /**
   * The serialized message, written into a scratch buffer shared by every
   * call: grpc-js copies it into its own frame before serialize returns
   * (ServerInterceptingCall.serializeMessage), so the bytes are only
   * borrowed. Allocating a fresh buffer per response (megabytes for a
   * large mesh's CDS) would double the external memory churn that drives
   * V8's full garbage collections.
   */
  serialize(): Buffer {
    const length = this.byteLength;
    if (scratch.byteLength < length) scratch = Buffer.allocUnsafeSlow(Math.max(length, scratch.byteLength * 2));
    const buf = scratch.subarray(0, length);
    let at = writeStringField(buf, 0, VERSION_INFO, this.version_info);
    for (const chunk of this.#chunks) {
      buf.set(chunk, at);
      at += chunk.byteLength;
    }
    at = writeStringField(buf, at, TYPE_URL, this.type_url);
    writeStringField(buf, at, NONCE, this.nonce);
    return buf;
  }
}

function stringFieldLength(s: string): number {
  if (s === '') return 0;
  const n = Buffer.byteLength(s);
  return 1 + varintLength(n) + n;
}

function writeStringField(buf: Buffer, at: number, tag: number, s: string): number {
  return s === '' ? at : writeBytesField(buf, at, tag, Buffer.from(s));
}

/** What a state-of-the-world stream writes. */
export type SotwResponse = DiscoveryResponse | PackedDiscoveryResponse;

/** The ADS service definition with StreamAggregatedResources serializing PackedDiscoveryResponses by concatenation. */
export function withPackedResponses(definition: ServiceDefinition): ServiceDefinition {
  const method = definition.StreamAggregatedResources as MethodDefinition<object, object>;
  const serialize = method.responseSerialize;
  return {
    ...definition,
    StreamAggregatedResources: {
      ...method,
      responseSerialize: (value: object) => (value instanceof PackedDiscoveryResponse ? value.serialize() : serialize(value)),
    },
  };
}
