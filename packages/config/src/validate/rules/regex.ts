/**
 * RE2 syntax check (what Envoy and Istio's Go validation compile), with Go's
 * regexp error wording. JavaScript accepts constructs RE2 rejects — lookahead
 * `(?=`, lookbehind `(?<=`, backreferences `\1`, `(?<name>` groups — so
 * compiling with `new RegExp` is not enough; this walks the pattern instead.
 */

const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const SIMPLE_ESCAPES = new Set(['a', 'f', 't', 'n', 'r', 'v']);
const ASSERTIONS = new Set(['b', 'B', 'A', 'z']);
const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const MAX_REPEAT = 1000;

/** Returns Go's `error parsing regexp: ...` text, or undefined when RE2 accepts the pattern. */
export function re2SyntaxError(pattern: string): string | undefined {
  const err = (code: string, expr: string) => `error parsing regexp: ${code}: \`${expr}\``;
  let depth = 0;
  /** Whether the previous item can take a repetition operator. */
  let canRepeat = false;
  /** Whether the previous item was itself a repetition (for `**`, `++`). */
  let lastWasRepeat = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      const e = readEscape(pattern, i, false);
      if ('error' in e) return err(e.error, e.expr);
      canRepeat = !e.assertion;
      lastWasRepeat = false;
      i = e.end;
      continue;
    }
    if (c === '[') {
      const end = readClass(pattern, i);
      if (typeof end !== 'number') return err(end.error, end.expr);
      i = end;
      canRepeat = true;
      lastWasRepeat = false;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const g = readGroupFlags(pattern, i);
        if ('error' in g) return err(g.error, g.expr);
        i = g.end;
        if (g.opensGroup) depth++;
        canRepeat = false;
        lastWasRepeat = false;
        continue;
      }
      depth++;
      i++;
      canRepeat = false;
      lastWasRepeat = false;
      continue;
    }
    if (c === ')') {
      if (depth === 0) return err('unexpected )', pattern);
      depth--;
      i++;
      canRepeat = true;
      lastWasRepeat = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      const op = pattern.slice(i, i + 2);
      if (lastWasRepeat && pattern[i - 1] !== '?') return err('invalid nested repetition operator', pattern.slice(i - 1, i + 1));
      if (!canRepeat) return err('missing argument to repetition operator', c);
      i++;
      if (pattern[i] === '?') i++; // non-greedy
      lastWasRepeat = true;
      canRepeat = false;
      void op;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m) {
        if (lastWasRepeat) return err('invalid nested repetition operator', m[0]);
        if (!canRepeat) return err('missing argument to repetition operator', m[0]);
        const min = Number(m[1]);
        const max = m[3] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) return err('invalid repeat count', m[0]);
        i += m[0].length;
        if (pattern[i] === '?') i++;
        lastWasRepeat = true;
        canRepeat = false;
        continue;
      }
      // A `{` that does not start a repeat is a literal in RE2.
    }
    if (c === '|') {
      canRepeat = false;
      lastWasRepeat = false;
      i++;
      continue;
    }
    canRepeat = c !== '^' && c !== '$';
    lastWasRepeat = false;
    i += c.length;
  }
  if (depth > 0) return err('missing closing )', pattern);
  return undefined;
}

type EscapeResult = { end: number; assertion: boolean } | { error: string; expr: string };

function readEscape(p: string, at: number, inClass: boolean): EscapeResult {
  const c = p[at + 1];
  if (c === undefined) return { error: 'trailing backslash at end of expression', expr: '' };
  if (c === 'Q' && !inClass) {
    const close = p.indexOf('\\E', at + 2);
    return { end: close < 0 ? p.length : close + 2, assertion: false };
  }
  if (/[1-9]/.test(c)) return { error: 'invalid escape sequence', expr: `\\${c}` };
  if (c === '0') {
    let end = at + 2;
    while (end < at + 4 && /[0-7]/.test(p[end] ?? '')) end++;
    return { end, assertion: false };
  }
  if (c === 'x') {
    if (p[at + 2] === '{') {
      const close = p.indexOf('}', at + 3);
      const hex = close < 0 ? '' : p.slice(at + 3, close);
      if (close < 0 || !/^[0-9A-Fa-f]{1,6}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) return { error: 'invalid escape sequence', expr: p.slice(at, close < 0 ? p.length : close + 1) };
      return { end: close + 1, assertion: false };
    }
    if (!/^[0-9A-Fa-f]{2}$/.test(p.slice(at + 2, at + 4))) return { error: 'invalid escape sequence', expr: p.slice(at, at + 4) };
    return { end: at + 4, assertion: false };
  }
  if (c === 'p' || c === 'P') {
    if (p[at + 2] === '{') {
      const close = p.indexOf('}', at + 3);
      if (close < 0) return { error: 'invalid character class range', expr: p.slice(at) };
      return { end: close + 1, assertion: false };
    }
    if (!/[A-Za-z]/.test(p[at + 2] ?? '')) return { error: 'invalid character class range', expr: p.slice(at, at + 3) };
    return { end: at + 3, assertion: false };
  }
  if (PERL_CLASSES.has(c) || SIMPLE_ESCAPES.has(c)) return { end: at + 2, assertion: false };
  if (!inClass && (ASSERTIONS.has(c) || c === 'C')) return { end: at + 2, assertion: c !== 'C' };
  // Any punctuation may be escaped; letters and digits not listed above may not (`\k`, `\u`, `\c`...).
  if (/[A-Za-z0-9]/.test(c)) return { error: 'invalid escape sequence', expr: `\\${c}` };
  return { end: at + 2 + (c.length - 1), assertion: false };
}

function readClass(p: string, at: number): number | { error: string; expr: string } {
  let i = at + 1;
  if (p[i] === '^') i++;
  // A `]` right after `[` or `[^` is a literal.
  if (p[i] === ']') i++;
  while (i < p.length) {
    const c = p[i];
    if (c === ']') return i + 1;
    if (c === '\\') {
      const e = readEscape(p, i, true);
      if ('error' in e) return e;
      i = e.end;
      continue;
    }
    if (c === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close > 0) {
        const name = p.slice(i + 2, close).replace(/^\^/, '');
        if (!POSIX_CLASSES.has(name)) return { error: 'invalid character class range', expr: p.slice(i, close + 2) };
        i = close + 2;
        continue;
      }
    }
    i++;
  }
  return { error: 'missing closing ]', expr: p.slice(at) };
}

type GroupResult = { end: number; opensGroup: boolean } | { error: string; expr: string };

/** `(?:`, `(?P<name>`, `(?flags)`, `(?flags:`; anything else is Perl syntax RE2 lacks. */
function readGroupFlags(p: string, at: number): GroupResult {
  const rest = p.slice(at);
  const named = /^\(\?P<([A-Za-z0-9_]*)>/.exec(rest);
  if (named) {
    if (named[1] === '' || /^\d/.test(named[1])) return { error: 'invalid named capture', expr: named[0] };
    return { end: at + named[0].length, opensGroup: true };
  }
  if (rest.startsWith('(?P')) return { error: 'invalid named capture', expr: rest.slice(0, 4) };
  const flags = /^\(\?(-?[imsU]+|[imsU]+-[imsU]*|)(:|\))/.exec(rest);
  if (flags) {
    if (flags[1] === '' && flags[2] === ')') return { error: 'missing argument to repetition operator', expr: '?' };
    if (flags[1].endsWith('-') && flags[2] === ')') return { error: 'invalid or unsupported Perl syntax', expr: flags[0] };
    return { end: at + flags[0].length, opensGroup: flags[2] === ':' };
  }
  return { error: 'invalid or unsupported Perl syntax', expr: rest.slice(0, 3) };
}
