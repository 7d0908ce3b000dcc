/** Gateway: Istio's ValidateGateway rules (pkg/config/validation). */
import type { Gateway } from '@skiff/api';
import type { ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateNamespaceSlashHost } from '../rules/hosts.ts';
import { validatePortNumber, isSupportedProtocol, SUPPORTED_GATEWAY_PROTOCOLS } from '../rules/ports.ts';

export function validateGateway(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as Gateway;
  const servers = spec.servers ?? [];
  if (servers.length === 0) issues.error(['spec', 'servers'], 'gateway must have at least one server');
  const portNames = new Set<string>();
  servers.forEach((server, i) => {
    const at = ['spec', 'servers', i] as const;
    const hosts = server.hosts ?? [];
    if (hosts.length === 0) issues.error([...at, 'hosts'], 'server config must contain at least one host');
    hosts.forEach((host, h) => validateNamespaceSlashHost(host, [...at, 'hosts', h], issues));
    const port = server.port;
    if (!port) {
      issues.error([...at, 'port'], 'port is required');
    } else {
      if (!isSupportedProtocol(port.protocol ?? '')) {
        issues.error([...at, 'port', 'protocol'], `invalid protocol "${port.protocol ?? ''}", supported protocols are ${SUPPORTED_GATEWAY_PROTOCOLS}`);
      }
      if ((port.number ?? 0) > 0 || !(server.bind ?? '').startsWith('unix://')) validatePortNumber(port.number ?? 0, [...at, 'port', 'number'], issues);
      if ((port.targetPort ?? 0) > 0) issues.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Gateways');
      if (!port.name) issues.error([...at, 'port', 'name'], 'port name must be set');
      else if (portNames.has(port.name)) issues.error([...at, 'port', 'name'], `port names in servers must be unique: duplicate name ${port.name}`);
      else portNames.add(port.name);
      const protocol = (port.protocol ?? '').toUpperCase();
      const isTlsProtocol = protocol === 'HTTPS' || protocol === 'TLS';
      if (isTlsProtocol && !server.tls) issues.error([...at, 'tls'], 'server must have TLS settings for HTTPS/TLS protocols');
      if (server.tls && !isTlsProtocol && !server.tls.httpsRedirect) issues.error([...at, 'tls'], 'server cannot have TLS settings for plain text HTTP ports');
    }
    const tls = server.tls;
    if (tls && (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL')) {
      const hasFiles = Boolean(tls.serverCertificate || tls.privateKey);
      const hasCredential = Boolean(tls.credentialName || tls.credentialNames?.length || tls.tlsCertificates?.length);
      if (!hasCredential && !hasFiles) issues.error([...at, 'tls'], `${tls.mode} TLS requires a server certificate: set credentialName, or serverCertificate and privateKey`);
      if (!hasCredential && hasFiles && !(tls.serverCertificate && tls.privateKey)) issues.error([...at, 'tls'], `${tls.mode} TLS requires both serverCertificate and privateKey`);
      if (tls.mode !== 'SIMPLE' && !hasCredential && !tls.caCertificates) issues.error([...at, 'tls', 'caCertificates'], `${tls.mode} TLS requires caCertificates (or a credentialName whose secret holds ca.crt)`);
    }
  });
}
