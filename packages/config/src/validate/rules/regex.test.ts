import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { re2SyntaxError } from './regex.ts';

describe('re2SyntaxError', () => {
  const valid = ['/api/v[0-9]+/.*', '^(?P<id>\\d+)$', '(?i)abc', '(?i:abc)|x', '[[:alpha:]]+', '\\x41\\x{1F600}', 'a{2,5}?', '\\pL\\p{Greek}', '[]a]', '\\Q(?=\\E', 'a{,'];
  for (const re of valid) it(`accepts ${re}`, () => assert.equal(re2SyntaxError(re), undefined));

  const invalid: [string, string][] = [
    ['(?=x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(?!x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=x)y', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    ['(?<name>x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['\\k<a>', 'error parsing regexp: invalid escape sequence: `\\k`'],
    ['(abc', 'error parsing regexp: missing closing ): `(abc`'],
    ['abc)', 'error parsing regexp: unexpected ): `abc)`'],
    ['[abc', 'error parsing regexp: missing closing ]: `[abc`'],
    ['*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
  ];
  for (const [re, message] of invalid) it(`rejects ${re}`, () => assert.equal(re2SyntaxError(re), message));
});
