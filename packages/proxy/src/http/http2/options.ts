/**
 * envoy.config.core.v3.Http2ProtocolOptions with Envoy's defaults, parsed once
 * per HCM or cluster: max_concurrent_streams 2147483647, initial stream and
 * connection windows 256 MiB (268435456). Envoy's bounds are kept
 * (stream window 65535..2147483647, max_concurrent_streams 1..2147483647);
 * out-of-range values are reported with the field path and NACK the resource.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { FieldPath } from '@skiff/common';
import type { WireReader } from '../route-table/wire-reader.ts';

export interface Http2Options {
  readonly maxConcurrentStreams: number;
  readonly initialStreamWindowSize: number;
  readonly initialConnectionWindowSize: number;
}

export const DEFAULT_HTTP2_OPTIONS: Http2Options = {
  maxConcurrentStreams: 2147483647,
  initialStreamWindowSize: 268435456,
  initialConnectionWindowSize: 268435456,
};

const MAX = 2147483647;

export function readHttp2Options(r: WireReader, wire: WireMessage | undefined, at: FieldPath): Http2Options {
  if (wire === undefined) return DEFAULT_HTTP2_OPTIONS;
  const num = (field: string, min: number, def: number): number => {
    const v = r.wrapped(wire, field, at, 'number');
    if (v === undefined) return def;
    if (!Number.isInteger(v) || v < min || v > MAX) {
      r.errors.add([...at, field], `value must be inside range [${min}, ${MAX}]`);
      return def;
    }
    return v;
  };
  return {
    maxConcurrentStreams: num('max_concurrent_streams', 1, DEFAULT_HTTP2_OPTIONS.maxConcurrentStreams),
    initialStreamWindowSize: num('initial_stream_window_size', 65535, DEFAULT_HTTP2_OPTIONS.initialStreamWindowSize),
    initialConnectionWindowSize: num('initial_connection_window_size', 65535, DEFAULT_HTTP2_OPTIONS.initialConnectionWindowSize),
  };
}
