/**
 * Envoy's filter chain selection, as far as plaintext HTTP/1 goes: the
 * candidates are narrowed criterion by criterion in Envoy's order —
 * destination port, destination IP (prefix_ranges), server names (no TLS
 * inspector here, so only chains without server_names), transport protocol
 * (`raw_buffer`), application protocols (what the HTTP inspector sniffed:
 * `http/1.1` or `h2c`), source IP, source port — keeping at each step the
 * chains that name the value if any do, else the chains that leave it
 * empty. The default_filter_chain catches the rest.
 */
import { isIPv4 } from 'node:net';
import type { CidrRangeConfig, FilterChainMatchConfig } from '../xds-client/types.ts';

export interface ConnectionFacts {
  readonly destinationPort: number;
  readonly destinationIp: string;
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly transportProtocol: string;
  /** What a listener filter detected, e.g. ['http/1.1']; empty when nothing sniffed. */
  readonly applicationProtocols: readonly string[];
}

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.');
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

function inCidr(ip: string, c: CidrRangeConfig): boolean {
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIPv4(a) || !isIPv4(c.addressPrefix)) return a === c.addressPrefix;
  if (c.prefixLen === 0) return true;
  const mask = c.prefixLen >= 32 ? 0xffffffff : (~((1 << (32 - c.prefixLen)) - 1)) >>> 0;
  return ((ipv4ToInt(a) & mask) >>> 0) === ((ipv4ToInt(c.addressPrefix) & mask) >>> 0);
}

type Step<T> = (m: FilterChainMatchConfig, facts: ConnectionFacts) => 'match' | 'any' | 'miss';

const STEPS: readonly Step<unknown>[] = [
  (m, f) => (m.destinationPort === undefined ? 'any' : m.destinationPort === f.destinationPort ? 'match' : 'miss'),
  (m, f) => (m.prefixRanges.length === 0 ? 'any' : m.prefixRanges.some((c) => inCidr(f.destinationIp, c)) ? 'match' : 'miss'),
  (m) => (m.serverNames.length === 0 ? 'any' : 'miss'),
  (m, f) => (m.transportProtocol === '' ? 'any' : m.transportProtocol === f.transportProtocol ? 'match' : 'miss'),
  (m, f) => (m.applicationProtocols.length === 0 ? 'any' : m.applicationProtocols.some((p) => f.applicationProtocols.includes(p)) ? 'match' : 'miss'),
  (m, f) => (m.sourcePrefixRanges.length === 0 ? 'any' : m.sourcePrefixRanges.some((c) => inCidr(f.sourceIp, c)) ? 'match' : 'miss'),
  (m, f) => (m.sourcePorts.length === 0 ? 'any' : m.sourcePorts.includes(f.sourcePort) ? 'match' : 'miss'),
];

/** The index of the chain that serves the connection, or -1 (then the default chain, if any). */
export function selectFilterChain(matches: readonly FilterChainMatchConfig[], facts: ConnectionFacts): number {
  let candidates = matches.map((_, i) => i);
  for (const step of STEPS) {
    const exact: number[] = [];
    const any: number[] = [];
    for (const i of candidates) {
      const r = step(matches[i], facts);
      if (r === 'match') exact.push(i);
      else if (r === 'any') any.push(i);
    }
    candidates = exact.length > 0 ? exact : any;
    if (candidates.length === 0) return -1;
  }
  return candidates[0];
}

/** Whether any chain asks for application protocols (then the HTTP inspector's sniff matters). */
export function needsHttpInspection(matches: readonly FilterChainMatchConfig[]): boolean {
  return matches.some((m) => m.applicationProtocols.length > 0);
}

/** The HTTP inspector's verdict on the first bytes of a plaintext connection. */
export function sniffApplicationProtocol(first: Buffer): readonly string[] {
  if (first.length >= 14 && first.subarray(0, 14).toString('latin1') === 'PRI * HTTP/2.0') return ['h2c'];
  const text = first.subarray(0, Math.min(first.length, 16)).toString('latin1');
  return /^[A-Z]+ \S/.test(text) ? ['http/1.1'] : [];
}
