import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTemplate } from './message-type.ts';
import { ReferencedResourceNotFound, VirtualServiceDestinationPortSelectorRequired, ALL_MESSAGE_TYPES } from './messages.gen.ts';

describe('formatTemplate', () => {
  it('formats %s and %q as Go does', () => {
    assert.equal(formatTemplate(ReferencedResourceNotFound.template, ['host', 'reviewz']), 'Referenced host not found: "reviewz"');
  });

  it('prints slices with %v as Go does: [80 8080]', () => {
    assert.equal(formatTemplate(VirtualServiceDestinationPortSelectorRequired.template, ['reviews', [80, 8080]]),
      'This VirtualService routes to a service "reviews" that exposes multiple ports [80 8080]. Specifying a port in the destination is required to disambiguate.');
  });

  it('formats %d, %t and a literal %%', () => {
    assert.equal(formatTemplate('%d%% %t', [5, true]), '5% true');
  });
});

describe('message types', () => {
  it('keep Istio\'s codes unique and ordered', () => {
    const codes = ALL_MESSAGE_TYPES.map((t) => t.code);
    assert.deepEqual(codes, [...new Set(codes)].sort());
    assert.ok(codes.includes('IST0101') && codes.includes('IST0106'));
  });
});
