import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabelSelector, parseLabelSelector, type LabelSelector } from './label-selector.ts';

function parsed(text: string): LabelSelector {
  const result = parseLabelSelector(text);
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse: ${result.ok ? '' : result.errors.join('; ')}`);
  return result.value;
}

function parseError(text: string): string {
  const result = parseLabelSelector(text);
  assert.ok(!result.ok, `expected ${JSON.stringify(text)} to be refused`);
  return result.errors.join('; ');
}

const matches = (text: string, labels?: Record<string, string>): boolean => matchesLabelSelector(parsed(text), labels);

describe('parseLabelSelector', () => {
  it('parses every operator into requirements', () => {
    assert.deepEqual(parsed('a=b, c==d,e!=f, g in (x, y), h notin (z), i, !j').requirements, [
      { key: 'a', operator: 'equals', values: ['b'] },
      { key: 'c', operator: 'equals', values: ['d'] },
      { key: 'e', operator: 'notEquals', values: ['f'] },
      { key: 'g', operator: 'in', values: ['x', 'y'] },
      { key: 'h', operator: 'notIn', values: ['z'] },
      { key: 'i', operator: 'exists', values: [] },
      { key: 'j', operator: 'doesNotExist', values: [] },
    ]);
  });

  it('accepts prefixed keys and the empty value after "="', () => {
    assert.deepEqual(parsed('app.kubernetes.io/name=reviews,tier=').requirements, [
      { key: 'app.kubernetes.io/name', operator: 'equals', values: ['reviews'] },
      { key: 'tier', operator: 'equals', values: [''] },
    ]);
  });

  it('treats the empty and all-blank selector as matching everything', () => {
    assert.deepEqual(parsed('').requirements, []);
    assert.deepEqual(parsed('   ').requirements, []);
  });

  it('names the selector, the column and what was expected on bad syntax', () => {
    assert.equal(parseError('a in x'), 'invalid label selector "a in x": expected "(" after "in", found "x" at column 6');
    assert.equal(parseError('a in (x'), 'invalid label selector "a in (x": expected "," or ")", found end of selector at column 8');
    assert.equal(parseError('a in ()'), 'invalid label selector "a in ()": expected a label value, found ")" at column 7');
    assert.equal(parseError('a,'), 'invalid label selector "a,": expected a label key, found end of selector at column 3');
    assert.equal(parseError('a b'), 'invalid label selector "a b": expected "=", "==", "!=", "in", "notin", "," or end of selector, found "b" at column 3');
    assert.equal(parseError('a=b c'), 'invalid label selector "a=b c": expected "," or end of selector, found "c" at column 5');
    assert.equal(parseError('!'), 'invalid label selector "!": expected a label key, found end of selector at column 2');
    assert.equal(parseError('=b'), 'invalid label selector "=b": expected a label key, found "=" at column 1');
  });

  it('refuses keys and values that are not valid labels', () => {
    assert.match(parseError('-a=b'), /"-a" is not a valid label key/);
    assert.match(parseError('a=b$'), /"b\$" is not a valid label value/);
    assert.match(parseError(`a=${'x'.repeat(64)}`), /is not a valid label value/);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { app: 'reviews', version: 'v2' };

  it('matches equality with "=" and "==" and requires the key', () => {
    assert.equal(matches('app=reviews', labels), true);
    assert.equal(matches('app==reviews', labels), true);
    assert.equal(matches('app=ratings', labels), false);
    assert.equal(matches('team=a', labels), false);
  });

  it('matches "!=" and "notin" also when the key is absent', () => {
    assert.equal(matches('app!=ratings', labels), true);
    assert.equal(matches('app!=reviews', labels), false);
    assert.equal(matches('team!=a', labels), true);
    assert.equal(matches('team notin (a)', labels), true);
    assert.equal(matches('version notin (v1,v2)', labels), false);
  });

  it('matches set membership with "in"', () => {
    assert.equal(matches('version in (v1,v2)', labels), true);
    assert.equal(matches('version in (v1,v3)', labels), false);
    assert.equal(matches('team in (a)', labels), false);
  });

  it('matches existence and absence', () => {
    assert.equal(matches('app', labels), true);
    assert.equal(matches('!app', labels), false);
    assert.equal(matches('!canary', labels), true);
    assert.equal(matches('canary', labels), false);
  });

  it('ANDs requirements and matches objects without labels only where absence is allowed', () => {
    assert.equal(matches('app=reviews,version in (v1,v2),!canary', labels), true);
    assert.equal(matches('app=reviews,version=v1', labels), false);
    assert.equal(matches('', undefined), true);
    assert.equal(matches('!app', undefined), true);
    assert.equal(matches('app', undefined), false);
  });

  it('matches the empty value only when the label is present and empty', () => {
    assert.equal(matches('tier=', { tier: '' }), true);
    assert.equal(matches('tier=', {}), false);
  });
});
