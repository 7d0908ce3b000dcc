/**
 * AuthorizationPolicy `when` keys and their values (Istio's
 * security.ValidateAttribute): which attributes exist, and what each
 * attribute's values must look like.
 */
import { isCidrOrIp } from '../rules/cidr.ts';

export interface ConditionError {
  readonly message: string;
  /** The key itself is wrong (unknown or malformed), not one of the values. */
  readonly onKey: boolean;
}

const PLAIN_KEYS = new Set(['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'connection.sni']);
const MAP_PREFIXES = ['request.headers', 'request.experimental.inline.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

export const SUPPORTED_CONDITION_KEYS = [
  'request.headers[<name>]', 'source.ip', 'remote.ip', 'source.namespace', 'source.serviceAccount', 'source.principal',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'request.auth.claims[<claim>]',
  'destination.ip', 'destination.port', 'connection.sni', 'experimental.envoy.filters.*',
] as const;

export function validateConditionKey(key: string, values: readonly string[]): ConditionError | undefined {
  if (values.some((v) => v === '')) return { message: `empty value not allowed, found in ${key}`, onKey: false };
  const prefix = MAP_PREFIXES.find((p) => key.startsWith(p));
  if (prefix) return mapKeyError(key);
  switch (key) {
    case 'source.ip':
    case 'remote.ip':
    case 'destination.ip': {
      const bad = values.find((v) => !isCidrOrIp(v));
      return bad === undefined ? undefined : { message: bad.includes('/') ? `bad CIDR range (${bad})` : `bad IP address (${bad})`, onKey: false };
    }
    case 'destination.port': {
      const bad = values.map(portError).find((e) => e !== undefined);
      return bad === undefined ? undefined : { message: bad, onKey: false };
    }
    case 'source.serviceAccount': {
      const bad = values.find((v) => v.includes('*') || v.split('/').length > 2 || v.split('/').some((p) => p === ''));
      return bad === undefined ? undefined : { message: `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${bad}" in ${key}`, onKey: false };
    }
    case 'destination.namespace':
      return { message: `attribute ${key} is replaced by the metadata.namespace`, onKey: true };
    case 'destination.name':
    case 'destination.user':
      return { message: `deprecated attribute ${key}: only supported in v1alpha1`, onKey: true };
  }
  if (PLAIN_KEYS.has(key)) return undefined;
  if (key.startsWith('destination.labels')) return { message: `attribute ${key} is replaced by the workload selector`, onKey: true };
  return { message: `unknown attribute: ${key}; supported keys are ${SUPPORTED_CONDITION_KEYS.join(', ')}`, onKey: true };
}

function mapKeyError(key: string): ConditionError | undefined {
  const open = key.indexOf('[');
  if (key.endsWith(']') && open > 0 && open < key.length - 2) return undefined;
  return { message: `bad key (${key}): should have format a[b]`, onKey: true };
}

/** security.ValidatePorts; Istio accepts 0..65535 here, a policy port must name a real port so 0 is rejected too. */
export function portError(port: string): string | undefined {
  if (!/^\d+$/.test(port)) return `bad port (${port}): must be a number in 1..65535`;
  const n = Number(port);
  return n < 1 || n > 65535 ? `bad port (${port}): must be in range 1..65535` : undefined;
}

