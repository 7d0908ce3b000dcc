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
