/** @skiff/proxy: Envoy's role. The assembled proxy and its main parts. */
export { ProxyServer, uuid4, type ProxyServerOptions } from './proxy-server.ts';
export { ClusterManager } from './upstream/cluster-manager.ts';
export { ListenerManager } from './listener/index.ts';
export { LocalCapture, type LocalCaptureConfig } from './listener/local-capture/index.ts';
export { createHttpFilterRegistry, BUILTIN_HTTP_FILTERS } from './filters/http/index.ts';
export { createLoadBalancerRegistry, BUILTIN_LOAD_BALANCERS } from './load-balancers/index.ts';
export { XdsClient } from './xds-client/index.ts';
export { buildBootstrap, loadBootstrapFile, parseBootstrap, type BootstrapConfig, type BootstrapFlags } from './bootstrap/index.ts';
