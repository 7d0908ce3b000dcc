/** Listeners bound to LDS: the manager, filter-chain match, and the network filters. */
export { ListenerManager, type ListenerManagerOptions } from './listener-manager.ts';
export { selectFilterChain, type ConnectionFacts } from './filter-chain-match.ts';
export { HttpConnectionManager } from './network-filters/http-connection-manager/http-connection-manager.ts';
export { TcpProxy } from './network-filters/tcp-proxy/tcp-proxy.ts';
