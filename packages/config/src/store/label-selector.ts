/**
 * Kubernetes label selectors in their string form (`app=reviews,version in
 * (v1,v2),!canary`), parsed once into requirements and matched against an
 * object's labels with the API server's semantics: requirements are ANDed,
 * `!=` and `notin` also match objects that lack the key, the empty selector
 * matches everything. Keys and values must be valid label keys and values.
 */
import { fail, ok, type Result } from '@skiff/common';
import { isLabelKey, isLabelValue } from '../validate/rules/names.ts';

export type LabelOperator = 'exists' | 'doesNotExist' | 'equals' | 'notEquals' | 'in' | 'notIn';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** One value for equals/notEquals, one or more for in/notIn, none for exists/doesNotExist. */
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** All must hold; none means "everything". */
  readonly requirements: readonly LabelRequirement[];
}

export const EVERYTHING: LabelSelector = { requirements: [] };

type Token =
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'op'; readonly text: '=' | '==' | '!=' | '!' | '(' | ')' | ','; readonly at: number }
  | { readonly type: 'end'; readonly text: ''; readonly at: number };

const SPECIAL = new Set(['=', '!', '(', ')', ',', ' ', '\t', '\n', '\r']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '=' || c === '!') {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ type: 'op', text: two, at: i });
        i += 2;
      } else {
        tokens.push({ type: 'op', text: c, at: i });
        i++;
      }
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'op', text: c, at: i });
      i++;
    } else {
      const start = i;
      while (i < text.length && !SPECIAL.has(text[i])) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), at: start });
    }
  }
  tokens.push({ type: 'end', text: '', at: text.length });
  return tokens;
}

class SelectorSyntaxError extends Error {}

/** Parses the string form; every error names the selector, the position and what was expected. */
export function parseLabelSelector(text: string): Result<LabelSelector> {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const describe = (t: Token): string => (t.type === 'end' ? 'end of selector' : `"${t.text}"`);
  const expected = (what: string, t: Token): never => {
    throw new SelectorSyntaxError(`invalid label selector ${JSON.stringify(text)}: expected ${what}, found ${describe(t)} at column ${t.at + 1}`);
  };
  const key = (t: Token): string => {
    if (t.type !== 'word') return expected('a label key', t);
    if (!isLabelKey(t.text)) {
      throw new SelectorSyntaxError(`invalid label selector ${JSON.stringify(text)}: ${JSON.stringify(t.text)} is not a valid label key (name part of 63 characters or less: alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric; optional DNS subdomain prefix and '/')`);
    }
    return t.text;
  };
  const value = (t: Token): string => {
    if (!isLabelValue(t.text)) {
      throw new SelectorSyntaxError(`invalid label selector ${JSON.stringify(text)}: ${JSON.stringify(t.text)} is not a valid label value (63 characters or less, empty or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`);
    }
    return t.text;
  };
  const valueSet = (operator: 'in' | 'notIn'): string[] => {
    const open = next();
    if (open.text !== '(') expected(`"(" after "${operator === 'in' ? 'in' : 'notin'}"`, open);
    const values: string[] = [];
    for (;;) {
      const t = next();
      if (t.type !== 'word') expected('a label value', t);
      values.push(value(t));
      const sep = next();
      if (sep.text === ')') return values;
      if (sep.text !== ',') expected('"," or ")"', sep);
    }
  };
  const requirement = (): LabelRequirement => {
    const first = next();
    if (first.text === '!') return { key: key(next()), operator: 'doesNotExist', values: [] };
    const k = key(first);
    const op = peek();
    if (op.type === 'end' || op.text === ',') return { key: k, operator: 'exists', values: [] };
    pos++;
    if (op.text === '=' || op.text === '==' || op.text === '!=') {
      // `a=` selects the empty value, as in Kubernetes.
      const v = peek().type === 'word' ? value(next()) : '';
      return { key: k, operator: op.text === '!=' ? 'notEquals' : 'equals', values: [v] };
    }
    if (op.type === 'word' && op.text === 'in') return { key: k, operator: 'in', values: valueSet('in') };
    if (op.type === 'word' && op.text === 'notin') return { key: k, operator: 'notIn', values: valueSet('notIn') };
    return expected('"=", "==", "!=", "in", "notin", "," or end of selector', op);
  };

  try {
    if (peek().type === 'end') return ok(EVERYTHING);
    const requirements: LabelRequirement[] = [requirement()];
    for (;;) {
      const t = next();
      if (t.type === 'end') return ok({ requirements });
      if (t.text !== ',') expected('"," or end of selector', t);
      requirements.push(requirement());
    }
  } catch (err) {
    if (err instanceof SelectorSyntaxError) return fail(err.message);
    throw err;
  }
}

export function matchesLabelSelector(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const own = labels ?? {};
  return selector.requirements.every((r) => {
    const has = Object.hasOwn(own, r.key);
    const v = has ? own[r.key] : undefined;
    switch (r.operator) {
      case 'exists': return has;
      case 'doesNotExist': return !has;
      case 'equals': return has && v === r.values[0];
      case 'notEquals': return !has || v !== r.values[0];
      case 'in': return has && r.values.includes(v as string);
      case 'notIn': return !has || !r.values.includes(v as string);
    }
  });
}
