/**
 * JWT rules (RequestAuthentication.jwtRules), with Istio's wording
 * (validateJwtRule and security.ParseJwksURI).
 */
import type { FieldPath } from '@skiff/common';
import type { JWTRule } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';

export interface JwksInfo {
  readonly hostname: string;
  readonly port: number;
  readonly useSsl: boolean;
}

/** `http(s)://host[:port]/path` → where to fetch the key set; an error text otherwise. */
export function parseJwksUri(uri: string): JwksInfo | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `parse "${uri}": invalid URI for request`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return `URI scheme "${scheme}" is not supported`;
  if (url.hostname === '') return `jwksUri "${uri}" has no host`;
  const useSsl = scheme === 'https';
  return { hostname: url.hostname, port: url.port ? Number(url.port) : useSsl ? 443 : 80, useSsl };
}

const HTTP_HEADER_NAME = /^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/;

export function validateJwtRule(rule: JWTRule, path: FieldPath, issues: IssueCollector): void {
  (rule.audiences ?? []).forEach((a, i) => {
    if (a === '') issues.error([...path, 'audiences', i], 'audience must be non-empty string');
  });
  if (!rule.issuer && !rule.jwksUri) issues.error([...path, 'issuer'], 'issuer or jwksUri must be non-empty string');
  if (rule.jwksUri) {
    const parsed = parseJwksUri(rule.jwksUri);
    if (typeof parsed === 'string') issues.error([...path, 'jwksUri'], parsed);
  }
  if (rule.jwks) {
    const err = jwksError(rule.jwks);
    if (err) issues.error([...path, 'jwks'], `jwks parse error: ${err}`);
    if (rule.jwksUri) issues.warning([...path, 'jwksUri'], 'only one of jwks and jwksUri should be set; jwksUri is ignored when jwks is set');
  }
  (rule.fromHeaders ?? []).forEach((h, i) => {
    if (!h.name) issues.error([...path, 'fromHeaders', i, 'name'], 'location header name must be non-empty string');
    else if (!HTTP_HEADER_NAME.test(h.name)) issues.error([...path, 'fromHeaders', i, 'name'], `invalid header name "${h.name}"`);
  });
  (rule.fromParams ?? []).forEach((p, i) => {
    if (p === '') issues.error([...path, 'fromParams', i], 'location query must be non-empty string');
  });
  (rule.fromCookies ?? []).forEach((c, i) => {
    if (c === '') issues.error([...path, 'fromCookies', i], 'cookie name must be non-empty string');
  });
  (rule.outputClaimToHeaders ?? []).forEach((c, i) => {
    const at = [...path, 'outputClaimToHeaders', i];
    if (!c.claim || !c.header) issues.error(at, 'outputClaimToHeaders header and claim value must be non-empty string');
    else if (!HTTP_HEADER_NAME.test(c.header)) issues.error([...at, 'header'], `header name "${c.header}" is not a valid HTTP header name`);
  });
  if (rule.outputPayloadToHeader !== undefined && rule.outputPayloadToHeader !== '' && !HTTP_HEADER_NAME.test(rule.outputPayloadToHeader)) {
    issues.error([...path, 'outputPayloadToHeader'], `header name "${rule.outputPayloadToHeader}" is not a valid HTTP header name`);
  }
}

/** A JSON Web Key Set: `{"keys": [{"kty": ...}, ...]}`. */
function jwksError(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) return 'expected a JSON object with a "keys" array';
  const keys = (value as { keys: unknown[] }).keys;
  const bad = keys.findIndex((k) => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string');
  return bad >= 0 ? `keys[${bad}] has no "kty"` : undefined;
}
