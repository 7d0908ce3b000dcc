/**
 * VirtualService `headers` → Envoy header mutations (Istio's
 * translateHeadersOperations): `set` overwrites, `add` appends, keys sorted;
 * a `:authority` or `host` key in request `set`/`add` becomes the authority
 * rewrite instead of an ordinary header when it is a pseudo-header.
 */
import type { Headers } from '@skiff/api';
import type { HeaderValueOptionWire } from './wire.ts';

export interface HeaderMutationsWire {
  readonly request_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly request_headers_to_remove?: readonly string[];
  readonly response_headers_to_add?: readonly HeaderValueOptionWire[];
  readonly response_headers_to_remove?: readonly string[];
}

export interface HeaderOperations {
  readonly mutations: HeaderMutationsWire;
  /** The authority a request `set`/`add` of `host` or `:authority` asks for; '' when none. */
  readonly authority: string;
}

export function buildHeaderOperations(headers: Headers | undefined): HeaderOperations {
  if (!headers) return { mutations: {}, authority: '' };
  const req = headers.request ?? {};
  const resp = headers.response ?? {};
  const reqSet = toOptions(req.set, true);
  const reqAdd = toOptions(req.add, false);
  const mutations: HeaderMutationsWire = {
    ...nonEmpty('request_headers_to_add', [...reqSet.options, ...reqAdd.options]),
    ...nonEmpty('request_headers_to_remove', req.remove ?? []),
    ...nonEmpty('response_headers_to_add', [...toOptions(resp.set, true).options, ...toOptions(resp.add, false).options]),
    ...nonEmpty('response_headers_to_remove', resp.remove ?? []),
  };
  return { mutations, authority: reqAdd.authority || reqSet.authority };
}

function toOptions(map: Readonly<Record<string, string>> | undefined, overwrite: boolean): { options: HeaderValueOptionWire[]; authority: string } {
  let authority = '';
  const options: HeaderValueOptionWire[] = [];
  for (const key of Object.keys(map ?? {}).sort()) {
    const value = map![key];
    const lower = key.toLowerCase();
    if (lower === ':authority' || lower === 'host') authority = value;
    if (key.startsWith(':')) continue;
    options.push(overwrite ? { header: { key, value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' } : { header: { key, value } });
  }
  return { options, authority };
}

function nonEmpty<K extends string, T>(key: K, list: readonly T[]): { [k in K]?: readonly T[] } {
  return (list.length > 0 ? { [key]: list } : {}) as { [k in K]?: readonly T[] };
}

/** Concatenates two mutation sets (route, then destination). */
export function mergeHeaderMutations(a: HeaderMutationsWire, b: HeaderMutationsWire): HeaderMutationsWire {
  const keys = ['request_headers_to_add', 'request_headers_to_remove', 'response_headers_to_add', 'response_headers_to_remove'] as const;
  const out: Record<string, readonly unknown[]> = {};
  for (const k of keys) {
    const list = [...(a[k] ?? []), ...(b[k] ?? [])];
    if (list.length > 0) out[k] = list;
  }
  return out as HeaderMutationsWire;
}
