/**
 * Envoy's substitution format strings, compiled once per config into a list
 * of literal and operator parts (no parsing on the request path): text
 * formats (`%REQ(X?Y):Z%`, `%RESPONSE_FLAGS%`, ...; `-` for a missing
 * value) and json_format (a Struct whose string values are templates; a
 * value that is exactly one numeric operator stays a number, a missing
 * value is null, keys sorted as Envoy's Struct printing does). Also the
 * default formats: Envoy's and Istio's TEXT and JSON.
 */
import { fail, ok, type Result } from '@skiff/common';
import type { AccessLogContext } from './context.ts';

/** Envoy's default format string (access_log usage docs). */
export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** Istio's meshConfig accessLogFormat default for accessLogEncoding TEXT (pilot's EnvoyTextLogFormat). */
export const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" ' +
  '%UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio's default for accessLogEncoding JSON (pilot's EnvoyJSONLogFormatIstio). */
export const ISTIO_JSON_FORMAT: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  route_name: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
};

/** One operator's value: a string, a number, or null when not available. */
type Operator = (c: AccessLogContext) => string | number | null;

type Part = string | Operator;

const str = (v: string): string | null => (v === '' ? null : v);
const num = (v: number): number | null => v;

/** `2026-01-02T03:04:05.678Z` (Envoy's default %START_TIME%), or a strftime subset (%Y %m %d %H %M %S %z %s %Ef/%3f..%9f). */
function startTime(pattern: string | undefined): Operator {
  if (pattern === undefined || pattern === '') return (c) => new Date(c.startMs).toISOString();
  return (c) => {
    const d = new Date(c.startMs);
    const two = (n: number) => String(n).padStart(2, '0');
    return pattern.replace(/%([1-9]?)(f|Y|m|d|H|M|S|z|s|e)/g, (_m, digits: string, k: string) => {
      switch (k) {
        case 'Y': return String(d.getUTCFullYear());
        case 'm': return two(d.getUTCMonth() + 1);
        case 'd': return two(d.getUTCDate());
        case 'e': return String(d.getUTCDate()).padStart(2, ' ');
        case 'H': return two(d.getUTCHours());
        case 'M': return two(d.getUTCMinutes());
        case 'S': return two(d.getUTCSeconds());
        case 'z': return '+0000';
        case 's': return String(Math.floor(c.startMs / 1000));
        default: return String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(9, '0').slice(0, digits === '' ? 9 : Number(digits));
      }
    });
  };
}

/** `X?Y` alternatives and the `:Z` length limit of %REQ/%RESP/%TRAILER. */
function headerOperator(arg: string, maxLen: number | undefined, read: (c: AccessLogContext, name: string) => string | undefined): Operator {
  const [main, alt] = arg.toLowerCase().split('?');
  return (c) => {
    let v = read(c, main);
    if (v === undefined && alt !== undefined) v = read(c, alt);
    if (v === undefined) return null;
    return maxLen === undefined ? v : v.slice(0, maxLen);
  };
}

const SIMPLE: Readonly<Record<string, Operator>> = {
  PROTOCOL: (c) => str(c.protocol),
  RESPONSE_CODE: (c) => num(c.responseCode),
  RESPONSE_FLAGS: (c) => (c.responseFlags === '-' ? null : c.responseFlags),
  RESPONSE_CODE_DETAILS: (c) => str(c.responseCodeDetails),
  CONNECTION_TERMINATION_DETAILS: (c) => str(c.connectionTerminationDetails),
  UPSTREAM_TRANSPORT_FAILURE_REASON: (c) => str(c.upstreamTransportFailureReason),
  BYTES_RECEIVED: (c) => num(c.bytesReceived),
  BYTES_SENT: (c) => num(c.bytesSent),
  DURATION: (c) => (c.durationMs === undefined ? null : Math.floor(c.durationMs)),
  UPSTREAM_HOST: (c) => str(c.upstreamHost),
  UPSTREAM_CLUSTER: (c) => str(c.upstreamCluster),
  UPSTREAM_CLUSTER_RAW: (c) => str(c.upstreamCluster),
  UPSTREAM_LOCAL_ADDRESS: (c) => str(c.upstreamLocalAddress),
  UPSTREAM_REMOTE_ADDRESS: (c) => str(c.upstreamHost),
  DOWNSTREAM_LOCAL_ADDRESS: (c) => str(c.downstreamLocalAddress),
  DOWNSTREAM_REMOTE_ADDRESS: (c) => str(c.downstreamRemoteAddress),
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: (c) => str(c.downstreamRemoteAddress),
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (c) => str(withoutPort(c.downstreamLocalAddress)),
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (c) => str(withoutPort(c.downstreamRemoteAddress)),
  REQUESTED_SERVER_NAME: (c) => str(c.requestedServerName),
  ROUTE_NAME: (c) => str(c.routeName),
  UPSTREAM_REQUEST_ATTEMPT_COUNT: (c) => num(c.attemptCount),
};

function withoutPort(a: string): string {
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']'));
  const i = a.lastIndexOf(':');
  return i < 0 ? a : a.slice(0, i);
}

/** One `%...%` command: NAME, NAME(arg), NAME(arg):len. */
function compileOperator(command: string): Operator | string {
  const m = /^([A-Z_0-9]+)(?:\(([^)]*)\))?(?::(\d+))?$/.exec(command);
  if (!m) return `Incorrect configuration: ${command}. Couldn't find valid command at position 0`;
  const [, name, arg, len] = m;
  const maxLen = len === undefined ? undefined : Number(len);
  switch (name) {
    case 'START_TIME': return startTime(arg);
    case 'REQ': return arg ? headerOperator(arg, maxLen, (c, n) => c.requestHeader(n)) : 'Invalid header configuration. Format string contains empty header.';
    case 'RESP': return arg ? headerOperator(arg, maxLen, (c, n) => c.responseHeader(n)) : 'Invalid header configuration. Format string contains empty header.';
    case 'TRAILER': return arg ? headerOperator(arg, maxLen, (c, n) => c.responseTrailer(n)) : 'Invalid header configuration. Format string contains empty header.';
  }
  const op = SIMPLE[name];
  return op ?? `Not supported field in StreamInfo: ${name}`;
}

function compileParts(format: string): Result<Part[]> {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    // NAME, NAME(arg) — arg may hold '%' (START_TIME's strftime) — then :len, then the closing '%'.
    let j = i + 1;
    while (j < format.length && /[A-Z_0-9]/.test(format[j])) j++;
    if (format[j] === '(') {
      const close = format.indexOf(')', j);
      j = close < 0 ? format.length : close + 1;
    }
    const end = format.indexOf('%', j);
    if (end < 0) return fail(`Incorrect configuration: ${format}. Couldn't find valid command at position ${i}`);
    const op = compileOperator(format.slice(i + 1, end));
    if (typeof op === 'string') return fail(op);
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(op);
    i = end + 1;
  }
  if (literal !== '') parts.push(literal);
  return ok(parts);
}

export type LogFormatter = (c: AccessLogContext) => string;

export function compileTextFormat(format: string, omitEmptyValues = false): Result<LogFormatter> {
  const compiled = compileParts(format);
  if (!compiled.ok) return compiled;
  const parts = compiled.value;
  const empty = omitEmptyValues ? '' : '-';
  return ok((c) => {
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (typeof p === 'string') out += p;
      else {
        const v = p(c);
        out += v === null ? empty : String(v);
      }
    }
    return out;
  });
}

/** A json_format Struct (as plain JSON) → one JSON object per line. Nested objects are templates too. */
export function compileJsonFormat(format: Readonly<Record<string, unknown>>, omitEmptyValues = false): Result<LogFormatter> {
  const errors: string[] = [];
  type Node = { kind: 'object'; entries: [string, Node][] } | { kind: 'one'; op: Operator } | { kind: 'parts'; parts: Part[] } | { kind: 'literal'; value: unknown };
  const build = (v: unknown): Node => {
    if (typeof v === 'string') {
      const c = compileParts(v);
      if (!c.ok) {
        errors.push(...c.errors);
        return { kind: 'literal', value: v };
      }
      if (c.value.length === 1 && typeof c.value[0] !== 'string') return { kind: 'one', op: c.value[0] };
      return { kind: 'parts', parts: c.value };
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return { kind: 'object', entries: Object.keys(v).sort().map((k) => [k, build((v as Record<string, unknown>)[k])]) };
    }
    return { kind: 'literal', value: v };
  };
  const root = build(format);
  if (errors.length > 0) return fail(...errors);
  const evaluate = (n: Node, c: AccessLogContext): unknown => {
    switch (n.kind) {
      case 'literal': return n.value;
      case 'one': return n.op(c);
      case 'parts': {
        let out = '';
        for (const p of n.parts) {
          if (typeof p === 'string') out += p;
          else out += String(p(c) ?? '-');
        }
        return out;
      }
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const [k, child] of n.entries) {
          const v = evaluate(child, c);
          if (omitEmptyValues && (v === null || v === '')) continue;
          o[k] = v;
        }
        return o;
      }
    }
  };
  return ok((c) => `${JSON.stringify(evaluate(root, c))}\n`);
}
