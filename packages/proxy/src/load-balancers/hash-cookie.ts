/**
 * The cookie hash policy's two halves (Envoy's CookieHashMethod and the
 * router's addDownstreamSetCookie): reading the cookie a request carries
 * (a quoted value is unquoted, as Envoy's parseCookieValue does), and, when
 * it is absent and the policy has a ttl, generating one from the downstream
 * connection so every request of that client lands on the same host. The
 * generated value is 16 hex digits; the Set-Cookie header has Envoy's form
 * `name="value"; Max-Age=<ttl s>; Path=<path>; HttpOnly` (Max-Age left out
 * for a zero ttl, Path when empty).
 */
import { hash32 } from './hash.ts';

/** The named cookie's value from a Cookie header, unquoted; undefined when absent or empty. */
export function parseCookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    return v === '' ? undefined : v;
  }
  return undefined;
}

/** A cookie for a client without one: the value (what the request hashes on) and the Set-Cookie header value. */
export function generateHashCookie(name: string, path: string, ttlMs: number, connectionKey: string): { value: string; setCookie: string } {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const value = hex(hash32(connectionKey)) + hex(hash32(connectionKey, 0x9e3779b9));
  const maxAge = Math.floor(ttlMs / 1000);
  let setCookie = `${name}="${value}"`;
  if (maxAge > 0) setCookie += `; Max-Age=${maxAge}`;
  if (path !== '') setCookie += `; Path=${path}`;
  return { value, setCookie: `${setCookie}; HttpOnly` };
}
