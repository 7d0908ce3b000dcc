/**
 * fortio/fortio's `/usr/bin/fortio`: `server` (the image's default command),
 * `load`, `curl` and `version`. Usage errors print fortio's text and exit 1.
 */
import { FlagError, parseGoFlags } from '../runtime-env/go-flags.ts';
import { exitQuietlyOnClosedStdout } from '../runtime-env/listen-address.ts';
import { FORTIO_VERSION, HttpRunner } from './http-runner.ts';
import { parseClientArgs, runLoad, UsageError } from './load.ts';
import { SERVER_FLAGS, startServer } from './server.ts';

const USAGE = `Φορτίο ${FORTIO_VERSION} usage:
    fortio command [flags] target
where command is one of: load (load testing), server (starts ui, rest api,
 http-echo, redirect, proxies, tcp-echo, udp-echo and grpc ping servers),
 curl (single URL debug), version.
`;

async function curl(argv: readonly string[]): Promise<number> {
  const setup = parseClientArgs(argv);
  const runner = new HttpRunner({ url: setup.url, headers: setup.headers, method: setup.method, payload: setup.payload, timeoutMs: setup.timeoutMs, keepAlive: false, env: process.env });
  const r = await runner.call();
  runner.close();
  if (r.error) {
    process.stderr.write(`${JSON.stringify({ level: 'err', msg: 'Unable to connect', err: r.error.message, url: setup.url.href })}\n`);
    return 1;
  }
  let head = `HTTP/${r.httpVersion} ${r.status} ${r.statusMessage}\r\n`;
  for (let i = 0; i < r.rawHeaders.length; i += 2) head += `${r.rawHeaders[i]}: ${r.rawHeaders[i + 1]}\r\n`;
  process.stdout.write(`${head}\r\n`);
  process.stdout.write(r.body);
  if (r.status !== 200) {
    process.stderr.write(`${JSON.stringify({ level: 'err', msg: 'Error status', code: r.status })}\n`);
    return 1;
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'load':
      return runLoad(rest, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
    case 'curl':
      return curl(rest);
    case 'server': {
      let flags;
      try {
        flags = parseGoFlags(rest, SERVER_FLAGS);
      } catch (err) {
        throw new UsageError((err as FlagError).message);
      }
      startServer(flags);
      return -1;
    }
    case 'version':
      process.stdout.write(`${FORTIO_VERSION}\n`);
      return 0;
    case 'help': case '-h': case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(command === undefined ? 'Error: fortio needs a command' : `Error: unknown command "${command}"`);
  }
}

exitQuietlyOnClosedStdout();
main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(err instanceof UsageError ? `${USAGE}${err.message}\n` : `fortio: ${err.message}\n`);
    process.exitCode = 1;
  },
);
