/**
 * mccutchen/go-httpbin (Istio's current samples/httpbin): listens on
 * `-host`/HOST (default the application address) and `-port`/PORT (default
 * 8080).
 */
import { createServer } from 'node:http';
import { FlagError, parseGoFlags } from '../runtime-env/go-flags.ts';
import { appHost, exitOnSignals, listen } from '../runtime-env/listen-address.ts';
import { createHttpbinHandler } from './httpbin.ts';

let flags;
try {
  flags = parseGoFlags(process.argv.slice(2), { known: ['host', 'port', 'max-duration', 'max-body-size'], boolean: ['use-real-hostname'] });
} catch (err) {
  process.stderr.write(`${(err as FlagError).message}\n`);
  process.exit(2);
}
const hostFlag = flags.values.get('host') ?? process.env.HOST ?? '0.0.0.0';
const host = hostFlag === '0.0.0.0' || hostFlag === '' ? appHost(process.env) : hostFlag;
const portText = flags.values.get('port') ?? process.env.PORT ?? '8080';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  process.stderr.write(`invalid value "${portText}" for flag -port: parse error\n`);
  process.exit(2);
}
const server = createServer(createHttpbinHandler('go-httpbin'));
exitOnSignals(server);
listen(server, { host, port }).then(
  (bound) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'INFO', msg: `go-httpbin listening on http://${bound.host}:${bound.port}` })}\n`),
  (err: Error) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'ERROR', msg: `error: ${err.message}` })}\n`);
    process.exit(1);
  },
);
