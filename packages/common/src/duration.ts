/**
 * Go duration text (`300ms`, `1.5s`, `1m30s`, `2h`), the form Istio's CRDs
 * accept, to milliseconds. Returns undefined for anything else, so callers
 * word the error for their own field.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  let rest = text.startsWith('+') ? text.slice(1) : text;
  if (rest.startsWith('-')) return undefined; // Istio rejects negative durations everywhere.
  if (rest === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  while (at < rest.length) {
    PART.lastIndex = at;
    const m = PART.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = PART.lastIndex;
  }
  return total;
}

/** Formats milliseconds the way Envoy and istioctl print durations (`10s`, `1.5s`, `250ms`). */
export function formatDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
