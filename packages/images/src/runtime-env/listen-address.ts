/**
 * Where a built-in image listens in the local cluster (ADR 0004): the
 * application address in SKIFF_APP_IP, else POD_IP, else 127.0.0.1. A
 * wildcard host in a program's own flag (`:8080`, `0.0.0.0:8080`) means that
 * address, since every pod shares the machine's loopback and a real wildcard
 * bind would take the port from every other pod.
 */
import type { Server } from 'node:http';

export type Env = Readonly<Record<string, string | undefined>>;

export function appHost(env: Env): string {
  return env.SKIFF_APP_IP || env.POD_IP || '127.0.0.1';
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/** Parses Go's `host:port` listen syntax (`:5678`, `0.0.0.0:80`, `127.0.0.1:9`, `5678`). */
export function parseListenAddress(value: string, env: Env): ListenAddress | Error {
  const colon = value.lastIndexOf(':');
  const hostPart = colon >= 0 ? value.slice(0, colon) : '';
  const portPart = colon >= 0 ? value.slice(colon + 1) : value;
  const port = Number(portPart);
  if (!/^\d+$/.test(portPart) || port > 65535) return new Error(`invalid listen address "${value}": port must be a number from 0 to 65535`);
  const host = WILDCARDS.has(hostPart) ? appHost(env) : hostPart.replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** Listens and resolves with the bound address; rejects with the bind error (EADDRINUSE, EACCES). */
export function listen(server: Server, address: ListenAddress): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? { host: bound.address, port: bound.port } : address);
    });
  });
}

/** Stops accepting on SIGTERM/SIGINT, as a container runtime's stop does, and exits once open connections are closed. */
export function exitOnSignals(server: Server): void {
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** A command-line program whose reader went away (`| head`) ends quietly, as Go and curl programs do on EPIPE. */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
