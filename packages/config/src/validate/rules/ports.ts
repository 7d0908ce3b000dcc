/** Port numbers and protocol names, by Istio's rules. */
import type { FieldPath } from '@skiff/common';
import type { IssueCollector } from '../../parse/issue.ts';

/** Istio's protocol.Instance values (case-insensitive when parsed). */
export const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL'] as const;
export const SUPPORTED_GATEWAY_PROTOCOLS = 'HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP';

export function isSupportedProtocol(name: string): boolean {
  return (PROTOCOLS as readonly string[]).includes(name.toUpperCase());
}

export function validatePortNumber(port: number, path: FieldPath, issues: IssueCollector): void {
  if (port < 1 || port > 65535) issues.error(path, `port number ${port} must be in the range 1..65535`);
}

/** Port names are DNS-1123 labels (Istio's ValidatePortName). */
export function validatePortName(name: string, path: FieldPath, issues: IssueCollector): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) issues.error(path, `invalid port name: ${name}`);
}

/** Istio's ValidateProtocol: a known protocol name, case-insensitive. */
export function validateProtocol(protocol: string, path: FieldPath, issues: IssueCollector): void {
  if (!isSupportedProtocol(protocol)) issues.error(path, `unrecognized protocol "${protocol}"`);
}

/** Protocols Istio treats as HTTP (protocol.IsHTTP). */
export function isHttpProtocol(protocol: string): boolean {
  return ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'].includes(protocol.toUpperCase());
}

/** Protocols Istio treats as TLS (protocol.IsTLS). */
export function isTlsProtocol(protocol: string): boolean {
  return ['HTTPS', 'TLS'].includes(protocol.toUpperCase());
}
