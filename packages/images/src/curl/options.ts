/**
 * curl's command line, for the options the seed labs and Istio's tasks use:
 * combined short flags (`-sSL`), attached values (`-o/dev/null`,
 * `-w%{http_code}`), repeated `-H`/`-d`, several URLs, and curl's usage
 * errors (exit 2) for unknown options or a missing URL.
 */
import { readFileSync } from 'node:fs';

export interface CurlOptions {
  readonly urls: string[];
  silent: boolean;
  showError: boolean;
  output?: string;
  writeOut?: string;
  head: boolean;
  include: boolean;
  headers: string[];
  method?: string;
  data: string[];
  dataIsUrlencoded: boolean;
  verbose: boolean;
  location: boolean;
  maxRedirs: number;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  insecure: boolean;
  resolve: { host: string; port: number; address: string }[];
  fail: boolean;
  failWithBody: boolean;
  user?: string;
  userAgent: string;
  proxy?: string;
  noProxy?: string;
  get: boolean;
  cacert?: string;
}

export class CurlUsageError extends Error {
  override readonly name = 'CurlUsageError';
}

export const CURL_VERSION = '8.11.1';

/** Short options that take a value. */
const SHORT_VALUE: Record<string, string> = { o: 'output', w: 'write-out', H: 'header', X: 'request', d: 'data', m: 'max-time', u: 'user', A: 'user-agent', x: 'proxy', e: 'referer', b: 'cookie', D: 'dump-header', T: 'upload-file', F: 'form', r: 'range', E: 'cert' };
const SHORT_FLAG: Record<string, string> = { s: 'silent', S: 'show-error', I: 'head', i: 'include', v: 'verbose', L: 'location', k: 'insecure', f: 'fail', G: 'get', N: 'no-buffer', 4: 'ipv4', 6: 'ipv6', '0': 'http1.0', '#': 'progress-bar', q: 'disable' };
const LONG_VALUE = new Set(['output', 'write-out', 'header', 'request', 'data', 'data-raw', 'data-binary', 'data-ascii', 'data-urlencode', 'max-time', 'connect-timeout', 'resolve', 'user', 'user-agent', 'proxy', 'noproxy', 'max-redirs', 'url', 'cacert', 'cert', 'key', 'referer', 'cookie', 'retry', 'retry-delay', 'retry-max-time', 'dump-header', 'connect-to', 'range']);
const LONG_FLAG = new Set(['silent', 'show-error', 'head', 'include', 'verbose', 'location', 'insecure', 'fail', 'fail-with-body', 'get', 'no-buffer', 'ipv4', 'ipv6', 'http1.0', 'http1.1', 'http2', 'http2-prior-knowledge', 'compressed', 'progress-bar', 'disable', 'no-keepalive', 'tcp-nodelay', 'no-progress-meter', 'retry-all-errors', 'retry-connrefused', 'location-trusted', 'no-silent', 'no-show-error', 'no-fail']);

export function parseCurlArgs(argv: readonly string[]): CurlOptions {
  const o: CurlOptions = {
    urls: [], silent: false, showError: false, head: false, include: false, headers: [], data: [], dataIsUrlencoded: false, verbose: false,
    location: false, maxRedirs: 50, insecure: false, resolve: [], fail: false, failWithBody: false, userAgent: `curl/${CURL_VERSION}`, get: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (name: string): string => {
      if (i + 1 >= argv.length) throw new CurlUsageError(`option ${name}: requires parameter`);
      return argv[++i];
    };
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (LONG_VALUE.has(name)) apply(o, name, eq > 0 ? arg.slice(eq + 1) : next(`--${name}`), `--${name}`);
      else if (LONG_FLAG.has(name)) apply(o, name, '', `--${name}`);
      else throw new CurlUsageError(`option --${name}: is unknown`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j];
        if (SHORT_VALUE[c]) {
          const rest = arg.slice(j + 1);
          apply(o, SHORT_VALUE[c], rest || next(`-${c}`), `-${c}`);
          break;
        }
        if (!SHORT_FLAG[c]) throw new CurlUsageError(`option -${c}: is unknown`);
        apply(o, SHORT_FLAG[c], '', `-${c}`);
      }
    } else {
      o.urls.push(arg);
    }
  }
  if (o.urls.length === 0) throw new CurlUsageError('no URL specified!');
  return o;
}

function apply(o: CurlOptions, name: string, value: string, spelled: string): void {
  switch (name) {
    case 'silent': o.silent = true; return;
    case 'no-silent': o.silent = false; return;
    case 'show-error': o.showError = true; return;
    case 'no-show-error': o.showError = false; return;
    case 'output': o.output = value; return;
    case 'write-out': o.writeOut = value.startsWith('@') ? readFileSync(value === '@-' ? 0 : value.slice(1), 'utf8') : value; return;
    case 'head': o.head = true; return;
    case 'include': o.include = true; return;
    case 'header': o.headers.push(value); return;
    case 'request': o.method = value; return;
    case 'data': case 'data-ascii': o.data.push(value.startsWith('@') ? readFileSync(value === '@-' ? 0 : value.slice(1), 'utf8').replace(/[\r\n]/g, '') : value); return;
    case 'data-binary': o.data.push(value.startsWith('@') ? readFileSync(value === '@-' ? 0 : value.slice(1), 'utf8') : value); return;
    case 'data-raw': o.data.push(value); return;
    case 'data-urlencode': {
      const eq = value.indexOf('=');
      o.data.push(eq >= 0 ? `${value.slice(0, eq)}=${encodeURIComponent(value.slice(eq + 1))}` : encodeURIComponent(value));
      return;
    }
    case 'verbose': o.verbose = true; return;
    case 'location': case 'location-trusted': o.location = true; return;
    case 'max-redirs': o.maxRedirs = Number(value); return;
    case 'max-time': o.maxTimeMs = seconds(value, spelled); return;
    case 'connect-timeout': o.connectTimeoutMs = seconds(value, spelled); return;
    case 'insecure': o.insecure = true; return;
    case 'resolve': {
      const m = /^\+?([^:]+|\[[^\]]+\]):(\d+):(.+)$/.exec(value);
      if (!m) throw new CurlUsageError(`option ${spelled}: bad argument "${value}"`);
      o.resolve.push({ host: m[1].replace(/^\[(.*)\]$/, '$1').toLowerCase(), port: Number(m[2]), address: m[3].split(',')[0].replace(/^\[(.*)\]$/, '$1') });
      return;
    }
    case 'fail': o.fail = true; return;
    case 'no-fail': o.fail = false; return;
    case 'fail-with-body': o.failWithBody = true; return;
    case 'user': o.user = value; return;
    case 'user-agent': o.userAgent = value; return;
    case 'proxy': o.proxy = value; return;
    case 'noproxy': o.noProxy = value; return;
    case 'get': o.get = true; return;
    case 'url': o.urls.push(value); return;
    case 'cacert': o.cacert = value; return;
    case 'referer': o.headers.push(`Referer: ${value}`); return;
    case 'cookie': o.headers.push(`Cookie: ${value}`); return;
    default: return; // accepted and without effect here: --compressed, --http1.1, -N, --retry ...
  }
}

function seconds(value: string, spelled: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CurlUsageError(`option ${spelled}: expected a proper numerical parameter`);
  return n * 1000;
}
