/**
 * `--suppress CODE=Kind ns/name`: silences one message code on matching
 * resources. Istio's own form `CODE=Kind name.namespace` is accepted too, and
 * `*` matches any run of characters in the name and namespace parts.
 */
import { fail, ok, type Result } from '@skiff/common';
import type { AnalysisMessage } from './analyzer.ts';

export interface Suppression {
  readonly code: string;
  readonly kind: string;
  readonly name: RegExp;
  /** Undefined when the target named no namespace: matches any namespace, and cluster-scoped resources. */
  readonly namespace?: RegExp;
  /** As the user wrote it. */
  readonly text: string;
}

export function parseSuppression(text: string): Result<Suppression, string> {
  const eq = text.indexOf('=');
  const code = text.slice(0, eq).trim();
  const target = text.slice(eq + 1).trim();
  const space = target.indexOf(' ');
  if (eq <= 0 || code === '' || space <= 0) {
    return fail(`${text} is not a valid suppression value. Use CODE=Kind namespace/name (e.g. "IST0102=Namespace default" or "IST0101=VirtualService default/reviews")`);
  }
  const kind = target.slice(0, space);
  const rest = target.slice(space + 1).trim();
  const slash = rest.indexOf('/');
  if (slash >= 0) return ok({ code, kind, namespace: glob(rest.slice(0, slash)), name: glob(rest.slice(slash + 1)), text });
  const dot = rest.lastIndexOf('.');
  if (dot > 0) return ok({ code, kind, name: glob(rest.slice(0, dot)), namespace: glob(rest.slice(dot + 1)), text });
  return ok({ code, kind, name: glob(rest), text });
}

export function isSuppressed(message: AnalysisMessage, suppressions: readonly Suppression[]): boolean {
  const origin = message.origin;
  if (!origin) return false;
  return suppressions.some((s) =>
    s.code === message.type.code &&
    s.kind === origin.kind &&
    s.name.test(origin.name) &&
    (s.namespace === undefined || (origin.namespace !== undefined && s.namespace.test(origin.namespace))));
}

function glob(pattern: string): RegExp {
  const escaped = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`);
}
