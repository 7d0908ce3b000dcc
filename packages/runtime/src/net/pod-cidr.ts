/**
 * Pod addresses on loopback (ADR 0004 point 1): pod IPs from a /16 inside
 * 127.0.0.0/8 (`127.1.0.0/16` by default) and, for pods with a sidecar,
 * the application address with the same last two octets in the next /16
 * (`127.2.x.y`). Linux routes all of 127/8 to `lo`, so any process binds them.
 */
import { SkiffError } from '@skiff/common';

export const DEFAULT_POD_CIDR = '127.1.0.0/16';

export interface PodNetwork {
  readonly cidr: string;
  /** Second octet of pod IPs (1 in 127.1.0.0/16). */
  readonly podOctet: number;
  /** Second octet of application addresses (podOctet + 1). */
  readonly appOctet: number;
}

export function parsePodCidr(text: string): PodNetwork {
  const m = /^127\.(\d{1,3})\.0\.0\/16$/.exec(text.trim());
  const octet = m ? Number(m[1]) : NaN;
  if (!m || octet < 1 || octet > 254) {
    throw new SkiffError('SKIFF_ERR_INVALID_FLAG', `invalid --pod-cidr "${text}": expected 127.N.0.0/16 with N from 1 to 254 (the application addresses take 127.N+1.0.0/16)`);
  }
  return { cidr: text.trim(), podOctet: octet, appOctet: octet + 1 };
}

export function inPodNetwork(net: PodNetwork, ip: string): boolean {
  return ip.startsWith(`127.${net.podOctet}.`);
}

/** The application address paired with a pod IP: 127.1.x.y → 127.2.x.y. */
export function appAddressOf(net: PodNetwork, podIp: string): string {
  const [, , x, y] = podIp.split('.');
  return `127.${net.appOctet}.${x}.${y}`;
}

/** Hands out pod IPs, skipping x.0, x.255 and the ones in use; 127.N.0.1 stays free (the network's "gateway"). */
export class PodIpAllocator {
  readonly #net: PodNetwork;
  readonly #used = new Set<string>();
  #next = 2;

  constructor(net: PodNetwork) {
    this.#net = net;
  }

  reserve(ip: string): boolean {
    if (!inPodNetwork(this.#net, ip) || this.#used.has(ip)) return false;
    this.#used.add(ip);
    return true;
  }

  release(ip: string): void {
    this.#used.delete(ip);
  }

  allocate(): string {
    for (let tries = 0; tries < 65536; tries++) {
      const n = this.#next;
      this.#next = this.#next >= 65534 ? 2 : this.#next + 1;
      const x = n >> 8;
      const y = n & 255;
      if (y === 0 || y === 255) continue;
      const ip = `127.${this.#net.podOctet}.${x}.${y}`;
      if (this.#used.has(ip)) continue;
      this.#used.add(ip);
      return ip;
    }
    throw new SkiffError('SKIFF_ERR_POD_CIDR_FULL', `no free pod IP left in ${this.#net.cidr}`);
  }
}
