/**
 * `host:port` flags (`127.0.0.1:15010`, `[::1]:15014`, `:15010` for every
 * interface) parsed once, and listen failures turned into one clear line
 * (`cannot serve xDS on 127.0.0.1:15010: address already in use`) instead of
 * grpc-js's "No address added out of total 1 resolved".
 */
import { createServer } from 'node:net';
import { SkiffError } from '@skiff/common';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function parseListenAddress(text: string, flag: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new SkiffError('SKIFF_ERR_USAGE', `invalid ${flag} "${text}": expected HOST:PORT, e.g. 127.0.0.1:15010 (port 0 picks a free one)`, { flag, value: text });
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatListenAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this host',
};

/**
 * The error for a failed listen. grpc-js hides the system error, so when the
 * cause carries no errno, a plain TCP listen on the same address finds it.
 */
export async function listenError(what: string, address: ListenAddress, cause: unknown): Promise<SkiffError> {
  const errno = (cause as { code?: unknown })?.code;
  const code = typeof errno === 'string' ? errno : await probe(address);
  const reason = code ? (REASONS[code] ?? code) : ((cause as Error)?.message ?? String(cause));
  return new SkiffError(
    code === 'EADDRINUSE' ? 'SKIFF_ERR_ADDRESS_IN_USE' : 'SKIFF_ERR_LISTEN',
    `cannot serve ${what} on ${formatListenAddress(address)}: ${reason}`,
    { address: formatListenAddress(address), ...(code ? { errno: code } : {}) },
    { cause },
  );
}

/** Throws listenError when a plain TCP listen on the address fails now (port 0 always succeeds). */
export async function ensureFree(what: string, address: ListenAddress): Promise<void> {
  if (address.port === 0) return;
  const code = await probe(address);
  if (code) throw await listenError(what, address, Object.assign(new Error(code), { code }));
}

function probe(address: ListenAddress): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    server.listen(address.port, address.host, () => server.close(() => resolve(undefined)));
  });
}
