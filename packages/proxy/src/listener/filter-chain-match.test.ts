import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterChainMatchConfig } from '../xds-client/types.ts';
import { selectFilterChain, sniffApplicationProtocol } from './filter-chain-match.ts';

const m = (o: Partial<FilterChainMatchConfig>): FilterChainMatchConfig => ({
  destinationPort: undefined, prefixRanges: [], sourcePrefixRanges: [], sourcePorts: [], serverNames: [], transportProtocol: '', applicationProtocols: [], ...o,
});
const facts = { destinationPort: 9080, destinationIp: '10.0.0.1', sourceIp: '10.0.0.2', sourcePort: 4000, transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1'] };

describe('filter chain match', () => {
  it('prefers the chain naming the destination port over a catch-all', () => {
    assert.equal(selectFilterChain([m({}), m({ destinationPort: 9080 })], facts), 1);
    assert.equal(selectFilterChain([m({}), m({ destinationPort: 15001 })], facts), 0);
  });
  it('never matches TLS-only or SNI chains for plaintext, and falls to the default (-1) when nothing fits', () => {
    assert.equal(selectFilterChain([m({ transportProtocol: 'tls' }), m({ serverNames: ['a.example'] })], facts), -1);
  });
  it('matches sniffed HTTP chains by application protocol, raw TCP otherwise, without backtracking (as Envoy)', () => {
    const chains = [m({ applicationProtocols: ['http/1.1', 'h2c'], transportProtocol: 'raw_buffer' }), m({ transportProtocol: 'raw_buffer' })];
    assert.equal(selectFilterChain(chains, facts), 0);
    assert.equal(selectFilterChain(chains, { ...facts, applicationProtocols: [] }), 1);
    assert.equal(selectFilterChain([chains[0], m({})], { ...facts, applicationProtocols: [] }), -1);
    assert.deepEqual(sniffApplicationProtocol(Buffer.from('GET / HTTP/1.1\r\n')), ['http/1.1']);
    assert.deepEqual(sniffApplicationProtocol(Buffer.from([0x16, 0x03, 0x01])), []);
  });
  it('narrows by destination CIDR', () => {
    assert.equal(selectFilterChain([m({ prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 24 }] }), m({ prefixRanges: [{ addressPrefix: '10.1.0.0', prefixLen: 16 }] })], facts), 0);
  });
});

describe('filter chain match: server names and transport protocol (TLS inspector facts)', () => {
  const tls = { ...facts, transportProtocol: 'tls', applicationProtocols: ['istio'] };
  it('prefers an exact server name, then the longest *.wildcard, then chains without server_names', () => {
    const chains = [m({}), m({ serverNames: ['*.com'] }), m({ serverNames: ['*.example.com'] }), m({ serverNames: ['api.example.com', 'other.org'] })];
    assert.equal(selectFilterChain(chains, { ...tls, serverName: 'api.example.com' }), 3);
    assert.equal(selectFilterChain(chains, { ...tls, serverName: 'shop.example.com' }), 2);
    assert.equal(selectFilterChain(chains, { ...tls, serverName: 'a.b.example.com' }), 2, 'a wildcard covers several labels, as in Envoy');
    assert.equal(selectFilterChain(chains, { ...tls, serverName: 'x.net' }), 0);
    assert.equal(selectFilterChain(chains, { ...tls, serverName: '' }), 0, 'no SNI: only chains without server_names');
    assert.equal(selectFilterChain([m({ serverNames: ['*.example.com'] })], { ...tls, serverName: 'example.com' }), -1, '*.example.com does not cover example.com');
  });
  it('tells TLS from raw_buffer, and matches ALPN from the ClientHello', () => {
    const chains = [m({ transportProtocol: 'tls', applicationProtocols: ['istio-peer-exchange', 'istio'] }), m({ transportProtocol: 'tls' }), m({ transportProtocol: 'raw_buffer' })];
    assert.equal(selectFilterChain(chains, tls), 0);
    assert.equal(selectFilterChain(chains, { ...tls, applicationProtocols: ['h2'] }), 1);
    assert.equal(selectFilterChain(chains, { ...facts, applicationProtocols: [] }), 2);
  });
  it('takes the server-name step before the transport protocol step (no backtracking)', () => {
    const chains = [m({ serverNames: ['a.example.com'], transportProtocol: 'raw_buffer' }), m({ transportProtocol: 'tls' })];
    assert.equal(selectFilterChain(chains, { ...tls, serverName: 'a.example.com' }), -1);
  });
  it('narrows destination CIDRs by the longest prefix', () => {
    const chains = [m({ prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] }), m({ prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 24 }] })];
    assert.equal(selectFilterChain(chains, facts), 1);
  });
});
