/**
 * Inbound capture without iptables (ADR 0004 point 2): one server on
 * POD_IP:<port> for every destination port the virtualInbound listener's
 * filter chains match on, re-evaluated on every LDS update (new ports
 * bound, ports no chain names any more closed; connections already
 * accepted carry on). Each accepted connection is handed to virtualInbound
 * with its original destination = the socket's local address, which is
 * what `iptables -j REDIRECT --to 15006` plus SO_ORIGINAL_DST give Envoy.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ListenerConfig, SocketAddress } from '../../xds-client/types.ts';

/** Istio's own ports, never captured (its init script excludes 15020, 15021, 15090; the rest are the proxy's). */
const PROXY_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090]);

export interface InboundCaptureOptions {
  readonly podIp: string;
  /** Hands a socket to a listener by name with its original destination; false when that listener is not active. */
  readonly handOff: (listenerName: string, socket: Socket, originalDestination: SocketAddress) => boolean;
  readonly log?: (line: string) => void;
}

/** The ports virtualInbound's chains match on, in order, without the proxy's own. */
export function inboundCapturePorts(virtualInbound: ListenerConfig | undefined): number[] {
  const ports = new Set<number>();
  for (const chain of virtualInbound?.filterChains ?? []) {
    const p = chain.match.destinationPort;
    if (p !== undefined && p > 0 && !PROXY_PORTS.has(p)) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}

export class InboundCapture {
  static readonly LISTENER = 'virtualInbound';
  readonly #o: InboundCaptureOptions;
  readonly #servers = new Map<number, Server>();
  #pending: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: InboundCaptureOptions) {
    this.#o = o;
  }

  /** The ports bound now. */
  get ports(): readonly number[] {
    return [...this.#servers.keys()].sort((a, b) => a - b);
  }

  /** Resolves when the binds started by the last update are done. */
  settled(): Promise<void> {
    return this.#pending;
  }

  update(virtualInbound: ListenerConfig | undefined): void {
    if (this.#closed) return;
    const wanted = new Set(inboundCapturePorts(virtualInbound));
    for (const [port, server] of this.#servers) {
      if (wanted.has(port)) continue;
      server.close();
      this.#servers.delete(port);
    }
    const binds: Promise<void>[] = [];
    for (const port of wanted) if (!this.#servers.has(port)) binds.push(this.#bind(port));
    this.#pending = Promise.all([this.#pending, ...binds]).then(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const servers = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  #bind(port: number): Promise<void> {
    const { podIp, handOff, log } = this.#o;
    const destination = { address: podIp, port };
    const server = createServer({ noDelay: true }, (socket) => {
      if (!handOff(InboundCapture.LISTENER, socket, destination)) socket.destroy();
    });
    this.#servers.set(port, server);
    return new Promise((resolve) => {
      let listening = false;
      server.on('error', (err) => {
        if (listening) {
          log?.(`local capture: ${podIp}:${port}: ${(err as Error).message}`); // accept errors (EMFILE): keep serving
          return;
        }
        log?.(`local capture: cannot bind ${podIp}:${port} for ${InboundCapture.LISTENER}: ${(err as Error).message}`);
        if (this.#servers.get(port) === server) this.#servers.delete(port);
        resolve();
      });
      server.listen(port, podIp, () => {
        listening = true;
        resolve();
      });
    });
  }
}
