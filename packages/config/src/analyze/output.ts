/**
 * The three output formats of `istioctl analyze`, kept byte-compatible where
 * Istio defines them: the text line `Error [IST0101] (VirtualService
 * default/reviews vs.yaml:12) Referenced host not found: "reviewz"`, and JSON
 * or YAML lists of {code, documentationUrl, level, message, origin, reference}.
 * Messages are sorted as Istio sorts them: level, code, resource, text.
 */
import { stringify } from 'yaml';
import type { AnalysisMessage, MessageOrigin } from './analyzer.ts';
import { formatTemplate, LEVEL_ORDER } from './message-type.ts';

export type OutputFormat = 'text' | 'json' | 'yaml';

export const DOCUMENTATION_BASE = 'https://istio.io/latest/docs/reference/config/analysis';

export function messageText(m: AnalysisMessage): string {
  return formatTemplate(m.type.template, m.args);
}

/** `VirtualService default/reviews`, or `Namespace default` for cluster-scoped kinds. */
export function friendlyName(origin: MessageOrigin): string {
  return origin.namespace !== undefined ? `${origin.kind} ${origin.namespace}/${origin.name}` : `${origin.kind} ${origin.name}`;
}

function reference(m: AnalysisMessage): string | undefined {
  return m.position ? `${m.position.file}:${m.position.line}` : undefined;
}

/** One line, Istio's diag.Message String(). */
export function formatMessageLine(m: AnalysisMessage): string {
  const ref = reference(m);
  const where = m.origin ? [friendlyName(m.origin), ref].filter(Boolean).join(' ') : ref;
  return `${m.type.level} [${m.type.code}]${where ? ` (${where})` : ''} ${messageText(m)}`;
}

/** Istio's Unstructured(): keys in Go's (sorted) map order. */
export function messageRecord(m: AnalysisMessage): Record<string, string> {
  const record: Record<string, string> = {
    code: m.type.code,
    documentationUrl: `${DOCUMENTATION_BASE}/${m.type.code.toLowerCase()}/`,
    level: m.type.level,
    message: messageText(m),
  };
  if (m.origin) record.origin = friendlyName(m.origin);
  const ref = reference(m);
  if (ref) record.reference = ref;
  return record;
}

export function formatMessages(messages: readonly AnalysisMessage[], format: OutputFormat): string {
  switch (format) {
    case 'json': return `${JSON.stringify(messages.map(messageRecord), null, '\t')}\n`;
    case 'yaml': return messages.length === 0 ? '[]\n' : stringify(messages.map(messageRecord), { lineWidth: 0 });
    default: return messages.map((m) => `${formatMessageLine(m)}\n`).join('');
  }
}

/** Istio's Messages.Sort, then the duplicates two analyzers may both report are dropped. */
export function sortMessages(messages: readonly AnalysisMessage[]): AnalysisMessage[] {
  const sorted = [...messages].sort(compareMessages);
  const seen = new Set<string>();
  return sorted.filter((m) => {
    const line = `${formatMessageLine(m)}\u0000${m.position?.column ?? ''}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

function compareMessages(a: AnalysisMessage, b: AnalysisMessage): number {
  if (a.type.level !== b.type.level) return LEVEL_ORDER[a.type.level] - LEVEL_ORDER[b.type.level];
  if (a.type.code !== b.type.code) return a.type.code < b.type.code ? -1 : 1;
  if (!a.origin !== !b.origin) return a.origin ? 1 : -1;
  const ca = a.origin ? comparator(a.origin) : '';
  const cb = b.origin ? comparator(b.origin) : '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  const la = formatMessageLine(a);
  const lb = formatMessageLine(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return (a.position?.line ?? 0) - (b.position?.line ?? 0);
}

function comparator(origin: MessageOrigin): string {
  return `${origin.kind}/${origin.namespace ?? ''}/${origin.name}`;
}
