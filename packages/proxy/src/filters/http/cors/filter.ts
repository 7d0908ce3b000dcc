/**
 * One request through envoy.filters.http.cors: with a CorsPolicy on the
 * route (or virtual host) and an Origin it allows, a preflight (OPTIONS with
 * Access-Control-Request-Method) is answered locally with 200 and the
 * access-control-* headers; any other request gets
 * access-control-allow-origin (and expose/credentials) on its response.
 */
import type { HeadersStatus, HttpFilter, RequestHeaders, ResponseHeaders, StreamContext } from '../filter.ts';
import type { CorsPolicyConfig } from './config.ts';

export class CorsFilter implements HttpFilter {
  readonly #filterName: string;
  readonly #stream: StreamContext;
  #origin: string | undefined;
  #policy: CorsPolicyConfig | undefined;

  constructor(filterName: string, stream: StreamContext) {
    this.#filterName = filterName;
    this.#stream = stream;
  }

  decodeHeaders(h: RequestHeaders): HeadersStatus {
    const origin = h.headers.get('origin');
    if (origin === undefined) return 'Continue';
    const policy = this.#stream.perRouteConfig<CorsPolicyConfig>(this.#filterName);
    if (policy === undefined || !policy.enabled || !policy.allowOrigin.some((m) => m(origin))) return 'Continue';
    this.#origin = origin;
    this.#policy = policy;
    if (h.method !== 'OPTIONS' || h.headers.get('access-control-request-method') === undefined) return 'Continue';
    const headers: [string, string][] = [['access-control-allow-origin', origin]];
    if (policy.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
    if (policy.allowMethods !== undefined) headers.push(['access-control-allow-methods', policy.allowMethods]);
    if (policy.allowHeaders !== undefined) headers.push(['access-control-allow-headers', policy.allowHeaders]);
    if (policy.maxAge !== undefined) headers.push(['access-control-max-age', policy.maxAge]);
    this.#origin = undefined;
    this.#stream.sendLocalReply(200, '', { details: 'cors_response', headers });
    return 'StopIteration';
  }

  encodeHeaders(r: ResponseHeaders): HeadersStatus {
    const origin = this.#origin;
    const policy = this.#policy;
    if (origin === undefined || policy === undefined) return 'Continue';
    r.headers.set('access-control-allow-origin', origin);
    if (policy.allowCredentials) r.headers.set('access-control-allow-credentials', 'true');
    if (policy.exposeHeaders !== undefined) r.headers.set('access-control-expose-headers', policy.exposeHeaders);
    return 'Continue';
  }
}
