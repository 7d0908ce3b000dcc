/**
 * RE2 patterns (Envoy's safe_regex, google_re2 engine) compiled to
 * JavaScript RegExps that match the whole input, as Envoy's regex matchers
 * do. RE2 has no backreferences or lookaround, so a pattern using them is
 * rejected as RE2 would reject it; RE2-only syntax is translated: a leading
 * `(?i)` or `(?s)` flag group, `(?P<name>`, `\A` and `\z`.
 */
import { fail, ok, type Result } from '@skiff/common';

const UNSUPPORTED: readonly [RegExp, string][] = [
  [/\(\?[=!]/, 'invalid perl operator: (?='],
  [/\(\?<[=!]/, 'invalid perl operator: (?<'],
  [/\\[1-9]/, 'invalid escape sequence: \\1'],
];

export function compileRe2(pattern: string): Result<RegExp> {
  let body = pattern;
  let flags = '';
  const leading = /^\(\?([is]+)\)/.exec(body);
  if (leading) {
    flags = [...new Set(leading[1])].join('');
    body = body.slice(leading[0].length);
  }
  for (const [re, reason] of UNSUPPORTED) if (re.test(body)) return fail(`Invalid regex '${pattern}': ${reason}`);
  body = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return ok(new RegExp(`^(?:${body})$`, flags));
  } catch (err) {
    return fail(`Invalid regex '${pattern}': ${(err as Error).message}`);
  }
}

/** Like RE2::GlobalReplace with full-pattern semantics off: replaces every match, `\1` → `$1`. */
export function compileRe2Substitution(pattern: string): Result<RegExp> {
  const full = compileRe2(pattern);
  if (!full.ok) return full;
  const source = full.value.source.slice(4, -2); // strip ^(?: … )$
  return ok(new RegExp(source, `${full.value.flags}g`));
}

export function re2Replace(re: RegExp, input: string, substitution: string): string {
  re.lastIndex = 0;
  return input.replace(re, substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1'));
}
