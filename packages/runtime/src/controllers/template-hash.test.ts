import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@skiff/common';
import { randomSuffix, safeEncode, templateHash } from './template-hash.ts';

describe('pod-template-hash and pod name suffixes', () => {
  it('is stable across key order and changes with the template', () => {
    const a = templateHash({ metadata: { labels: { app: 'x', v: '1' } }, spec: { containers: [{ name: 'c' }] } });
    const b = templateHash({ spec: { containers: [{ name: 'c' }] }, metadata: { labels: { v: '1', app: 'x' } } });
    assert.equal(a, b);
    assert.notEqual(a, templateHash({ metadata: { labels: { app: 'x', v: '2' } }, spec: { containers: [{ name: 'c' }] } }));
  });

  it('uses Kubernetes\' alphabet: no vowels, no look-alike digits', () => {
    assert.match(templateHash({}), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(safeEncode('0123456789'), '456789bcdf');
    assert.match(randomSuffix(seededRandom(7)), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
