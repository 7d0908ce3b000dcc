/**
 * hashicorp/http-echo: answers every request with `-text` and a newline,
 * `/health` with `{"status":"ok"}`, on `-listen` (default `:5678`, the port
 * on SKIFF_APP_IP) with `-status-code` (default 200). Flags, messages and
 * exit codes as hashicorp's binary.
 */
import { createServer } from 'node:http';
import { FlagError, parseGoFlags } from '../runtime-env/go-flags.ts';
import { exitOnSignals, listen, parseListenAddress } from '../runtime-env/listen-address.ts';

const VERSION = '1.0.0';

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let flags;
try {
  flags = parseGoFlags(process.argv.slice(2), { known: ['listen', 'text', 'status-code'], boolean: ['version'] });
} catch (err) {
  fail((err as FlagError).message, 2);
}
if (flags.values.has('version')) {
  process.stdout.write(`http-echo v${VERSION}\n`);
  process.exit(0);
}
const text = flags.values.get('text') ?? process.env.ECHO_TEXT ?? '';
if (!text) fail('Missing -text option!', 127);
if (flags.rest.length > 0) fail('Too many arguments!', 127);
const statusCode = Number(flags.values.get('status-code') ?? '200');
if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) fail(`invalid value "${flags.values.get('status-code')}" for flag -status-code`, 2);
const listenFlag = flags.values.get('listen') ?? ':5678';
const address = parseListenAddress(listenFlag, process.env);
if (address instanceof Error) fail(address.message, 1);

const body = `${text}\n`;
const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  res.setHeader('X-App-Name', 'http-echo');
  res.setHeader('X-App-Version', VERSION);
  if (req.url === '/health' || req.url?.startsWith('/health?')) {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}\n');
  } else {
    res.writeHead(statusCode, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  process.stdout.write(`${goLogTime()} ${req.headers.host ?? ''} ${req.socket.remoteAddress}:${req.socket.remotePort} "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode} ${Buffer.byteLength(body)} "${req.headers['user-agent'] ?? ''}" ${micros.toFixed(1)}µs\n`);
});
exitOnSignals(server);
listen(server, address).then(
  () => process.stdout.write(`${goLogTime()} [INFO] server is listening on ${listenFlag}\n`),
  (err: NodeJS.ErrnoException) => fail(`${goLogTime()} [ERR] Error starting server: listen tcp ${address.host}:${address.port}: bind: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`, 1),
);

/** Go's log package prefix: `2006/01/02 15:04:05`. */
function goLogTime(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
