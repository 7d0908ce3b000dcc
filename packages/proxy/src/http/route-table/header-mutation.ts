/**
 * Header mutations from a matched route, applied as Envoy applies them
 * with most_specific_header_mutations_wins off: the weighted cluster's
 * first, then the route's, the virtual host's and the route configuration's,
 * so the least specific level has the last word. At each level removals
 * run before additions. Header maps are lower-case name → values.
 */
import type { HeaderMutationsConfig, HeaderValueOptionConfig } from './types.ts';

export type HeaderValues = Map<string, string[]>;

export type MutationLevel = Pick<HeaderMutationsConfig, 'requestHeadersToAdd' | 'requestHeadersToRemove'> | Pick<HeaderMutationsConfig, 'responseHeadersToAdd' | 'responseHeadersToRemove'>;

/** Applies request-side mutations of `levels` (most specific first) to a copy of `headers`. */
export function applyRequestMutations(headers: HeaderValues, levels: readonly (HeaderMutationsConfig | undefined)[]): HeaderValues {
  const out = new Map([...headers].map(([k, v]) => [k, [...v]]));
  for (const l of levels) if (l) applyLevel(out, l.requestHeadersToRemove, l.requestHeadersToAdd);
  return out;
}

/** Applies response-side mutations of `levels` (most specific first) to a copy of `headers`. */
export function applyResponseMutations(headers: HeaderValues, levels: readonly (HeaderMutationsConfig | undefined)[]): HeaderValues {
  const out = new Map([...headers].map(([k, v]) => [k, [...v]]));
  for (const l of levels) if (l) applyLevel(out, l.responseHeadersToRemove, l.responseHeadersToAdd);
  return out;
}

function applyLevel(headers: HeaderValues, remove: readonly string[], add: readonly HeaderValueOptionConfig[]): void {
  for (const name of remove) headers.delete(name);
  for (const { key, value, appendAction } of add) {
    const existing = headers.get(key);
    switch (appendAction) {
      case 'APPEND_IF_EXISTS_OR_ADD': headers.set(key, [...(existing ?? []), value]); break;
      case 'ADD_IF_ABSENT': if (!existing) headers.set(key, [value]); break;
      case 'OVERWRITE_IF_EXISTS_OR_ADD': headers.set(key, [value]); break;
      case 'OVERWRITE_IF_EXISTS': if (existing) headers.set(key, [value]); break;
    }
  }
}
