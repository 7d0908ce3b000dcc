/**
 * The downstream envoy.transport_sockets.tls socket of a filter chain
 * (DownstreamTlsContext): terminates TLS on an accepted connection with a
 * node:tls TLSSocket over it, in server mode, with the context current at
 * accept time. A client certificate is asked for when a trust bundle is
 * configured; it is verified against the bundle and the SAN matchers, and
 * required when require_client_certificate is set. ALPN: the server picks
 * from alpn_protocols among what the client offered (the TLS inspector
 * read it); no overlap means no ALPN, as in Envoy, not a failed handshake.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { DownstreamTlsConfig } from './config.ts';
import { TlsContextProvider } from './context-provider.ts';
import type { SecretManager } from './secret-manager.ts';
import type { SslStats } from './stats.ts';

/**
 * OpenSSL's verdict on the client's chain. tls.Server sets `authorized` from
 * exactly this call when a connection is secure; a TLSSocket made over an
 * accepted socket (as here, after the TLS inspector) never sets it.
 */
function peerVerifyError(tls: TLSSocket): Error | null {
  const handle = (tls as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (typeof handle?.verifyError !== 'function') return new Error('the TLS handle has no verify result');
  return handle.verifyError();
}

export class DownstreamTlsSocketFactory {
  readonly config: DownstreamTlsConfig;
  readonly #provider: TlsContextProvider;
  readonly #stats: SslStats;
  readonly #log: ((line: string) => void) | undefined;

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
  wrap(socket: Socket, offeredAlpn: readonly string[] | undefined, onSecure: (tls: TLSSocket) => void): void {
    const ctx = this.#provider.current();
    if (!ctx.ok) {
      this.#stats.connection_error.inc();
      this.#log?.(`TLS context for downstream connection unavailable: ${ctx.errors.join('; ')}`);
      socket.destroy();
      return;
    }
    const c = ctx.value;
    const alpn = this.#provider.alpnProtocols;
    const chosen = offeredAlpn === undefined ? alpn : alpn.filter((p) => offeredAlpn.includes(p));
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: c.secureContext,
      requestCert: c.verifyChain || c.hasSanMatchers || this.config.requireClientCertificate,
      rejectUnauthorized: false,
      ALPNProtocols: chosen.length > 0 ? [...chosen] : undefined,
    });
    let secure = false;
    tls.once('secure', () => {
      const peer = tls.getPeerCertificate();
      const present = peer !== null && peer !== undefined && Object.keys(peer).length > 0;
      if (!present) {
        if (this.config.requireClientCertificate) return this.#reject(tls, 'fail_verify_no_cert');
        this.#stats.no_certificate.inc();
      } else {
        if (c.verifyChain && peerVerifyError(tls) !== null) return this.#reject(tls, 'fail_verify_error');
        if (!c.sanCheck(peer)) return this.#reject(tls, 'fail_verify_san');
      }
      secure = true;
      this.#stats.handshake.inc();
      onSecure(tls);
    });
    tls.on('error', () => {
      if (!secure) this.#stats.connection_error.inc();
      tls.destroy();
    });
  }

  #reject(tls: TLSSocket, reason: 'fail_verify_no_cert' | 'fail_verify_error' | 'fail_verify_san'): void {
    this.#stats[reason].inc();
    this.#stats.connection_error.inc();
    tls.destroy();
  }
}
