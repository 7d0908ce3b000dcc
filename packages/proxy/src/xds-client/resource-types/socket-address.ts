/** envoy.config.core.v3.Address with a socket_address (the only kind Skiff's proxy binds or dials), read with field paths. */
import type { FieldPath } from '@skiff/common';
import type { WireObject, WireReader } from '../../http/route-table/wire-reader.ts';
import type { SocketAddress } from '../types.ts';

export function readSocketAddress(r: WireReader, parent: WireObject, key: string, at: FieldPath): SocketAddress | undefined {
  const address = r.object(parent, key, at);
  if (!address) {
    r.errors.add([...at, key], 'value is required');
    return undefined;
  }
  const socket = r.object(address, 'socket_address', [...at, key]);
  if (!socket) {
    const kind = Object.keys(address).find((k) => address[k] !== undefined && address[k] !== null) ?? 'address';
    r.errors.add([...at, key, kind], kind === 'address' ? 'value is required' : `${kind} is not supported; only socket_address is`);
    return undefined;
  }
  const sAt = [...at, key, 'socket_address'];
  const host = r.string(socket, 'address', sAt) ?? '';
  if (host === '') r.errors.add([...sAt, 'address'], 'value length must be at least 1 characters');
  const port = r.number(socket, 'port_value', sAt) ?? 0;
  if (port > 65535) r.errors.add([...sAt, 'port_value'], 'value must be less than or equal to 65535');
  return { address: host, port };
}
