/**
 * An analysis message type (Istio's diag.MessageType): a stable code such as
 * IST0101, a level, and a Go-style template. The definitions live in
 * messages.yaml; messages.gen.ts turns each into a typed constant so that
 * `report(ReferencedResourceNotFound, r, path, 'host', 'reviewz')` checks the
 * arguments against the template at compile time.
 */
export type Level = 'Error' | 'Warning' | 'Info';

/** Istio's order for sorting and thresholds: Error first. */
export const LEVEL_ORDER: Readonly<Record<Level, number>> = { Error: 0, Warning: 1, Info: 2 };

export interface MessageArg {
  readonly name: string;
  /** The Go type in messages.yaml: string, error, int, int32, bool, []string, []int, []int32. */
  readonly type: string;
}

/** `Args` is the tuple of argument types the template takes, in order. */
export interface MessageType<Args extends readonly unknown[] = readonly unknown[]> {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  readonly template: string;
  readonly args: readonly MessageArg[];
  /** Phantom: carries `Args` for type checking; never set at run time. */
  readonly __args?: Args;
}

/**
 * Formats a Go fmt template as Istio does for the verbs its messages use:
 * %s and %v (slices print as `[a b]`), %q (double-quoted), %d, %t, %%.
 */
export function formatTemplate(template: string, args: readonly unknown[]): string {
  let next = 0;
  return template.replace(/%([svqdt%])/g, (_match, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++];
    switch (verb) {
      case 'q': return quote(value);
      case 'd': return String(value);
      case 't': return String(Boolean(value));
      default: return goValue(value);
    }
  });
}

function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (value instanceof Error) return value.message;
  return String(value);
}

/** Go's %q: a double-quoted string with Go escapes; slices quote each element. */
function quote(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(quote).join(' ')}]`;
  return JSON.stringify(goValue(value));
}
