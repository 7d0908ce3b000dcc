/**
 * IST0106 SchemaValidationError and IST0133 SchemaWarning: every problem the
 * parser and the per-kind validators found (Istio's schema.ValidationAnalyzer),
 * at the line of the field, on the object it belongs to.
 */
import { ALL_KINDS } from '@skiff/api';
import type { Analyzer, MessageOrigin } from '../../analyzer.ts';
import type { ConfigIssue } from '../../../parse/issue.ts';
import { SchemaValidationError, SchemaWarning } from '../../messages.gen.ts';

export const schemaValidationAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer',
  description: 'Runs schema validation as an analyzer and reports any violations as messages',
  inputs: [],
  analyze(ctx) {
    for (const issue of ctx.parseIssues) {
      const text = issue.field ? `${issue.field}: ${issue.message}` : issue.message;
      const origin = originOf(issue, ctx.defaultNamespace);
      if (issue.severity === 'error') ctx.reportAt(SchemaValidationError, origin, issue.source, text);
      else ctx.reportAt(SchemaWarning, origin, issue.source, text);
    }
  },
};

function originOf(issue: ConfigIssue, defaultNamespace: string): MessageOrigin | undefined {
  const ref = issue.resource;
  if (!ref) return undefined;
  const definition = ALL_KINDS.find((k) => k.kind === ref.kind);
  const namespaced = definition ? definition.namespaced : ref.kind !== 'Namespace';
  return { kind: ref.kind, namespace: namespaced ? ref.namespace ?? defaultNamespace : undefined, name: ref.name ?? '<unnamed>', namespaced };
}
