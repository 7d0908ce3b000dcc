/**
 * curlimages/curl's `curl`: the options in ./options.ts, over HTTP_PROXY /
 * HTTPS_PROXY / NO_PROXY (or -x/--noproxy) as curl reads them, following
 * redirects with -L, and curl's exit codes and `curl: (N) text` errors on
 * stderr (shown unless -s, or with -sS). Not done: the progress meter,
 * HTTP/2, cookies jars, uploads with -T/-F.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { proxyFor } from '../runtime-env/outbound-proxy.ts';
import { exitQuietlyOnClosedStdout } from '../runtime-env/listen-address.ts';
import { CURL_VERSION, CurlUsageError, parseCurlArgs, type CurlOptions } from './options.ts';
import { transfer, type TransferResult } from './transfer.ts';
import { formatWriteOut } from './write-out.ts';

const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n";

function usage(message: string): never {
  process.stderr.write(`curl: ${message}\n${TRY_HELP}`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(TRY_HELP);
    return 2;
  }
  if (argv.includes('--version') || argv.includes('-V')) {
    process.stdout.write(`curl ${CURL_VERSION} (x86_64-pc-linux-musl) skiff built-in\nProtocols: http https\nFeatures: IPv6 Largefile SSL\n`);
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: curl [options...] <url>\n -d, --data <data>          HTTP POST data\n -f, --fail                 Fail fast with no output on HTTP errors\n -H, --header <header/@file> Pass custom header(s) to server\n -i, --include              Include response headers in output\n -I, --head                 Show document info only\n -L, --location             Follow redirects\n -m, --max-time <seconds>   Maximum time allowed for transfer\n -o, --output <file>        Write to file instead of stdout\n -s, --silent               Silent mode\n -S, --show-error           Show error even when -s is used\n -v, --verbose              Make the operation more talkative\n -w, --write-out <format>   Use output FORMAT after completion\n -X, --request <method>     Specify request method to use\n');
    return 0;
  }
  let options: CurlOptions;
  try {
    options = parseCurlArgs(argv);
  } catch (err) {
    if (err instanceof CurlUsageError) usage(err.message);
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`curl: (26) Failed to open/read local data from file/application${e.path ? `: ${e.path}` : ''}\n`);
    return 26;
  }
  if (options.output && options.output !== '-') writeFileSync(options.output, '');
  let exitCode = 0;
  for (const raw of options.urls) {
    const code = await fetchOne(raw, options);
    if (code !== 0) exitCode = code;
  }
  return exitCode;
}

function showError(o: CurlOptions, code: number, message: string): void {
  if (!o.silent || o.showError) process.stderr.write(`curl: (${code}) ${message}\n`);
}

function write(o: CurlOptions, data: Buffer | string): void {
  if (o.output && o.output !== '-') appendFileSync(o.output, data);
  else process.stdout.write(data);
}

async function fetchOne(raw: string, o: CurlOptions): Promise<number> {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    showError(o, 3, 'URL rejected: Malformed input to a URL function');
    return 3;
  }
  let method = o.method ?? (o.head ? 'HEAD' : o.data.length > 0 && !o.get ? 'POST' : 'GET');
  const data = o.data.join('&');
  if (o.get && data) url.search = url.search ? `${url.search}&${data}` : `?${data}`;
  let body = data && !o.get ? Buffer.from(data) : undefined;
  const env = o.proxy !== undefined ? { http_proxy: o.proxy, https_proxy: o.proxy, no_proxy: o.noProxy ?? process.env.no_proxy ?? process.env.NO_PROXY } : { ...process.env, ...(o.noProxy !== undefined ? { no_proxy: o.noProxy, NO_PROXY: o.noProxy } : {}) };
  const trace = o.verbose ? (line: string): void => { process.stderr.write(`${line}\n`); } : undefined;
  let redirects = 0;
  for (;;) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      showError(o, 1, `Protocol "${url.protocol.replace(/:$/, '')}" not supported`);
      return 1;
    }
    const headers = requestHeaders(url, o, body);
    const proxy = o.proxy === '' ? undefined : proxyFor(url, env);
    const result = await transfer({ url, method, headers, body, proxy, resolve: o.resolve, insecure: o.insecure, cacert: o.cacert, maxTimeMs: o.maxTimeMs, connectTimeoutMs: o.connectTimeoutMs, trace });
    const location = result.rawHeaders.find((_, i, a) => i % 2 === 0 && a[i].toLowerCase() === 'location') ? headerValue(result, 'location') : undefined;
    const isRedirect = !result.failure && o.location && result.status !== undefined && [301, 302, 303, 307, 308].includes(result.status) && location !== undefined;
    if (isRedirect && redirects >= o.maxRedirs) {
      showError(o, 47, `Maximum (${o.maxRedirs}) redirects followed`);
      return 47;
    }
    let exitCode = result.failure?.exitCode ?? 0;
    let failed = result.failure;
    const httpError = !failed && o.fail && result.status !== undefined && result.status >= 400;
    if (httpError) {
      exitCode = 22;
      failed = { exitCode: 22, message: `The requested URL returned error: ${result.status}` };
    }
    if (result.status !== undefined && (o.include || o.head || (isRedirect && o.include)) && !(httpError && !o.failWithBody)) write(o, headBlock(result));
    if (!isRedirect && result.status !== undefined && !o.head && method !== 'HEAD' && !(httpError && !o.failWithBody)) write(o, result.body);
    if (isRedirect) {
      redirects++;
      url = new URL(location!, url);
      if (result.status === 303 || ((result.status === 301 || result.status === 302) && method === 'POST')) {
        method = o.head ? 'HEAD' : 'GET';
        body = undefined;
      }
      continue;
    }
    if (failed) showError(o, failed.exitCode, failed.message);
    if (o.writeOut !== undefined) {
      const pieces = formatWriteOut(o.writeOut, { result, exitCode, numRedirects: redirects, method, sizeRequest: 0, sizeUpload: body?.length ?? 0 }, (t) => process.stderr.write(t));
      for (const p of pieces) {
        if (p.stream === 'stderr') process.stderr.write(p.text);
        else process.stdout.write(p.text);
      }
    }
    return exitCode;
  }
}

function headerValue(result: TransferResult, name: string): string | undefined {
  for (let i = 0; i < result.rawHeaders.length; i += 2) if (result.rawHeaders[i].toLowerCase() === name) return result.rawHeaders[i + 1];
  return undefined;
}

function headBlock(result: TransferResult): string {
  let text = `HTTP/${result.httpVersion} ${result.status}${result.statusMessage && result.httpVersion === '1.1' ? ` ${result.statusMessage}` : ''}\r\n`;
  for (let i = 0; i < result.rawHeaders.length; i += 2) text += `${result.rawHeaders[i]}: ${result.rawHeaders[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/** curl's defaults (Host, User-Agent, Accept), then -u and the data headers; each -H replaces a default of that name, `Name:` removes it. */
function requestHeaders(url: URL, o: CurlOptions, body: Buffer | undefined): [string, string][] {
  const headers: [string, string][] = [['Host', url.host], ['User-Agent', o.userAgent], ['Accept', '*/*']];
  if (o.user !== undefined) headers.push(['Authorization', `Basic ${Buffer.from(o.user.includes(':') ? o.user : `${o.user}:`).toString('base64')}`]);
  if (body) {
    headers.push(['Content-Length', String(body.length)]);
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  for (const h of o.headers) {
    const semi = /^([^:;]+);\s*$/.exec(h);
    const colon = h.indexOf(':');
    const name = semi ? semi[1].trim() : colon > 0 ? h.slice(0, colon).trim() : '';
    if (!name) continue;
    const value = semi ? '' : h.slice(colon + 1).trim();
    const at = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    if (!semi && value === '') {
      if (at >= 0) headers.splice(at, 1);
    } else if (at >= 0) headers[at] = [name, value];
    else headers.push([name, value]);
  }
  return headers;
}

exitQuietlyOnClosedStdout();
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(`curl: (2) ${err.message}\n`);
    process.exitCode = 2;
  },
);
