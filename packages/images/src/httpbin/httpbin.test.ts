import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseStatus } from './httpbin.ts';
import { pickWeighted } from '../fortio/server.ts';

describe('weighted status codes', () => {
  it("httpbin picks codes by relative weight and rejects what httpbin rejects", () => {
    assert.equal(chooseStatus('503', () => 0.99), 503);
    assert.equal(chooseStatus('200,503', () => 0.2), 200);
    assert.equal(chooseStatus('200,503', () => 0.7), 503);
    assert.equal(chooseStatus('200:0.9,503:0.1', () => 0.89), 200);
    assert.equal(chooseStatus('200:0.9,503:0.1', () => 0.95), 503);
    assert.equal(chooseStatus('abc', () => 0), undefined);
    assert.equal(chooseStatus('600', () => 0), undefined);
  });

  it('fortio treats weights as percentages with the rest going to the default', () => {
    assert.equal(pickWeighted('503:50,429:10', '200', () => 0.4), '503');
    assert.equal(pickWeighted('503:50,429:10', '200', () => 0.55), '429');
    assert.equal(pickWeighted('503:50,429:10', '200', () => 0.7), '200');
    assert.equal(pickWeighted('503', '200', () => 0.99), '503');
    assert.equal(pickWeighted('250ms:20', '0', () => 0.1), '250ms');
  });
});
