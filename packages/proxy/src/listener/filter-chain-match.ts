/**
 * Envoy's filter chain selection (FilterChainManagerImpl): the candidates
 * are narrowed criterion by criterion in Envoy's order — destination port,
 * destination IP (prefix_ranges, longest prefix first), server names (the
 * SNI the TLS inspector read: an exact name first, then the longest
 * `*.suffix` wildcard, then chains without server_names), transport
 * protocol (`tls` or `raw_buffer`), application protocols (ALPN from the
 * ClientHello, or what the HTTP inspector sniffed: `http/1.1`, `h2c`),
 * source IP (longest prefix), source port — keeping at each step the chains
 * that match the value most specifically if any do, else the chains that
 * leave the criterion empty, and never backtracking. The
 * default_filter_chain catches the rest.
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
  /** SNI from the TLS inspector, lower case; '' or absent when none. */
  readonly serverName?: string;
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

/** How well a chain matches on one criterion: MISS, ANY (criterion empty), or a positive specificity (higher wins). */
const MISS = -1;
const ANY = 0;
const EXACT = 1_000_000;

type Step = (m: FilterChainMatchConfig, facts: ConnectionFacts) => number;

/** The longest prefix among the ranges that contain `ip` (+1, so /0 still beats an empty list). */
function cidrRank(ranges: readonly CidrRangeConfig[], ip: string): number {
  if (ranges.length === 0) return ANY;
  let best = MISS;
  for (const c of ranges) if (inCidr(ip, c) && c.prefixLen + 1 > best) best = c.prefixLen + 1;
  return best;
}

/** An exact server name beats any wildcard; among `*.suffix` wildcards the longest suffix wins. */
function serverNameRank(names: readonly string[], sni: string): number {
  if (names.length === 0) return ANY;
  if (sni === '') return MISS;
  let best = MISS;
  for (const n of names) {
    const name = n.toLowerCase();
    if (name === sni) return EXACT;
    if (name.startsWith('*.') && sni.endsWith(name.slice(1)) && sni.length > name.length - 1 && name.length > best) best = name.length;
  }
  return best;
}

const STEPS: readonly Step[] = [
  (m, f) => (m.destinationPort === undefined ? ANY : m.destinationPort === f.destinationPort ? EXACT : MISS),
  (m, f) => cidrRank(m.prefixRanges, f.destinationIp),
  (m, f) => serverNameRank(m.serverNames, f.serverName ?? ''),
  (m, f) => (m.transportProtocol === '' ? ANY : m.transportProtocol === f.transportProtocol ? EXACT : MISS),
  (m, f) => (m.applicationProtocols.length === 0 ? ANY : m.applicationProtocols.some((p) => f.applicationProtocols.includes(p)) ? EXACT : MISS),
  (m, f) => cidrRank(m.sourcePrefixRanges, f.sourceIp),
  (m, f) => (m.sourcePorts.length === 0 ? ANY : m.sourcePorts.includes(f.sourcePort) ? EXACT : MISS),
];

/** The index of the chain that serves the connection, or -1 (then the default chain, if any). */
export function selectFilterChain(matches: readonly FilterChainMatchConfig[], facts: ConnectionFacts): number {
  let candidates = matches.map((_, i) => i);
  for (const step of STEPS) {
    let best = MISS;
    let kept: number[] = [];
    for (const i of candidates) {
      const r = step(matches[i], facts);
      if (r < best || r === MISS) continue;
      if (r > best) {
        best = r;
        kept = [];
      }
      kept.push(i);
    }
    candidates = kept;
    if (candidates.length === 0) return -1;
  }
  return candidates[0];
}

/** Whether any chain asks for application protocols (then the HTTP inspector's sniff matters for plaintext). */
export function needsHttpInspection(matches: readonly FilterChainMatchConfig[]): boolean {
  return matches.some((m) => m.applicationProtocols.length > 0);
}

/** The HTTP inspector's verdict on the first bytes of a plaintext connection. */
export function sniffApplicationProtocol(first: Buffer): readonly string[] {
  if (first.length >= 14 && first.subarray(0, 14).toString('latin1') === 'PRI * HTTP/2.0') return ['h2c'];
  const text = first.subarray(0, Math.min(first.length, 16)).toString('latin1');
  return /^[A-Z]+ \S/.test(text) ? ['http/1.1'] : [];
}
