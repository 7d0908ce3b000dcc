/**
 * One curl transfer: a request to one URL (through HTTP_PROXY/-x when set:
 * absolute form for http, a CONNECT tunnel for https) and what came back or
 * how it failed, as curl's exit code and error text (7 connection refused,
 * 6 unresolved host, 28 timeout, 52 empty reply, 56 reset, 60 certificate).
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { requestTarget } from '../runtime-env/outbound-proxy.ts';

export interface CurlFailure {
  readonly exitCode: number;
  readonly message: string;
}

export interface TransferRequest {
  readonly url: URL;
  readonly method: string;
  /** In sending order; names as the user spelled them. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
  readonly proxy?: URL;
  readonly resolve: readonly { host: string; port: number; address: string }[];
  readonly insecure: boolean;
  readonly cacert?: string;
  readonly maxTimeMs?: number;
  readonly connectTimeoutMs?: number;
  /** -v: called with each line curl prints to stderr (without the newline). */
  readonly trace?: (line: string) => void;
}

export interface TransferResult {
  readonly url: URL;
  status?: number;
  httpVersion?: string;
  statusMessage?: string;
  rawHeaders: string[];
  body: Buffer;
  failure?: CurlFailure;
  remoteIp?: string;
  remotePort?: number;
  localIp?: string;
  localPort?: number;
  /** Seconds from the start, curl's -w time_* variables. */
  readonly timings: { namelookup: number; connect: number; appconnect: number; pretransfer: number; starttransfer: number; total: number };
}

export function transfer(req: TransferRequest): Promise<TransferResult> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const result: TransferResult = { url: req.url, rawHeaders: [], body: Buffer.alloc(0), timings: { namelookup: 0, connect: 0, appconnect: 0, pretransfer: 0, starttransfer: 0, total: 0 } };
  const target = requestTarget(req.url, req.proxy);
  const isHttps = req.url.protocol === 'https:';
  const tunnel = isHttps && req.proxy !== undefined;
  const override = req.resolve.find((r) => r.host === req.url.hostname.toLowerCase() && r.port === Number(req.url.port || (isHttps ? 443 : 80)));
  const connectHost = tunnel ? req.proxy!.hostname : !target.viaProxy && override ? override.address : target.connectHost;
  const connectPort = tunnel ? Number(req.proxy!.port || 1080) : target.connectPort;
  const connectName = tunnel || target.viaProxy ? req.proxy!.hostname : req.url.hostname;
  const trace = req.trace ?? ((): void => {});

  return new Promise((resolve) => {
    let done = false;
    let received = 0;
    let socketError: NodeJS.ErrnoException | undefined;
    let connected = false;
    let current: ClientRequest | undefined;
    /** -v prints the request once the connection is up, as curl does. */
    let requestTrace: string[] = [];
    const timers: NodeJS.Timeout[] = [];
    const finish = (failure?: CurlFailure): void => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      result.failure = failure;
      result.timings.total = elapsed();
      if (failure) current?.destroy();
      resolve(result);
    };
    if (req.maxTimeMs !== undefined && req.maxTimeMs > 0) {
      timers.push(setTimeout(() => {
        const ms = Math.round(elapsed() * 1000);
        finish({ exitCode: 28, message: connected ? `Operation timed out after ${ms} milliseconds with ${received} bytes received` : `Failed to connect to ${connectName} port ${connectPort} after ${ms} ms: Timeout was reached` });
      }, req.maxTimeMs));
    }
    if (req.connectTimeoutMs !== undefined && req.connectTimeoutMs > 0) {
      timers.push(setTimeout(() => {
        if (!connected) finish({ exitCode: 28, message: `Failed to connect to ${connectName} port ${connectPort} after ${Math.round(elapsed() * 1000)} ms: Timeout was reached` });
      }, req.connectTimeoutMs));
    }
    const onError = (err: NodeJS.ErrnoException): void => finish(failureFor(socketError ?? err, { connected, responded: result.status !== undefined, name: connectName, port: connectPort, viaProxy: target.viaProxy || tunnel, ms: Math.round(elapsed() * 1000), url: req.url }));
    const watchSocket = (socket: Socket): void => {
      socket.on('error', (err: NodeJS.ErrnoException) => { socketError ??= err; });
      socket.once('lookup', () => { result.timings.namelookup = elapsed(); });
      socket.once('connect', () => {
        connected = true;
        result.timings.connect = elapsed();
        result.remoteIp = socket.remoteAddress;
        result.remotePort = socket.remotePort;
        result.localIp = socket.localAddress;
        result.localPort = socket.localPort;
        trace(`* Connected to ${connectName} (${socket.remoteAddress}) port ${socket.remotePort}`);
        requestTrace.forEach(trace);
        requestTrace = [];
      });
    };

    const send = (tunnelSocket?: TLSSocket): void => {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) headers[k] = v;
      const options: RequestOptions & { rejectUnauthorized?: boolean; servername?: string; ca?: Buffer } = {
        host: tunnelSocket ? req.url.hostname : connectHost,
        port: tunnelSocket ? Number(req.url.port || 443) : connectPort,
        method: req.method,
        path: target.viaProxy ? target.path : `${req.url.pathname || '/'}${req.url.search}`,
        headers,
        setHost: false,
        // Node uses createConnection only without an agent; `false` would make a fresh agent that ignores it.
        agent: tunnelSocket ? undefined : false,
      };
      if (tunnelSocket) options.createConnection = () => tunnelSocket;
      else if (isHttps) {
        options.rejectUnauthorized = !req.insecure;
        options.servername = req.url.hostname;
        if (req.cacert) options.ca = readFileSync(req.cacert);
      }
      if (!tunnelSocket) trace(`*   Trying ${connectHost}:${connectPort}...`);
      const client = (isHttps && !tunnelSocket ? httpsRequest : httpRequest)(options);
      current = client;
      // curl sends no Connection header; node would add `Connection: close` for an agent-less request.
      if (!req.headers.some(([k]) => k.toLowerCase() === 'connection')) client.removeHeader('Connection');
      client.on('socket', (socket: Socket) => {
        if (!tunnelSocket) watchSocket(socket);
        socket.once('secureConnect', () => { result.timings.appconnect = elapsed(); });
      });
      client.on('error', onError);
      client.on('response', (res: IncomingMessage) => {
        result.timings.starttransfer = elapsed();
        result.status = res.statusCode;
        result.httpVersion = res.httpVersion;
        result.statusMessage = res.statusMessage;
        result.rawHeaders = res.rawHeaders;
        trace(`< HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd());
        for (let i = 0; i < res.rawHeaders.length; i += 2) trace(`< ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        trace('< ');
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          received += c.length;
          chunks.push(c);
        });
        res.on('end', () => {
          result.body = Buffer.concat(chunks);
          if (tunnelSocket) tunnelSocket.destroy();
          trace(`* Connection #0 to host ${connectName} left intact`);
          finish();
        });
        res.on('error', onError);
        res.on('aborted', () => {
          result.body = Buffer.concat(chunks);
          finish(socketError?.code === 'ECONNRESET' ? { exitCode: 56, message: 'Recv failure: Connection reset by peer' } : { exitCode: 18, message: 'transfer closed with outstanding read data remaining' });
        });
      });
      const lines = [`> ${req.method} ${options.path} HTTP/1.1`, ...req.headers.map(([k, v]) => `> ${k}: ${v}`), '> '];
      if (connected) lines.forEach(trace);
      else requestTrace = lines;
      result.timings.pretransfer = elapsed();
      client.end(req.body);
    };

    if (!tunnel) {
      send();
      return;
    }
    // https through a proxy: CONNECT host:port, then TLS inside the tunnel.
    trace(`*   Trying ${connectHost}:${connectPort}...`);
    const authority = `${req.url.hostname}:${req.url.port || 443}`;
    const connectReq = httpRequest({ host: connectHost, port: connectPort, method: 'CONNECT', path: authority, headers: { Host: authority, 'User-Agent': req.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? 'curl' }, agent: false, setHost: false });
    current = connectReq;
    connectReq.on('socket', watchSocket);
    connectReq.on('error', onError);
    connectReq.on('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        finish({ exitCode: 56, message: `CONNECT tunnel failed, response ${res.statusCode}` });
        return;
      }
      trace(`* CONNECT tunnel established, response ${res.statusCode}`);
      const tls = tlsConnect({ socket, servername: req.url.hostname, rejectUnauthorized: !req.insecure, ca: req.cacert ? readFileSync(req.cacert) : undefined });
      tls.once('secureConnect', () => send(tls));
      tls.on('error', onError);
    });
    connectReq.end();
  });
}

interface FailureContext {
  connected: boolean;
  responded: boolean;
  name: string;
  port: number;
  viaProxy: boolean;
  ms: number;
  url: URL;
}

const CERT_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to get local issuer certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
};

function failureFor(err: NodeJS.ErrnoException, ctx: FailureContext): CurlFailure {
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ctx.viaProxy ? { exitCode: 5, message: `Could not resolve proxy: ${ctx.name}` } : { exitCode: 6, message: `Could not resolve host: ${ctx.name}` };
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return { exitCode: 7, message: `Failed to connect to ${ctx.name} port ${ctx.port} after ${ctx.ms} ms: Couldn't connect to server` };
  if (CERT_PROBLEMS[code]) return { exitCode: 60, message: `SSL certificate problem: ${CERT_PROBLEMS[code]}` };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { exitCode: 60, message: `SSL: no alternative certificate subject name matches target host name '${ctx.url.hostname}'` };
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/.test(err.message)) return { exitCode: 35, message: `TLS connect error: ${err.message}` };
  if (code === 'EPIPE') return { exitCode: 55, message: 'Send failure: Broken pipe' };
  if (code === 'ECONNRESET' && err.message === 'socket hang up' && !ctx.responded) return { exitCode: 52, message: 'Empty reply from server' };
  if (code === 'ECONNRESET') return ctx.connected ? { exitCode: 56, message: 'Recv failure: Connection reset by peer' } : { exitCode: 7, message: `Failed to connect to ${ctx.name} port ${ctx.port} after ${ctx.ms} ms: Couldn't connect to server` };
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) return { exitCode: 8, message: 'Weird server reply' };
  return { exitCode: 56, message: `Recv failure: ${err.message}` };
}
