import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { advanceEncodingGeneration, encodeResource } from './resource-encoder.ts';

const cluster = (timeout: string) => ({ name: 'c', type: 'EDS', connect_timeout: { seconds: timeout } });

describe('resource encoding across pushes', () => {
  it('reuses the bytes of an equal message built by the next push, and encodes a changed one', () => {
    const first = encodeResource(TypeUrl.Cluster, { name: 'c', resource: cluster('1') });
    advanceEncodingGeneration();
    const equal = encodeResource(TypeUrl.Cluster, { name: 'c', resource: cluster('1') });
    assert.equal(equal.any, first.any, 'same Any object: not encoded again');
    const changed = encodeResource(TypeUrl.Cluster, { name: 'c', resource: cluster('2') });
    assert.notEqual(changed.hash, first.hash);
  });

  it('forgets encodings unused for a whole push', () => {
    const first = encodeResource(TypeUrl.Cluster, { name: 'c', resource: cluster('7') });
    advanceEncodingGeneration();
    advanceEncodingGeneration();
    const again = encodeResource(TypeUrl.Cluster, { name: 'c', resource: cluster('7') });
    assert.notEqual(again.any, first.any);
    assert.equal(again.hash, first.hash, 'same content, same digest');
  });
});
