/**
 * Istio's unreachable-rule checks on a VirtualService (pkg/config/validation
 * analyzeUnreachable{HTTP,TCP,TLS}Rules, surfaced by istioctl analyze as
 * IST0130 and IST0131). Within each of http, tcp and tls, in order:
 *  - a rule without matches catches everything, so a later rule without
 *    matches is unreachable ("only the last rule can have no matches"), and
 *    so is every match of a later rule ("route without matches defined
 *    before");
 *  - a match identical to one of an earlier rule is ineffective (IST0131),
 *    and a rule whose matches all are is unreachable ("all matches used by
 *    prior rules").
 * Matches are compared by content (an HTTP match's `name` ignored, key order
 * irrelevant), as Istio compares their JSON. Istio's further check for
 * overlapping URI prefixes is not done here.
 */
import { VirtualServiceKind, type VirtualService } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { AnalyzedResource, Analyzer, AnalysisContext } from '../../analyzer.ts';
import { VirtualServiceIneffectiveMatch, VirtualServiceUnreachableRule } from '../../messages.gen.ts';

export const unreachableRulesAnalyzer: Analyzer = {
  name: 'virtualservice.UnreachableRulesAnalyzer',
  description: 'Checks that every VirtualService rule and match can be reached',
  inputs: [VirtualServiceKind],
  analyze(ctx) {
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const spec = vs.object.spec ?? {};
      checkRules(ctx, vs, 'http', (spec.http ?? []) as readonly Rule[]);
      checkRules(ctx, vs, 'tcp', (spec.tcp ?? []) as readonly Rule[]);
      checkRules(ctx, vs, 'tls', (spec.tls ?? []) as readonly Rule[]);
    }
  },
};

interface Rule {
  readonly name?: string;
  readonly match?: readonly (Readonly<Record<string, unknown>> & { readonly name?: string })[];
}

function checkRules(ctx: AnalysisContext, vs: AnalyzedResource, section: 'http' | 'tcp' | 'tls', rules: readonly Rule[]): void {
  const named = section === 'http';
  const ruleName = (i: number) => (named && rules[i].name ? JSON.stringify(rules[i].name) : `#${i}`);
  const seen = new Map<string, number>();
  let catchAll = -1;
  rules.forEach((rule, i) => {
    const path: FieldPath = ['spec', section, i];
    const matches = rule.match ?? [];
    if (matches.length === 0) {
      if (catchAll >= 0) ctx.report(VirtualServiceUnreachableRule, vs, path, ruleName(i), 'only the last rule can have no matches');
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, j) => {
      if (catchAll >= 0) {
        ctx.report(VirtualServiceUnreachableRule, vs, [...path, 'match', j], ruleName(i), 'route without matches defined before');
        return;
      }
      const key = canonical(named ? { ...match, name: undefined } : match);
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, i);
        return;
      }
      duplicates++;
      const matchName = named && match.name ? JSON.stringify(match.name) : `#${j}`;
      ctx.report(VirtualServiceIneffectiveMatch, vs, [...path, 'match', j], ruleName(i), matchName, ruleName(earlier));
    });
    if (duplicates === matches.length) ctx.report(VirtualServiceUnreachableRule, vs, path, ruleName(i), 'all matches used by prior rules');
  });
}

/** JSON with object keys sorted and undefined members dropped, so equal matches serialize equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
