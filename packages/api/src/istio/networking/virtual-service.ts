/**
 * networking.istio.io VirtualService (istio.networking.v1alpha3.VirtualService):
 * routing rules for HTTP, TLS and TCP traffic to a set of hosts. Field list
 * follows Istio's virtual_service.proto; the same schema serves v1, v1beta1
 * and v1alpha3.
 */
import { array, bool, bytes, double, duration, enumOf, int32, map, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { PortSelector } from './common.ts';

export const StringMatch = message('istio.networking.v1alpha3.StringMatch', {
  exact: string(),
  prefix: string(),
  /** RE2 syntax. */
  regex: string(),
}, { oneofs: [['exact', 'prefix', 'regex']] });
export type StringMatch = Infer<typeof StringMatch>;

export const Percent = message('istio.networking.v1alpha3.Percent', {
  value: double(),
});
export type Percent = Infer<typeof Percent>;

export const Destination = message('istio.networking.v1alpha3.Destination', {
  host: string(),
  subset: string(),
  port: PortSelector,
});
export type Destination = Infer<typeof Destination>;

export const HeaderOperations = message('istio.networking.v1alpha3.Headers.HeaderOperations', {
  set: map(string()),
  add: map(string()),
  remove: array(string()),
});
export type HeaderOperations = Infer<typeof HeaderOperations>;

export const Headers = message('istio.networking.v1alpha3.Headers', {
  request: HeaderOperations,
  response: HeaderOperations,
});
export type Headers = Infer<typeof Headers>;

export const HTTPMatchRequest = message('istio.networking.v1alpha3.HTTPMatchRequest', {
  name: string(),
  uri: StringMatch,
  scheme: StringMatch,
  method: StringMatch,
  authority: StringMatch,
  headers: map(StringMatch),
  port: uint32(),
  sourceLabels: map(string()),
  gateways: array(string()),
  queryParams: map(StringMatch),
  ignoreUriCase: bool(),
  withoutHeaders: map(StringMatch),
  sourceNamespace: string(),
  statPrefix: string(),
});
export type HTTPMatchRequest = Infer<typeof HTTPMatchRequest>;

export const HTTPRouteDestination = message('istio.networking.v1alpha3.HTTPRouteDestination', {
  destination: Destination,
  /** 0..100; when a rule has several destinations they must sum to 100. */
  weight: int32(),
  headers: Headers,
});
export type HTTPRouteDestination = Infer<typeof HTTPRouteDestination>;

export const RouteDestination = message('istio.networking.v1alpha3.RouteDestination', {
  destination: Destination,
  weight: int32(),
});
export type RouteDestination = Infer<typeof RouteDestination>;

export const RedirectPortSelection = enumOf('istio.networking.v1alpha3.HTTPRedirect.RedirectPortSelection',
  ['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']);

export const HTTPRedirect = message('istio.networking.v1alpha3.HTTPRedirect', {
  uri: string(),
  authority: string(),
  port: uint32(),
  derivePort: RedirectPortSelection,
  scheme: string(),
  redirectCode: uint32(),
}, { oneofs: [['port', 'derivePort']] });
export type HTTPRedirect = Infer<typeof HTTPRedirect>;

export const HTTPBody = message('istio.networking.v1alpha3.HTTPBody', {
  string: string(),
  bytes: bytes(),
}, { oneofs: [['string', 'bytes']] });
export type HTTPBody = Infer<typeof HTTPBody>;

export const HTTPDirectResponse = message('istio.networking.v1alpha3.HTTPDirectResponse', {
  status: uint32(),
  body: HTTPBody,
});
export type HTTPDirectResponse = Infer<typeof HTTPDirectResponse>;

export const Delegate = message('istio.networking.v1alpha3.Delegate', {
  name: string(),
  namespace: string(),
});
export type Delegate = Infer<typeof Delegate>;

export const RegexRewrite = message('istio.networking.v1alpha3.RegexRewrite', {
  match: string(),
  rewrite: string(),
});
export type RegexRewrite = Infer<typeof RegexRewrite>;

export const HTTPRewrite = message('istio.networking.v1alpha3.HTTPRewrite', {
  uri: string(),
  authority: string(),
  uriRegexRewrite: RegexRewrite,
});
export type HTTPRewrite = Infer<typeof HTTPRewrite>;

export const HTTPRetry = message('istio.networking.v1alpha3.HTTPRetry', {
  attempts: int32(),
  perTryTimeout: duration(),
  /** Comma-separated Envoy retry conditions and gRPC status names, or HTTP status codes. */
  retryOn: string(),
  retryRemoteLocalities: bool(),
  retryIgnorePreviousHosts: bool(),
  backoff: duration(),
});
export type HTTPRetry = Infer<typeof HTTPRetry>;

export const Delay = message('istio.networking.v1alpha3.HTTPFaultInjection.Delay', {
  percent: int32(),
  fixedDelay: duration(),
  exponentialDelay: duration(),
  percentage: Percent,
}, {
  oneofs: [['fixedDelay', 'exponentialDelay']],
  deprecated: { percent: 'use percentage (a Percent with a double value) instead' },
});
export type Delay = Infer<typeof Delay>;

export const Abort = message('istio.networking.v1alpha3.HTTPFaultInjection.Abort', {
  httpStatus: int32(),
  grpcStatus: string(),
  http2Error: string(),
  percentage: Percent,
}, { oneofs: [['httpStatus', 'grpcStatus', 'http2Error']] });
export type Abort = Infer<typeof Abort>;

export const HTTPFaultInjection = message('istio.networking.v1alpha3.HTTPFaultInjection', {
  delay: Delay,
  abort: Abort,
});
export type HTTPFaultInjection = Infer<typeof HTTPFaultInjection>;

export const UnmatchedPreflights = enumOf('istio.networking.v1alpha3.CorsPolicy.UnmatchedPreflights',
  ['UNSPECIFIED', 'FORWARD', 'IGNORE']);

export const CorsPolicy = message('istio.networking.v1alpha3.CorsPolicy', {
  allowOrigin: array(string()),
  allowOrigins: array(StringMatch),
  allowMethods: array(string()),
  allowHeaders: array(string()),
  exposeHeaders: array(string()),
  maxAge: duration(),
  allowCredentials: bool(),
  unmatchedPreflights: UnmatchedPreflights,
}, { deprecated: { allowOrigin: 'use allowOrigins (a list of StringMatch) instead' } });
export type CorsPolicy = Infer<typeof CorsPolicy>;

export const HTTPMirrorPolicy = message('istio.networking.v1alpha3.HTTPMirrorPolicy', {
  destination: Destination,
  percentage: Percent,
});
export type HTTPMirrorPolicy = Infer<typeof HTTPMirrorPolicy>;

export const HTTPRoute = message('istio.networking.v1alpha3.HTTPRoute', {
  name: string(),
  match: array(HTTPMatchRequest),
  route: array(HTTPRouteDestination),
  redirect: HTTPRedirect,
  directResponse: HTTPDirectResponse,
  delegate: Delegate,
  rewrite: HTTPRewrite,
  timeout: duration(),
  retries: HTTPRetry,
  fault: HTTPFaultInjection,
  mirror: Destination,
  mirrors: array(HTTPMirrorPolicy),
  mirrorPercent: uint32(),
  mirrorPercentage: Percent,
  corsPolicy: CorsPolicy,
  headers: Headers,
}, {
  deprecated: { mirrorPercent: 'use mirrorPercentage (a Percent with a double value) instead' },
  misspellings: {
    retry: 'did you mean "retries"?',
    cors: 'did you mean "corsPolicy"?',
    weight: 'weight belongs on each entry of "route" (HTTPRouteDestination), not on the rule',
    destination: 'a rule lists its destinations under "route": route: [{destination: {host: ...}}]',
  },
});
export type HTTPRoute = Infer<typeof HTTPRoute>;

export const L4MatchAttributes = message('istio.networking.v1alpha3.L4MatchAttributes', {
  destinationSubnets: array(string()),
  port: uint32(),
  sourceSubnet: string(),
  sourceLabels: map(string()),
  gateways: array(string()),
  sourceNamespace: string(),
});
export type L4MatchAttributes = Infer<typeof L4MatchAttributes>;

export const TLSMatchAttributes = message('istio.networking.v1alpha3.TLSMatchAttributes', {
  sniHosts: array(string()),
  destinationSubnets: array(string()),
  port: uint32(),
  sourceLabels: map(string()),
  gateways: array(string()),
  sourceNamespace: string(),
});
export type TLSMatchAttributes = Infer<typeof TLSMatchAttributes>;

export const TCPRoute = message('istio.networking.v1alpha3.TCPRoute', {
  match: array(L4MatchAttributes),
  route: array(RouteDestination),
});
export type TCPRoute = Infer<typeof TCPRoute>;

export const TLSRoute = message('istio.networking.v1alpha3.TLSRoute', {
  match: array(TLSMatchAttributes),
  route: array(RouteDestination),
});
export type TLSRoute = Infer<typeof TLSRoute>;

export const VirtualServiceSpec = message('istio.networking.v1alpha3.VirtualService', {
  hosts: array(string()),
  gateways: array(string()),
  http: array(HTTPRoute),
  tls: array(TLSRoute),
  tcp: array(TCPRoute),
  exportTo: array(string()),
});
export type VirtualServiceSpec = Infer<typeof VirtualServiceSpec>;
export type VirtualService = SpecResource<VirtualServiceSpec>;

export const VirtualServiceKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'VirtualService',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'virtualservices',
  shortNames: ['vs'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.VirtualService', VirtualServiceSpec),
};
