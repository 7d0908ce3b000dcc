import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appAddressOf, parsePodCidr, PodIpAllocator } from './pod-cidr.ts';

describe('pod addresses on loopback', () => {
  it('pairs each pod IP with the application address in the next /16', () => {
    const net = parsePodCidr('127.1.0.0/16');
    assert.equal(appAddressOf(net, '127.1.3.7'), '127.2.3.7');
  });

  it('rejects a range outside 127/8 or not a /16, saying what it expects', () => {
    for (const bad of ['10.1.0.0/16', '127.1.0.0/24', '127.255.0.0/16', 'nonsense']) {
      assert.throws(() => parsePodCidr(bad), /expected 127\.N\.0\.0\/16/);
    }
  });

  it('hands out free addresses, skipping x.0, x.255 and reserved ones, and reuses released ones', () => {
    const alloc = new PodIpAllocator(parsePodCidr('127.9.0.0/16'));
    assert.equal(alloc.reserve('127.9.0.3'), true);
    assert.equal(alloc.reserve('127.9.0.3'), false, 'already taken');
    assert.equal(alloc.reserve('127.8.0.3'), false, 'outside the range');
    assert.deepEqual([alloc.allocate(), alloc.allocate()], ['127.9.0.2', '127.9.0.4']);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(alloc.allocate());
    assert.ok(![...seen].some((ip) => /\.(0|255)$/.test(ip)));
    alloc.release('127.9.0.2');
    assert.ok(alloc.reserve('127.9.0.2'));
  });
});
