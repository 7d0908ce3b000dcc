/**
 * The downstream envoy.transport_sockets.tls socket of a filter chain
 * (DownstreamTlsContext): terminates TLS on an accepted connection, after
 * the TLS inspector chose the chain, with the context current at accept
 * time. The handshake runs in a node:tls Server that never listens: the
 * accepted socket is handed to it, as Node's own TLS servers take theirs,
 * so the peer's chain is verified the standard way and HTTP/2 sessions
 * work over the result. One such server per context (and per ALPN use):
 * a rotated secret gets new servers; open connections keep their own.
 *
 * A client certificate is asked for when a trust bundle or SAN matchers
 * are configured; it is verified against the bundle and the SAN matchers,
 * and required with require_client_certificate. ALPN: the server picks from
 * alpn_protocols among what the client offered (the TLS inspector read
 * it); no overlap means no ALPN, as in Envoy, not a failed handshake.
 */
import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { DownstreamTlsConfig } from './config.ts';
import { TlsContextProvider, type ResolvedTlsContext } from './context-provider.ts';
import type { SecretManager } from './secret-manager.ts';
import type { SslStats } from './stats.ts';

type OnSecure = (tls: TLSSocket) => void;

interface ContextServers {
  readonly ctx: ResolvedTlsContext;
  withAlpn?: Server;
  withoutAlpn?: Server;
}

/** Node keeps the accepted socket a TLSSocket was made over as `_parent`. */
function rawSocketOf(tls: TLSSocket): Socket | undefined {
  return (tls as unknown as { _parent?: Socket })._parent;
}

export class DownstreamTlsSocketFactory {
  readonly config: DownstreamTlsConfig;
  readonly #provider: TlsContextProvider;
  readonly #stats: SslStats;
  readonly #log: ((line: string) => void) | undefined;
  readonly #pending = new WeakMap<Socket, OnSecure>();
  #servers: ContextServers | undefined;

  constructor(config: DownstreamTlsConfig, secrets: SecretManager, stats: SslStats, log?: (line: string) => void) {
    this.config = config;
    this.#provider = new TlsContextProvider(config.common, secrets);
    this.#stats = stats;
    this.#log = log;
  }

  /**
   * Starts the server handshake on `socket`; `onSecure` gets the TLSSocket
   * once the handshake and the peer checks passed. On failure the
   * connection is closed and counted (ssl.connection_error and the reason).
   */
  wrap(socket: Socket, offeredAlpn: readonly string[] | undefined, onSecure: OnSecure): void {
    const ctx = this.#provider.current();
    if (!ctx.ok) {
      this.#stats.connection_error.inc();
      this.#log?.(`TLS context for downstream connection unavailable: ${ctx.errors.join('; ')}`);
      socket.destroy();
      return;
    }
    if (this.#servers?.ctx !== ctx.value) this.#servers = { ctx: ctx.value };
    const alpn = this.#provider.alpnProtocols;
    const useAlpn = alpn.length > 0 && (offeredAlpn === undefined || alpn.some((p) => offeredAlpn.includes(p)));
    const servers = this.#servers;
    const server = useAlpn ? (servers.withAlpn ??= this.#createServer(ctx.value, alpn)) : (servers.withoutAlpn ??= this.#createServer(ctx.value, []));
    this.#pending.set(socket, onSecure);
    server.emit('connection', socket);
  }

  #createServer(c: ResolvedTlsContext, alpn: readonly string[]): Server {
    const server = createServer({
      ...c.options,
      requestCert: c.verifyChain || c.hasSanMatchers || this.config.requireClientCertificate,
      rejectUnauthorized: false,
      ALPNProtocols: alpn.length > 0 ? [...alpn] : undefined,
    });
    server.on('secureConnection', (tls: TLSSocket) => this.#onSecure(c, tls));
    server.on('tlsClientError', (_err: Error, tls: TLSSocket) => {
      this.#stats.connection_error.inc();
      const raw = rawSocketOf(tls);
      if (raw) this.#pending.delete(raw);
      tls.destroy();
    });
    return server;
  }

  #onSecure(c: ResolvedTlsContext, tls: TLSSocket): void {
    const raw = rawSocketOf(tls);
    const onSecure = raw && this.#pending.get(raw);
    if (raw) this.#pending.delete(raw);
    if (!onSecure) {
      tls.destroy();
      return;
    }
    const peer = tls.getPeerCertificate();
    const present = peer !== null && peer !== undefined && Object.keys(peer).length > 0;
    if (!present) {
      if (this.config.requireClientCertificate) return this.#reject(tls, 'fail_verify_no_cert');
      this.#stats.no_certificate.inc();
    } else {
      if (c.verifyChain && !tls.authorized) return this.#reject(tls, 'fail_verify_error');
      if (!c.sanCheck(peer)) return this.#reject(tls, 'fail_verify_san');
    }
    this.#stats.handshake.inc();
    tls.on('error', () => tls.destroy());
    onSecure(tls);
  }

  #reject(tls: TLSSocket, reason: 'fail_verify_no_cert' | 'fail_verify_error' | 'fail_verify_san'): void {
    this.#stats[reason].inc();
    this.#stats.connection_error.inc();
    tls.destroy();
  }
}
