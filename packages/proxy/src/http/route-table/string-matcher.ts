/**
 * Envoy's StringMatcher (envoy.type.matcher.v3.StringMatcher), compiled once:
 * exact, prefix, suffix and contains with optional ignore_case, and
 * safe_regex matching the whole value.
 */
import { compileRe2 } from './re2.ts';
import type { StringMatcherConfig } from './types.ts';

export type CompiledStringMatcher = (value: string) => boolean;

export function compileStringMatcher(m: StringMatcherConfig): CompiledStringMatcher {
  if (m.kind === 'safeRegex') {
    const compiled = compileRe2(m.regex);
    // parseRouteConfiguration rejected invalid patterns, so this never fails here.
    const re = compiled.ok ? compiled.value : /$^/;
    return (v) => re.test(v);
  }
  const want = m.ignoreCase ? m.value.toLowerCase() : m.value;
  const norm = m.ignoreCase ? (v: string) => v.toLowerCase() : (v: string) => v;
  switch (m.kind) {
    case 'exact': return (v) => norm(v) === want;
    case 'prefix': return (v) => norm(v).startsWith(want);
    case 'suffix': return (v) => norm(v).endsWith(want);
    case 'contains': return (v) => norm(v).includes(want);
  }
}
