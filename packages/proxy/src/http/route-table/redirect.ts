/**
 * The Location of a redirect route (Envoy's RouteEntryImplBase::newUri):
 * scheme, host and port, and path each replaced when the action says so,
 * else taken from the request. Changing the scheme drops a port that was
 * the old scheme's default; a redirect port that is the new scheme's
 * default is left out.
 */
import { compileRe2Substitution, re2Replace } from './re2.ts';
import { stripQueryAndFragment } from './route-matcher.ts';
import type { RedirectActionConfig, RouteMatchConfig, RouteRequest } from './types.ts';

const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 };

export function redirectLocation(redirect: RedirectActionConfig, request: RouteRequest, match?: RouteMatchConfig): string {
  const scheme = redirect.schemeRedirect ?? request.scheme;
  const { host: requestHost, port: requestPort } = splitAuthority(request.authority);
  const host = redirect.hostRedirect ?? requestHost;
  let port: number | undefined = redirect.hostRedirect !== undefined ? undefined : requestPort;
  if (redirect.portRedirect !== undefined) port = redirect.portRedirect;
  else if (scheme !== request.scheme && port === DEFAULT_PORT[request.scheme]) port = undefined;
  if (port === DEFAULT_PORT[scheme] && redirect.portRedirect !== undefined) port = undefined;
  const query = request.path.includes('?') && !redirect.stripQuery ? request.path.slice(request.path.indexOf('?')) : '';
  let path: string;
  if (redirect.pathRedirect !== undefined) path = redirect.pathRedirect.includes('?') ? redirect.pathRedirect : redirect.pathRedirect + query;
  else {
    const bare = stripQueryAndFragment(request.path);
    if (redirect.prefixRewrite !== undefined && match?.path.kind === 'prefix') path = redirect.prefixRewrite + bare.slice(match.path.value.length);
    else if (redirect.regexRewrite) {
      const re = compileRe2Substitution(redirect.regexRewrite.regex);
      path = re.ok ? re2Replace(re.value, bare, redirect.regexRewrite.substitution) : bare;
    } else path = bare;
    path += query;
  }
  return `${scheme}://${host}${port !== undefined ? `:${port}` : ''}${path}`;
}

function splitAuthority(authority: string): { host: string; port: number | undefined } {
  const m = /^(.*?)(?::(\d+))?$/.exec(authority);
  if (!m || authority.startsWith('[') && !authority.includes(']:')) return { host: authority, port: undefined };
  return { host: m[1], port: m[2] !== undefined ? Number(m[2]) : undefined };
}
