/** The assembled control plane: config source → push context → xDS and monitoring servers. */
export { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { ConfigCache, type ConfigSource, type ConfigCacheOptions } from './config-cache.ts';
export { CONTROL_PLANE_GENERATORS, controlPlaneGenerators, type ControlPlaneGeneratorOptions } from './generators.ts';
export { RouteConflicts, type ProxyRouteConflict } from './route-conflicts.ts';
export { parseListenAddress, formatListenAddress, type ListenAddress } from './listen-address.ts';
