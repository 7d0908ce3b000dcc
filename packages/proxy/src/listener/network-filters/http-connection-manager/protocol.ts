/**
 * The HCM's protocol settings (parsed once per HCM config): codec_type
 * (AUTO, HTTP1, HTTP2; Envoy's default AUTO), http2_protocol_options with
 * Envoy's defaults, and upgrade_configs — which upgrade types (Istio sets
 * `websocket`) may be forwarded; anything else is answered 403 as Envoy does.
 */
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import { ParseErrors, WireReader } from '../../../http/route-table/wire-reader.ts';
import type { CodecType } from '../../../http/http2/codec-select.ts';
import { readHttp2Options, type Http2Options } from '../../../http/http2/options.ts';

export interface HcmProtocolSettings {
  readonly codecType: CodecType;
  readonly http2: Http2Options;
  /** Lowercase upgrade types that are enabled (upgrade_configs[].enabled defaults to true). */
  readonly upgradeTypes: ReadonlySet<string>;
}

export function parseHcmProtocolSettings(wire: WireMessage): HcmProtocolSettings {
  const r = new WireReader(new ParseErrors());
  const codec = r.string(wire, 'codec_type', []) ?? 'AUTO';
  const upgradeTypes = new Set<string>();
  const configs = r.objects(wire, 'upgrade_configs', []);
  for (let i = 0; i < configs.length; i++) {
    const type = r.string(configs[i], 'upgrade_type', ['upgrade_configs', i]);
    const enabled = r.wrapped(configs[i], 'enabled', ['upgrade_configs', i], 'boolean') ?? true;
    if (type !== undefined && enabled) upgradeTypes.add(type.toLowerCase());
  }
  return {
    codecType: codec === 'HTTP1' || codec === 'HTTP2' ? codec : 'AUTO',
    http2: readHttp2Options(r, r.object(wire, 'http2_protocol_options', []), ['http2_protocol_options']),
    upgradeTypes,
  };
}
