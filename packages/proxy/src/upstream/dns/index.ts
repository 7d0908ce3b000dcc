/** STRICT_DNS and LOGICAL_DNS: name resolution (injectable) and the discovery that turns answers into hosts. */
export { DnsDiscovery, type DnsDiscoveryOptions } from './dns-discovery.ts';
export { resolveFamily, systemDnsResolver, type DnsRecord, type DnsResolver } from './dns-resolver.ts';
