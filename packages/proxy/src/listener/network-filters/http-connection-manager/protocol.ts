/**
 * The HCM's protocol settings (parsed once per HCM config): codec_type
 * (AUTO, HTTP1, HTTP2; Envoy's default AUTO), http2_protocol_options with
 * Envoy's defaults, and upgrade_configs — which upgrade types (Istio sets
 * `websocket`) may be forwarded; anything else is answered 403 as Envoy does.
 * LDS validates the same fields through readHcmProtocolSettings, so bad
 * values NACK the listener with their field paths.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { FieldPath } from '@skiff/common';
import { ParseErrors, WireReader } from '../../../http/route-table/wire-reader.ts';
import type { CodecType } from '../../../http/http2/codec-select.ts';
import { readHttp2Options, type Http2Options } from '../../../http/http2/options.ts';

export interface HcmProtocolSettings {
  readonly codecType: CodecType;
  readonly http2: Http2Options;
  /** Lowercase upgrade types that are enabled (upgrade_configs[].enabled defaults to true). */
  readonly upgradeTypes: ReadonlySet<string>;
}

const CODEC_TYPES = ['AUTO', 'HTTP1', 'HTTP2', 'HTTP3'];

export function readHcmProtocolSettings(r: WireReader, wire: WireMessage, at: FieldPath): HcmProtocolSettings {
  const codec = r.string(wire, 'codec_type', at) ?? 'AUTO';
  if (!CODEC_TYPES.includes(codec)) r.errors.add([...at, 'codec_type'], 'value must be one of the defined enum values');
  else if (codec === 'HTTP3') r.errors.add([...at, 'codec_type'], 'HTTP/3 downstreams are not supported');
  const upgradeTypes = new Set<string>();
  const configs = r.objects(wire, 'upgrade_configs', at);
  for (let i = 0; i < configs.length; i++) {
    const type = r.string(configs[i], 'upgrade_type', [...at, 'upgrade_configs', i]);
    const enabled = r.wrapped(configs[i], 'enabled', [...at, 'upgrade_configs', i], 'boolean') ?? true;
    if (type !== undefined && enabled) upgradeTypes.add(type.toLowerCase());
  }
  return {
    codecType: codec === 'HTTP1' || codec === 'HTTP2' ? codec : 'AUTO',
    http2: readHttp2Options(r, r.object(wire, 'http2_protocol_options', at), [...at, 'http2_protocol_options']),
    upgradeTypes,
  };
}

/** For the network filter; LDS already rejected what is invalid. */
export function parseHcmProtocolSettings(wire: WireMessage): HcmProtocolSettings {
  return readHcmProtocolSettings(new WireReader(new ParseErrors()), wire, []);
}
