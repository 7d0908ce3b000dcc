/**
 * The address a downstream connection was originally sent to (what Envoy
 * reads with SO_ORIGINAL_DST and then restores as the connection's local
 * address). Local capture has no iptables: whoever accepted the socket
 * records the destination here before handing it on. Unrecorded sockets
 * answer with their own local address, as Envoy does for a connection that
 * was not redirected. Listener filter-chain matching, the HCM's downstream
 * info and ORIGINAL_DST clusters all read it from here.
 */
import type { Socket } from 'node:net';
import type { SocketAddress } from '../xds-client/types.ts';

const recorded = new WeakMap<Socket, SocketAddress>();

export function setOriginalDestination(socket: Socket, destination: SocketAddress): void {
  recorded.set(socket, destination);
}

export function hasOriginalDestination(socket: Socket): boolean {
  return recorded.has(socket);
}

/** The recorded original destination, else the socket's local address (IPv4-mapped IPv6 unwrapped). */
export function originalDestinationOf(socket: Socket): SocketAddress {
  const r = recorded.get(socket);
  if (r) return r;
  const a = socket.localAddress ?? '';
  return { address: a.startsWith('::ffff:') ? a.slice(7) : a, port: socket.localPort ?? 0 };
}
