/** A fake StreamContext for filter unit tests: records local replies, continues and flags; routes are given by the test. */
import { HeaderMap } from '../../../http/codec/header-map.ts';
import { routeRequest, type RouteMatch, type RouteRequest } from '../../../http/route-table/index.ts';
import type { LocalReplyDetails, RequestHeaders, ResponseHeaders, StreamContext } from '../filter.ts';
import { StreamInfo } from '../stream-info.ts';

export class FakeStream implements StreamContext {
  readonly info = new StreamInfo(0);
  readonly downstream = { remoteAddress: '10.0.0.9', localAddress: '10.0.0.1', localPort: 80 };
  readonly localReplies: { status: number; body: string; details: LocalReplyDetails }[] = [];
  continued = 0;
  responseStarted = false;
  perRoute = new Map<string, unknown>();
  match: RouteMatch | null = null;

  get routeRequest(): RouteRequest {
    return routeRequest({ authority: 'example.com' });
  }

  route(): RouteMatch | null {
    return this.match;
  }

  clearRouteCache(): void {}

  perRouteConfig<T>(name: string): T | undefined {
    return this.perRoute.get(name) as T | undefined;
  }

  continueDecoding(): void {
    this.continued++;
  }

  continueEncoding(): void {}

  sendLocalReply(status: number, body: string, details: LocalReplyDetails): void {
    if (details.responseFlag) this.info.setResponseFlag(details.responseFlag);
    this.localReplies.push({ status, body, details });
  }

  encodeHeaders(_h: ResponseHeaders): void {}
  encodeData(): boolean {
    return true;
  }
  encodeTrailers(): void {}
  onDownstreamDrain(): void {}
  pauseDecoding(): void {}
  resumeDecoding(): void {}
  resetStream(): void {}
}

export function requestHeaders(pairs: [string, string][] = [], method = 'GET'): RequestHeaders {
  return { method, path: '/', authority: 'example.com', scheme: 'http', headers: HeaderMap.from(pairs), framing: 'none', contentLength: -1 };
}
