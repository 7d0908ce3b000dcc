/** The service registry: services, endpoints and workloads from every source, and the naming and visibility rules they follow. */
export { ServiceRegistry, type RegistryInputs, type ServiceTarget } from './service-registry.ts';
export type { Service, ServicePort, ServiceEndpoint, Workload, Locality, Resolution, RegistryKind } from './types.ts';
export { NO_LOCALITY } from './types.ts';
export { type Protocol, parseProtocol, kubePortProtocol, isHttpProtocol, isHttp2Protocol, isTcpProtocol } from './protocol.ts';
export { resolveShortName, kubeServiceHostname, hostMatches, mostSpecificHostMatch, isWildcard } from './host.ts';
export { type ExportTo, parseExportTo, isVisibleTo, EXPORT_TO_ALL } from './export-to.ts';
export { type MeshSettings, type MeshSettingsOptions, meshSettingsFrom, DEFAULT_CLUSTER_DOMAIN } from './mesh-settings.ts';
export { selectorMatches } from './labels.ts';
export { parseLocality, formatLocality } from './locality.ts';
