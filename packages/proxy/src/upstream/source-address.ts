/**
 * upstream_bind_config's source address, honoured only where this machine
 * can bind it: an address of one of its interfaces, or (Linux, where all of
 * 127.0.0.0/8 routes to lo) any loopback address. Istio's inbound clusters
 * ask for 127.0.0.6; a proxy that cannot bind it connects without a source
 * address and says so once in its log, instead of failing every connection.
 */
import { networkInterfaces } from 'node:os';
import { platform } from 'node:process';

export function canBindSourceAddress(address: string): boolean {
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (platform === 'linux' && /^127\.\d+\.\d+\.\d+$/.test(bare)) return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.address === bare) return true;
  }
  return false;
}
