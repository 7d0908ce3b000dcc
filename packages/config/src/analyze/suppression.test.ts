import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSuppressed, parseSuppression } from './suppression.ts';
import type { AnalysisMessage } from './analyzer.ts';
import { NamespaceNotInjected, ReferencedResourceNotFound } from './messages.gen.ts';

const vsMessage: AnalysisMessage = {
  type: ReferencedResourceNotFound, args: ['host', 'reviewz'],
  origin: { kind: 'VirtualService', namespace: 'default', name: 'reviews', namespaced: true },
};
const nsMessage: AnalysisMessage = {
  type: NamespaceNotInjected, args: ['backend', 'backend'],
  origin: { kind: 'Namespace', name: 'backend', namespaced: false },
};

function suppression(text: string) {
  const parsed = parseSuppression(text);
  assert.ok(parsed.ok, text);
  return parsed.value;
}

describe('suppressions', () => {
  it('match CODE=Kind ns/name', () => {
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService default/reviews')]), true);
  });

  it('accept Istio\'s CODE=Kind name.namespace form', () => {
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService reviews.default')]), true);
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService reviews.other')]), false);
  });

  it('let * match any characters in the name and namespace', () => {
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService */rev*')]), true);
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService *.default')]), true);
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=VirtualService */ratings*')]), false);
  });

  it('match cluster-scoped resources by name', () => {
    assert.equal(isSuppressed(nsMessage, [suppression('IST0102=Namespace backend')]), true);
    assert.equal(isSuppressed(nsMessage, [suppression('IST0102=Namespace *')]), true);
  });

  it('do not cross codes or kinds', () => {
    assert.equal(isSuppressed(vsMessage, [suppression('IST0102=VirtualService default/reviews')]), false);
    assert.equal(isSuppressed(vsMessage, [suppression('IST0101=DestinationRule default/reviews')]), false);
  });

  it('reject values without a code or a kind', () => {
    assert.equal(parseSuppression('IST0101').ok, false);
    assert.equal(parseSuppression('IST0101=reviews').ok, false);
    assert.equal(parseSuppression('=VirtualService a/b').ok, false);
  });
});
