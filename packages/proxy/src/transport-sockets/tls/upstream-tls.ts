/**
 * The upstream envoy.transport_sockets.tls socket of a cluster
 * (UpstreamTlsContext): opens a TLS connection with the context current
 * when the connection is made (rotation applies to new connections), SNI
 * from `sni`, ALPN from alpn_protocols, the client certificate when one is
 * configured (ISTIO_MUTUAL: SDS `default`), the server's chain verified
 * against the trust bundle (SDS `ROOTCA`) and its SANs against
 * match_typed_subject_alt_names (the destination's SPIFFE ids). A failed
 * handshake is a connect failure whose transport failure reason is
 * Envoy's `TLS_error:|…:TLS_error_end` text.
 */
import { connect as netConnect, Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { UpstreamTlsConfig } from './config.ts';
import { TlsContextProvider } from './context-provider.ts';
import type { SecretManager } from './secret-manager.ts';
import type { SslStats } from './stats.ts';
import { tlsFailureReason } from './tls-error.ts';

/** How a connection pool opens transport connections (raw_buffer or TLS). */
export interface UpstreamTransportSocket {
  /** 'connect' (TCP) or 'secureConnect' (TLS): the event after which requests may be written. */
  readonly readyEvent: 'connect' | 'secureConnect';
  /** `tls` or `raw_buffer`: part of a connection pool's identity, so TLS and plaintext never share a pool. */
  readonly kind: 'tls' | 'raw_buffer';
  connect(host: string, port: number): Socket;
  /** Why a connection that failed before it was ready failed, in Envoy's words (undefined: plain TCP failure). */
  failureReason(socket: Socket): string | undefined;
}

export const RAW_BUFFER_SOCKET: UpstreamTransportSocket = {
  readyEvent: 'connect',
  kind: 'raw_buffer',
  connect: (host, port) => netConnect({ host, port }),
  failureReason: () => undefined,
};

/** Envoy's SslSocket failure reason when its context has no certificate yet. */
const SECRET_NOT_SUPPLIED = 'TLS error: Secret is not supplied by SDS';

/** BoringSSL's text for a peer that reset the connection mid-handshake. */
const CONNECTION_RESET = 'TLS_error:|33554536:system library:OPENSSL_internal:Connection reset by peer:TLS_error_end';

class SanMismatchError extends Error {
  readonly code = 'ERR_TLS_CERT_ALTNAME_INVALID';
}

export class UpstreamTlsSocketFactory implements UpstreamTransportSocket {
  readonly readyEvent = 'secureConnect' as const;
  readonly kind = 'tls' as const;
  readonly config: UpstreamTlsConfig;
  readonly #provider: TlsContextProvider;
  readonly #stats: SslStats;
  readonly #failures = new WeakMap<Socket, string>();

  constructor(config: UpstreamTlsConfig, secrets: SecretManager, stats: SslStats) {
    this.config = config;
    this.#provider = new TlsContextProvider(config.common, secrets);
    this.#stats = stats;
  }

  connect(host: string, port: number): Socket {
    const ctx = this.#provider.current();
    if (!ctx.ok) {
      // No secret yet (SDS or the agent has not answered): Envoy's SslSocket fails the connection with this text.
      const socket = new Socket();
      this.#failures.set(socket, SECRET_NOT_SUPPLIED);
      this.#stats.connection_error.inc();
      process.nextTick(() => socket.destroy(new Error(ctx.errors.join('; '))));
      return socket;
    }
    const c = ctx.value;
    const alpn = this.#provider.alpnProtocols;
    const socket: TLSSocket = tlsConnect({
      host,
      port,
      secureContext: c.secureContext,
      servername: this.config.sni !== '' ? this.config.sni : undefined,
      ALPNProtocols: alpn.length > 0 ? [...alpn] : undefined,
      rejectUnauthorized: c.verifyChain || c.hasSanMatchers,
      checkServerIdentity: (_host: string, cert: PeerCertificate) => (c.sanCheck(cert) ? undefined : new SanMismatchError('verify cert failed: SAN matcher')),
    });
    let tcpConnected = false;
    let ready = false;
    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once('secureConnect', () => {
      ready = true;
      this.#stats.handshake.inc();
    });
    socket.on('error', (err: Error & { code?: string }) => {
      // Refused, unreachable, timed out: a plain connect failure, no transport reason.
      if (ready || !tcpConnected) return;
      this.#stats.connection_error.inc();
      if (err instanceof SanMismatchError) this.#stats.fail_verify_san.inc();
      else if (!err.code?.startsWith('ERR_SSL_') && err.code !== 'ECONNRESET') this.#stats.fail_verify_error.inc();
      this.#failures.set(socket, err.code === 'ECONNRESET' ? CONNECTION_RESET : tlsFailureReason(err));
    });
    return socket;
  }

  failureReason(socket: Socket): string | undefined {
    return this.#failures.get(socket);
  }
}
