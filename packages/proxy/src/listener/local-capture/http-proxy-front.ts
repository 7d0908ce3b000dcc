/**
 * Outbound capture without iptables (ADR 0004 point 3): applications send
 * their requests to virtualOutbound (POD_IP:15001) as to an HTTP proxy
 * (HTTP_PROXY). The first request head decides where the connection goes:
 *
 * - absolute form (`GET http://reviews:9080/x HTTP/1.1`): original
 *   destination reviews:9080, the request line rewritten to origin form
 *   (`GET /x HTTP/1.1`), Host kept (added from the URL if missing), the
 *   non-standard Proxy-Connection header dropped;
 * - `CONNECT host:port`: `HTTP/1.1 200 Connection established`, then the
 *   tunnel's bytes with original destination host:port;
 * - anything else: the connection as it came (its original destination is
 *   the socket's own address, which virtualOutbound's blackhole chain for
 *   15001 refuses, as Envoy does against loops).
 *
 * The hand-off is virtualOutbound's use_original_dst: the listener for the
 * destination's port (`0.0.0.0_9080`), else virtualOutbound's own chains
 * (PassthroughCluster or BlackHoleCluster). The rest of a keep-alive
 * connection follows the first request's destination, as a tunnel would.
 */
import type { Socket } from 'node:net';
import type { SocketAddress } from '../../xds-client/types.ts';

/** Envoy's default max_request_headers_kb (60 KiB). */
const MAX_HEAD_BYTES = 60 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export type ProxyRequestTarget =
  | { readonly kind: 'absolute'; readonly destination: SocketAddress; readonly head: Buffer }
  | { readonly kind: 'connect'; readonly destination: SocketAddress }
  | { readonly kind: 'other' }
  | { readonly kind: 'invalid'; readonly status: 400 | 431 };

/** `host:port`, `[v6]:port`; the default port when none is given. */
function splitAuthority(authority: string, defaultPort: number | undefined): SocketAddress | undefined {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(authority) ?? /^([^:[\]/@\s]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { address: m[1].toLowerCase(), port };
}

/**
 * Reads a complete request head (through CRLFCRLF) and says what it asks
 * for; `undefined` while more bytes are needed.
 */
export function parseProxyRequestHead(buffered: Buffer): ProxyRequestTarget | undefined {
  const lineEnd = buffered.indexOf('\r\n');
  const firstLine = buffered.subarray(0, lineEnd < 0 ? Math.min(buffered.length, 17) : lineEnd).toString('latin1');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(firstLine);
  if (lineEnd < 0) {
    // Not (yet) a request line: decide as soon as it cannot be one.
    if (!/^[A-Z]{0,16}$/.test(firstLine) && !/^[A-Z]{1,16} /.test(firstLine)) return { kind: 'other' };
    return buffered.length > MAX_HEAD_BYTES ? { kind: 'invalid', status: 431 } : undefined;
  }
  if (!m) return { kind: 'other' };
  const [, method, target] = m;
  if (method !== 'CONNECT' && !/^http:\/\//i.test(target)) return { kind: 'other' };
  const end = buffered.indexOf(HEAD_END);
  if (end < 0) return buffered.length > MAX_HEAD_BYTES ? { kind: 'invalid', status: 431 } : undefined;
  if (end > MAX_HEAD_BYTES) return { kind: 'invalid', status: 431 };
  if (method === 'CONNECT') {
    const destination = splitAuthority(target, undefined);
    return destination ? { kind: 'connect', destination } : { kind: 'invalid', status: 400 };
  }
  const rest = target.slice('http://'.length);
  const slash = rest.search(/[/?]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '/' : rest[slash] === '?' ? `/${rest.slice(slash)}` : rest.slice(slash);
  const destination = splitAuthority(authority.slice(authority.lastIndexOf('@') + 1), 80);
  if (!destination) return { kind: 'invalid', status: 400 };
  const headerLines = buffered.subarray(lineEnd + 2, end).toString('latin1').split('\r\n').filter((l) => l !== '');
  const kept = headerLines.filter((l) => !/^proxy-connection\s*:/i.test(l));
  if (!kept.some((l) => /^host\s*:/i.test(l))) kept.unshift(`Host: ${authority}`);
  const head = Buffer.from(`${method} ${path} ${firstLine.slice(firstLine.lastIndexOf(' ') + 1)}\r\n${kept.map((l) => `${l}\r\n`).join('')}\r\n`, 'latin1');
  return { kind: 'absolute', destination, head };
}

export interface HttpProxyFrontOptions {
  /** Hands the socket on with its original destination (virtualOutbound's use_original_dst). */
  readonly handOff: (socket: Socket, originalDestination: SocketAddress | undefined) => void;
}

/** Takes over one connection accepted on virtualOutbound until its first request head is read. */
export function acceptProxyConnection(socket: Socket, o: HttpProxyFrontOptions): void {
  let buffered: Buffer = Buffer.alloc(0);
  const onError = (): void => {
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const target = parseProxyRequestHead(buffered);
    if (target === undefined) return;
    socket.off('data', onData);
    socket.off('error', onError);
    socket.pause();
    if (target.kind === 'invalid') {
      const reason = target.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
      socket.end(`HTTP/1.1 ${target.status} ${reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      return;
    }
    if (target.kind === 'other') {
      socket.unshift(buffered);
      resume(socket, () => o.handOff(socket, undefined));
      return;
    }
    const headEnd = buffered.indexOf(HEAD_END) + HEAD_END.length;
    const after = buffered.subarray(headEnd);
    if (target.kind === 'connect') {
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (after.length > 0) socket.unshift(after);
    } else socket.unshift(after.length > 0 ? Buffer.concat([target.head, after]) : target.head);
    resume(socket, () => o.handOff(socket, target.destination));
  };
  socket.on('data', onData);
  socket.on('error', onError);
}

/** Hands on a paused socket, resuming it if the new owner reads with 'data' listeners (tcp_proxy resumes it itself once connected). */
function resume(socket: Socket, handOff: () => void): void {
  handOff();
  if (socket.listenerCount('data') > 0 && !socket.destroyed) socket.resume();
}
