/** The proxy's bootstrap: node identity, ADS address and admin address, from a file or from flags. */
export type * from './types.ts';
export { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, ISTIO_ADS_CLUSTER } from './types.ts';
export { parseBootstrap } from './parse-bootstrap.ts';
export { buildBootstrap, envoyBootstrapFromFlags, toEnvoyBootstrap, type BootstrapFlags } from './build-bootstrap.ts';
export { loadBootstrapFile, parseBootstrapText } from './load-bootstrap.ts';
export { parseNodeId, formatNodeId, type NodeIdParts } from './node-id.ts';
