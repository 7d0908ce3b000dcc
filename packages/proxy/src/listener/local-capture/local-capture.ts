/**
 * The proxy's local capture mode (`skiff proxy sidecar --local-capture`,
 * ADR 0004 points 2–3): what iptables does for a pod on Kubernetes, done by
 * the proxy for a pod that is a process on loopback addresses.
 *
 * - Listeners on 0.0.0.0 bind the pod IP instead (each sidecar owns its
 *   pod IP's ports; virtualOutbound is POD_IP:15001).
 * - Inbound: InboundCapture binds POD_IP:<port> for virtualInbound's ports.
 * - Outbound: the HTTP proxy front on virtualOutbound turns proxy requests
 *   into connections with an original destination (a service name with an
 *   address-specific listener, a TCP service, becomes that address).
 * - ORIGINAL_DST clusters dial the application address where the original
 *   destination is the pod IP (`inbound|9080||` → APP_IP:9080).
 */
import { isIP, type Socket } from 'node:net';
import type { ListenerConfig, SocketAddress, XdsSnapshot } from '../../xds-client/types.ts';
import type { ListenerManager } from '../listener-manager.ts';
import { originalDestinationOf } from '../original-destination.ts';
import { acceptProxyConnection } from './http-proxy-front.ts';
import { InboundCapture } from './inbound-capture.ts';
import { ServiceAddresses } from './service-addresses.ts';

export interface LocalCaptureConfig {
  /** The pod IP this sidecar owns (127.1.x.y). */
  readonly podIp: string;
  /** Where the application listens (127.2.x.y); inbound traffic for the pod IP goes there. */
  readonly appIp: string;
  /** The pod's DNS domain (`<ns>.svc.cluster.local`), whose search list resolves short service names. */
  readonly dnsDomain?: string;
}

export const VIRTUAL_OUTBOUND = 'virtualOutbound';

export class LocalCapture {
  readonly config: LocalCaptureConfig;
  readonly inbound: InboundCapture;
  #listeners: ListenerManager | undefined;
  /** Connections on virtualOutbound whose first request head has not arrived yet. */
  readonly #reading = new Set<Socket>();
  #closed = false;
  #services: ServiceAddresses = new ServiceAddresses([], '');

  constructor(config: LocalCaptureConfig, log?: (line: string) => void) {
    this.config = config;
    this.inbound = new InboundCapture({ podIp: config.podIp, handOff: (name, socket, dst) => this.#handOff(name, socket, dst), log });
  }

  /** Connects to the listener manager the hand-offs go to (it is built with bindAddress/interceptAccept below). */
  attach(listeners: ListenerManager): void {
    this.#listeners = listeners;
  }

  /** ListenerManagerOptions.bindAddress: wildcard listeners bind the pod IP. */
  readonly bindAddress = (l: ListenerConfig): { host: string; port: number } => {
    const a = l.address.address;
    return { host: a === '0.0.0.0' || a === '::' ? this.config.podIp : a, port: l.address.port };
  };

  /** ListenerManagerOptions.interceptAccept: virtualOutbound's connections go through the HTTP proxy front. */
  readonly interceptAccept = (listenerName: string, socket: Socket): boolean => {
    if (listenerName !== VIRTUAL_OUTBOUND) return false;
    if (this.#closed) {
      socket.destroy();
      return true;
    }
    this.#reading.add(socket);
    socket.once('close', () => this.#reading.delete(socket));
    acceptProxyConnection(socket, {
      handOff: (s, dst) => {
        this.#reading.delete(s);
        if (!this.#handOff(VIRTUAL_OUTBOUND, s, dst ? this.#resolveService(dst) : originalDestinationOf(s))) s.destroy();
      },
    });
    return true;
  };

  /** ClusterManagerOptions.originalDstAddressMap: the pod IP means the application. */
  readonly mapOriginalDestination = (address: string): string => (address === this.config.podIp ? this.config.appIp : address);

  onSnapshot(snapshot: XdsSnapshot): void {
    this.inbound.update(snapshot.listeners.get(InboundCapture.LISTENER)?.config);
    this.#services = new ServiceAddresses(snapshot.listeners.values(), this.config.dnsDomain ?? '');
  }

  /** Stops capturing: inbound servers stop accepting, connections still waiting for a request head are closed. */
  close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#reading) s.destroy();
    this.#reading.clear();
    return this.inbound.close();
  }

  /** A service name with an address-specific listener becomes that address (what the pod's DNS would have answered). */
  #resolveService(dst: SocketAddress): SocketAddress {
    if (isIP(dst.address) !== 0) return dst;
    const address = this.#services.resolve(dst.address, dst.port);
    return address === undefined ? dst : { address, port: dst.port };
  }

  #handOff(name: string, socket: Socket, dst: SocketAddress): boolean {
    return this.#listeners?.handOff(name, socket, dst) ?? false;
  }
}
