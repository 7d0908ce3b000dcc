/** Telemetry: Istio's ValidateTelemetry (tracing, metrics and access logging rules). */
import type { ResourceObject, Telemetry } from '@skiff/api';
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateOneOfSelectorType, validatePolicyTargetReference, validatePolicyTargetReferences, validateWorkloadSelector } from '../rules/selector-labels.ts';
import { parseDurationMs } from '@skiff/common';

export function validateTelemetry(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as Telemetry;
  validateOneOfSelectorType(spec, ['spec'], issues);
  validateWorkloadSelector(spec.selector, ['spec', 'selector'], issues);
  validatePolicyTargetReference(spec.targetRef, ['spec', 'targetRef'], issues);
  validatePolicyTargetReferences(spec.targetRefs, ['spec', 'targetRefs'], issues);

  const tracing = spec.tracing ?? [];
  if (tracing.length > 1) issues.warning(['spec', 'tracing'], 'multiple tracing is not currently supported; put providers and randomSamplingPercentage in one entry');
  tracing.forEach((t, i) => {
    const at = ['spec', 'tracing', i] as const;
    validateProviders(t.providers, [...at, 'providers'], issues);
    if ((t.providers?.length ?? 0) > 1) issues.warning([...at, 'providers'], 'multiple providers is not currently supported');
    const pct = t.randomSamplingPercentage;
    if (pct !== undefined && !(pct >= 0 && pct <= 100)) issues.error([...at, 'randomSamplingPercentage'], 'randomSamplingPercentage must be in range [0.0, 100.0]');
    for (const [name, tag] of Object.entries(t.customTags ?? {})) {
      const tp = [...at, 'customTags', name];
      if (name === '') issues.error([...at, 'customTags'], 'tag name required');
      if (!tag.literal && !tag.environment && !tag.header) issues.error(tp, `tag '${name}' may not have a nil value`);
      if (tag.literal && !tag.literal.value) issues.error([...tp, 'literal', 'value'], 'literal tag value may not be empty');
      if (tag.header && !tag.header.name) issues.error([...tp, 'header', 'name'], 'header tag name may not be empty');
      if (tag.environment && !tag.environment.name) issues.error([...tp, 'environment', 'name'], 'environment tag name may not be empty');
    }
  });

  (spec.metrics ?? []).forEach((m, i) => {
    const at = ['spec', 'metrics', i] as const;
    validateProviders(m.providers, [...at, 'providers'], issues);
    if (m.reportingInterval !== undefined && !((parseDurationMs(m.reportingInterval) ?? 0) > 0)) {
      issues.error([...at, 'reportingInterval'], 'reportingInterval must be greater than 0');
    }
    (m.overrides ?? []).forEach((o, j) => {
      const op = [...at, 'overrides', j];
      if (o.match?.customMetric === '') issues.error([...op, 'match', 'customMetric'], 'customMetric must not be empty');
      for (const [tag, override] of Object.entries(o.tagOverrides ?? {})) {
        const tp = [...op, 'tagOverrides', tag];
        if (tag === '') issues.error([...op, 'tagOverrides'], 'tagOverrides keys must not be empty');
        const operation = override.operation ?? 'UPSERT';
        if (operation === 'UPSERT' && !override.value) issues.error([...tp, 'value'], 'value must be set when operation is UPSERT');
        if (operation === 'REMOVE' && override.value !== undefined) issues.error([...tp, 'value'], 'value must not be set when operation is REMOVE');
      }
    });
  });

  (spec.accessLogging ?? []).forEach((l, i) => {
    const at = ['spec', 'accessLogging', i] as const;
    validateProviders(l.providers, [...at, 'providers'], issues);
    const expr = l.filter?.expression;
    if (l.filter && !expr) issues.error([...at, 'filter', 'expression'], 'filter expression must not be empty');
    else if (expr && !balanced(expr)) issues.error([...at, 'filter', 'expression'], `invalid filter expression "${expr}": unbalanced parentheses, brackets or quotes`);
  });
}

function validateProviders(providers: readonly { name?: string }[] | undefined, path: FieldPath, issues: IssueCollector): void {
  (providers ?? []).forEach((p, j) => {
    if (!p.name || p.name.trim() === '') issues.error([...path, j, 'name'], 'provider name must be set');
  });
}

/** A cheap syntax check of a CEL expression: brackets and quotes pair up. */
function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return quote === undefined && stack.length === 0;
}
