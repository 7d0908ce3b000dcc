/** VirtualService: Istio's ValidateVirtualService rules (pkg/config/validation/virtualservice.go, validation.go). */
import { parseDurationMs, type FieldPath } from '@skiff/common';
import type { HTTPRoute, ResourceObject, StringMatch, TCPRoute, TLSRoute, VirtualService, VirtualServiceSpec } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { hostsOverlap, isHostSubsetOf, validateExportTo, validateGatewayNames, wildcardDomainError } from '../rules/hosts.ts';
import { isIpAddress, isCidrOrIp } from '../rules/cidr.ts';
import { validatePortNumber } from '../rules/ports.ts';
import { validateDuration } from '../rules/duration.ts';
import { validatePercent, validatePercentage } from '../rules/percent.ts';
import { validateDestinationWeights } from '../rules/weights.ts';
import { re2SyntaxError } from '../rules/regex.ts';
import { validateLabelMap } from '../rules/selector.ts';
import { isDns1123Label } from '../rules/names.ts';
import { validateDestination } from './destination.ts';
import { validateHeaderOperations, validateHttpHeaderName, validateMatchHeaderName } from './http-headers.ts';

const MESH_GATEWAY = 'mesh';

/** retryOn values Envoy accepts (x-envoy-retry-on and x-envoy-retry-grpc-on); HTTP status codes are accepted too. */
export const RETRY_ON_POLICIES: ReadonlySet<string> = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

const CORS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
]);

const MB = 1024 * 1024;
const KB = 1024;

export function validateVirtualService(object: ResourceObject, issues: IssueCollector): void {
  const { spec, metadata } = object as VirtualService;
  const namespace = metadata.namespace ?? 'default';
  const hosts = spec.hosts ?? [];
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    if ((spec.gateways ?? []).length > 0) issues.error(['spec', 'gateways'], 'delegate virtual service must have no gateways specified');
    if ((spec.tls ?? []).length > 0) issues.error(['spec', 'tls'], 'delegate virtual service must have no tls route specified');
    if ((spec.tcp ?? []).length > 0) issues.error(['spec', 'tcp'], 'delegate virtual service must have no tcp route specified');
  }
  const gateways = spec.gateways ?? [];
  const appliesToMesh = gateways.length === 0 || gateways.includes(MESH_GATEWAY);
  validateGatewayNames(gateways.filter((g) => g !== MESH_GATEWAY), ['spec', 'gateways'], issues);

  let allHostsValid = true;
  hosts.forEach((host, i) => {
    const err = wildcardDomainError(host);
    if (err) {
      if (!isIpAddress(host)) {
        issues.error(['spec', 'hosts', i], err);
        allHostsValid = false;
      }
    } else if (appliesToMesh && host === '*') {
      issues.error(['spec', 'hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i], hosts[j])) issues.error(['spec', 'hosts', j], `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if ((spec.http ?? []).length === 0 && (spec.tcp ?? []).length === 0 && (spec.tls ?? []).length === 0) {
    issues.error(['spec'], 'http, tcp or tls must be provided in virtual service');
  }
  (spec.http ?? []).forEach((route, i) => validateHttpRoute(route, isDelegate, ['spec', 'http', i], issues));
  (spec.tls ?? []).forEach((route, i) => validateTlsRoute(route, spec, ['spec', 'tls', i], issues));
  (spec.tcp ?? []).forEach((route, i) => validateTcpRoute(route, ['spec', 'tcp', i], issues));
  validateExportTo(namespace, spec.exportTo, ['spec', 'exportTo'], issues);
}

function validateHttpRoute(http: HTTPRoute, isDelegate: boolean, at: FieldPath, issues: IssueCollector): void {
  validateRouteConflicts(http, isDelegate, at, issues);

  (http.match ?? []).forEach((match, m) => {
    const mAt = [...at, 'match', m];
    for (const [name, sm] of Object.entries(match.headers ?? {})) {
      validateMatchHeaderName(name, [...mAt, 'headers', name], issues);
      validateStringMatch(sm, 'headers', [...mAt, 'headers', name], issues, { allowEmpty: true });
    }
    for (const [name, sm] of Object.entries(match.withoutHeaders ?? {})) {
      validateMatchHeaderName(name, [...mAt, 'withoutHeaders', name], issues);
      validateStringMatch(sm, 'withoutHeaders', [...mAt, 'withoutHeaders', name], issues, { allowEmpty: true });
    }
    if (match.uri) validateStringMatch(match.uri, 'uri', [...mAt, 'uri'], issues, { allowEmpty: true });
    if (match.scheme) validateStringMatch(match.scheme, 'scheme', [...mAt, 'scheme'], issues);
    if (match.method) validateStringMatch(match.method, 'method', [...mAt, 'method'], issues);
    if (match.authority) validateStringMatch(match.authority, 'authority', [...mAt, 'authority'], issues);
    for (const [name, sm] of Object.entries(match.queryParams ?? {})) {
      validateStringMatch(sm, 'queryParams', [...mAt, 'queryParams', name], issues);
    }
    if (match.port !== undefined && match.port !== 0) validatePortNumber(match.port, [...mAt, 'port'], issues);
    validateLabelMap(match.sourceLabels, [...mAt, 'sourceLabels'], issues);
    validateGatewayNames((match.gateways ?? []).filter((g) => g !== MESH_GATEWAY), [...mAt, 'gateways'], issues);
    if (match.sourceNamespace && !isDns1123Label(match.sourceNamespace)) {
      issues.error([...mAt, 'sourceNamespace'], `sourceNamespace match ${match.sourceNamespace} must be a valid label`);
    }
  });

  if (http.delegate) {
    if (!http.delegate.name) issues.error([...at, 'delegate', 'name'], 'delegate name is required');
    else if (!isDns1123Label(http.delegate.name)) issues.error([...at, 'delegate', 'name'], `delegate name ${http.delegate.name} is invalid`);
    if (http.delegate.namespace && !isDns1123Label(http.delegate.namespace)) {
      issues.error([...at, 'delegate', 'namespace'], `delegate namespace ${http.delegate.namespace} is invalid`);
    }
  }

  validateHeaderOperations(http.headers?.request, [...at, 'headers', 'request'], issues);
  validateHeaderOperations(http.headers?.response, [...at, 'headers', 'response'], issues);
  if (http.corsPolicy) validateCorsPolicy(http.corsPolicy, [...at, 'corsPolicy'], issues);
  if (http.fault) validateFault(http.fault, [...at, 'fault'], issues);

  if (http.mirror && (http.mirrors ?? []).length > 0) issues.error([...at, 'mirrors'], 'HTTP route cannot contain both mirror and mirrors');
  if (http.mirror) validateDestination(http.mirror, [...at, 'mirror'], issues);
  validatePercent(http.mirrorPercent, [...at, 'mirrorPercent'], issues);
  validatePercentage(http.mirrorPercentage, [...at, 'mirrorPercentage'], issues);
  (http.mirrors ?? []).forEach((mirror, i) => {
    validateDestination(mirror.destination, [...at, 'mirrors', i, 'destination'], issues);
    validatePercentage(mirror.percentage, [...at, 'mirrors', i, 'percentage'], issues);
  });

  if (http.redirect) {
    const r = http.redirect;
    const rAt = [...at, 'redirect'];
    if (!r.uri && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
      issues.error(rAt, 'redirect must specify URI, authority, scheme, or port');
    }
    if (r.redirectCode !== undefined && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
      issues.error([...rAt, 'redirectCode'], `${r.redirectCode} is not a valid redirect code, must be 3xx`);
    }
    if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') issues.error([...rAt, 'scheme'], 'invalid redirect scheme, must be "http" or "https"');
    if (r.port !== undefined) validatePortNumber(r.port, [...rAt, 'port'], issues);
  }
  if (http.directResponse) {
    const d = http.directResponse;
    const status = d.status ?? 0;
    if (status < 200 || status > 599) issues.error([...at, 'directResponse', 'status'], `HTTP status ${status} is not in range 200-599`);
    const size = d.body?.string !== undefined ? Buffer.byteLength(d.body.string) : d.body?.bytes !== undefined ? Math.floor(d.body.bytes.length * 3 / 4) : 0;
    if (size > MB) issues.error([...at, 'directResponse', 'body'], 'large direct_responses may impact control plane performance, must be less than 1MB');
    else if (size > 100 * KB) issues.warning([...at, 'directResponse', 'body'], 'large direct_responses may impact control plane performance');
  }
  if (http.rewrite) {
    const rw = http.rewrite;
    const rwAt = [...at, 'rewrite'];
    if (!rw.uri && !rw.authority && !rw.uriRegexRewrite) issues.error(rwAt, 'rewrite must specify URI, authority, or uriRegexRewrite');
    if (rw.uri && rw.uriRegexRewrite) issues.error(rwAt, 'rewrite may only contain one of URI or UriRegexRewrite');
    if (rw.uriRegexRewrite) {
      const { match, rewrite } = rw.uriRegexRewrite;
      if (!match || rewrite === undefined || rewrite === '') issues.error([...rwAt, 'uriRegexRewrite'], 'UriRegexRewrite requires both Rewrite and Match fields to be specified');
      if (match) {
        const err = re2SyntaxError(match);
        if (err) issues.error([...rwAt, 'uriRegexRewrite', 'match'], `UriRegexRewrite match is not a valid regex: ${err}`);
      }
    }
  }
  if (http.retries) validateRetries(http.retries, [...at, 'retries'], issues);
  validateDuration(http.timeout, [...at, 'timeout'], issues, { allowZero: true });

  const route = http.route ?? [];
  route.forEach((dest, i) => {
    validateDestination(dest.destination, [...at, 'route', i, 'destination'], issues);
    validateHeaderOperations(dest.headers?.request, [...at, 'route', i, 'headers', 'request'], issues);
    validateHeaderOperations(dest.headers?.response, [...at, 'route', i, 'headers', 'response'], issues);
  });
  validateDestinationWeights(route.map((d) => d.weight), [...at, 'route'], issues);
}

function validateRouteConflicts(http: HTTPRoute, isDelegate: boolean, at: FieldPath, issues: IssueCollector): void {
  const hasRoute = (http.route ?? []).length > 0;
  if (http.delegate) {
    if (isDelegate) issues.error([...at, 'delegate'], 'http delegate only applies to root virtual service');
    if (hasRoute) issues.error(at, 'HTTP route cannot contain both route and delegate');
    if (http.redirect) issues.error(at, 'HTTP route cannot contain both redirect and delegate');
    if (http.directResponse) issues.error(at, 'HTTP route cannot contain both direct_response and delegate');
    return;
  }
  if (http.redirect) {
    if (hasRoute) issues.error(at, 'HTTP route cannot contain both route and redirect');
    if (http.fault) issues.error(at, 'HTTP route cannot contain both fault and redirect');
    if (http.rewrite) issues.error(at, 'HTTP route rule cannot contain both rewrite and redirect');
    if (http.directResponse) issues.error(at, 'HTTP route cannot contain both redirect and direct_response');
  } else if (!hasRoute && !http.directResponse) {
    issues.error(at, 'HTTP route, redirect or direct_response is required');
  }
  if (http.directResponse) {
    if (hasRoute) issues.error(at, 'HTTP route cannot contain both route and direct_response');
    if (http.fault) issues.error(at, 'HTTP route cannot contain both fault and direct_response');
    if (http.rewrite) issues.error(at, 'HTTP route rule cannot contain both rewrite and direct_response');
  }
}

function validateStringMatch(sm: StringMatch, where: string, at: FieldPath, issues: IssueCollector, options: { allowEmpty?: boolean } = {}): void {
  if (sm.prefix !== undefined && sm.prefix === '' && !options.allowEmpty) issues.error([...at, 'prefix'], `"${where}": prefix string match should not be empty`);
  if (sm.regex !== undefined) validateRegex(sm.regex, where, [...at, 'regex'], issues);
}

function validateRegex(regex: string, where: string, at: FieldPath, issues: IssueCollector): void {
  if (regex === '') {
    issues.error(at, `"${where}": regex string match should not be empty`);
    return;
  }
  const err = re2SyntaxError(regex);
  if (err) issues.error(at, `"${where}": ${err}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`);
}

function validateRetries(retries: NonNullable<HTTPRoute['retries']>, at: FieldPath, issues: IssueCollector): void {
  const attempts = retries.attempts ?? 0;
  if (attempts < 0) issues.error([...at, 'attempts'], 'attempts cannot be negative');
  if (attempts === 0 && (retries.perTryTimeout !== undefined || retries.retryOn !== undefined || retries.retryRemoteLocalities !== undefined)) {
    issues.error(at, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  validateDuration(retries.perTryTimeout, [...at, 'perTryTimeout'], issues);
  validateDuration(retries.backoff, [...at, 'backoff'], issues);
  if (retries.retryOn) {
    for (const raw of retries.retryOn.split(',')) {
      const policy = raw.trim();
      const code = /^\d+$/.test(policy) ? Number(policy) : NaN;
      const isStatus = code >= 100 && code <= 599;
      if (!isStatus && !RETRY_ON_POLICIES.has(policy)) issues.error([...at, 'retryOn'], `"${policy}" is not a valid retryOn policy`);
    }
  }
}

function validateFault(fault: NonNullable<HTTPRoute['fault']>, at: FieldPath, issues: IssueCollector): void {
  if (!fault.abort && !fault.delay) {
    issues.error(at, 'HTTP fault injection must have an abort and/or a delay');
    return;
  }
  if (fault.abort) {
    const a = fault.abort;
    const aAt = [...at, 'abort'];
    validatePercentage(a.percentage, [...aAt, 'percentage'], issues);
    if (a.http2Error !== undefined) issues.error([...aAt, 'http2Error'], 'HTTP/2 abort fault injection not supported yet');
    else if (a.grpcStatus !== undefined) {
      if (!GRPC_STATUS.has(a.grpcStatus)) issues.error([...aAt, 'grpcStatus'], `grpcStatus ${a.grpcStatus} is not a valid gRPC status code name`);
    } else if (a.httpStatus !== undefined) {
      if (a.httpStatus < 200 || a.httpStatus > 599) issues.error([...aAt, 'httpStatus'], `HTTP status ${a.httpStatus} is not in range 200-599`);
    } else {
      issues.error(aAt, 'abort must specify httpStatus, grpcStatus or http2Error');
    }
  }
  if (fault.delay) {
    const d = fault.delay;
    const dAt = [...at, 'delay'];
    validatePercent(d.percent, [...dAt, 'percent'], issues);
    validatePercentage(d.percentage, [...dAt, 'percentage'], issues);
    if (d.exponentialDelay !== undefined) {
      validateDuration(d.exponentialDelay, [...dAt, 'exponentialDelay'], issues);
      issues.error([...dAt, 'exponentialDelay'], 'exponentialDelay not supported yet');
    } else if (d.fixedDelay !== undefined) {
      validateDuration(d.fixedDelay, [...dAt, 'fixedDelay'], issues);
    } else {
      issues.error(dAt, 'delay must specify fixedDelay');
    }
  }
}

function validateCorsPolicy(policy: NonNullable<HTTPRoute['corsPolicy']>, at: FieldPath, issues: IssueCollector): void {
  (policy.allowOrigins ?? []).forEach((origin, i) => {
    const value = origin.exact ?? origin.prefix ?? origin.regex ?? '';
    if (value === '') issues.error([...at, 'allowOrigins', i], `'${value}' is not a valid match type for CORS allow origins`);
    else if (origin.regex !== undefined) validateRegex(origin.regex, 'corsPolicy.allowOrigins', [...at, 'allowOrigins', i, 'regex'], issues);
  });
  (policy.allowMethods ?? []).forEach((method, i) => {
    if (!CORS_METHODS.has(method)) issues.error([...at, 'allowMethods', i], `"${method}" is not a supported HTTP method`);
  });
  (policy.allowHeaders ?? []).forEach((h, i) => validateHttpHeaderName(h, [...at, 'allowHeaders', i], issues));
  (policy.exposeHeaders ?? []).forEach((h, i) => validateHttpHeaderName(h, [...at, 'exposeHeaders', i], issues));
  if (policy.maxAge !== undefined) {
    validateDuration(policy.maxAge, [...at, 'maxAge'], issues);
    const ms = parseDurationMs(policy.maxAge) ?? 0;
    if (ms % 1000 !== 0) issues.error([...at, 'maxAge'], 'max_age duration is accurate only to seconds precision');
  }
}

function validateTlsRoute(tls: TLSRoute, spec: VirtualServiceSpec, at: FieldPath, issues: IssueCollector): void {
  const matches = tls.match ?? [];
  if (matches.length === 0) issues.error([...at, 'match'], 'TLS route must have at least one match condition');
  matches.forEach((match, m) => {
    const mAt = [...at, 'match', m];
    const sniHosts = match.sniHosts ?? [];
    if (sniHosts.length === 0) issues.error([...mAt, 'sniHosts'], 'TLS match must have at least one SNI host');
    sniHosts.forEach((sni, s) => {
      const err = wildcardDomainError(sni);
      if (err) {
        if (!isIpAddress(sni)) issues.error([...mAt, 'sniHosts', s], err);
        return;
      }
      const vsHosts = spec.hosts ?? [];
      if (!vsHosts.some((h) => isHostSubsetOf(sni, h))) {
        issues.error([...mAt, 'sniHosts', s], `SNI host "${sni}" is not a compatible subset of any of the virtual service hosts: [${vsHosts.join(', ')}]`);
      }
    });
    validateL4Match(match, mAt, issues);
  });
  const route = tls.route ?? [];
  if (route.length === 0) issues.error([...at, 'route'], 'TLS route is required');
  route.forEach((d, i) => validateDestination(d.destination, [...at, 'route', i, 'destination'], issues));
  validateDestinationWeights(route.map((d) => d.weight), [...at, 'route'], issues);
}

function validateTcpRoute(tcp: TCPRoute, at: FieldPath, issues: IssueCollector): void {
  (tcp.match ?? []).forEach((match, m) => {
    const mAt = [...at, 'match', m];
    validateL4Match(match, mAt, issues);
    if (match.sourceSubnet !== undefined && !isCidrOrIp(match.sourceSubnet)) {
      issues.error([...mAt, 'sourceSubnet'], `${match.sourceSubnet} is not a valid IP address or CIDR block`);
    }
  });
  const route = tcp.route ?? [];
  if (route.length === 0) issues.error([...at, 'route'], 'TCP route is required');
  route.forEach((d, i) => validateDestination(d.destination, [...at, 'route', i, 'destination'], issues));
  validateDestinationWeights(route.map((d) => d.weight), [...at, 'route'], issues);
}

function validateL4Match(
  match: { destinationSubnets?: string[]; port?: number; sourceLabels?: Record<string, string>; gateways?: string[]; sourceNamespace?: string },
  at: FieldPath,
  issues: IssueCollector,
): void {
  (match.destinationSubnets ?? []).forEach((subnet, i) => {
    if (!isCidrOrIp(subnet)) issues.error([...at, 'destinationSubnets', i], `${subnet} is not a valid IP address or CIDR block`);
  });
  if (match.port !== undefined && match.port !== 0) validatePortNumber(match.port, [...at, 'port'], issues);
  validateLabelMap(match.sourceLabels, [...at, 'sourceLabels'], issues);
  validateGatewayNames((match.gateways ?? []).filter((g) => g !== MESH_GATEWAY), [...at, 'gateways'], issues);
  if (match.sourceNamespace && !isDns1123Label(match.sourceNamespace)) {
    issues.error([...at, 'sourceNamespace'], `sourceNamespace match ${match.sourceNamespace} must be a valid label`);
  }
}
