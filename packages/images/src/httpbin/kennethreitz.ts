/**
 * kennethreitz/httpbin (and Istio's older samples that use it): gunicorn on
 * port 80 of the application address; `-b`/`--bind HOST:PORT` as gunicorn
 * takes it when a manifest overrides the command.
 */
import { createServer } from 'node:http';
import { exitOnSignals, listen, parseListenAddress } from '../runtime-env/listen-address.ts';
import { createHttpbinHandler } from './httpbin.ts';

const argv = process.argv.slice(2);
let bind = '0.0.0.0:80';
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-b' || a === '--bind') bind = argv[++i] ?? bind;
  else if (a.startsWith('--bind=')) bind = a.slice('--bind='.length);
}
const address = parseListenAddress(bind, process.env);
if (address instanceof Error) {
  process.stderr.write(`Error: ${address.message}\n`);
  process.exit(1);
}
const server = createServer(createHttpbinHandler('kennethreitz'));
exitOnSignals(server);
listen(server, address).then(
  (bound) => process.stdout.write(`[INFO] Listening at: http://${bound.host}:${bound.port}\n`),
  (err: Error) => {
    process.stderr.write(`[ERROR] Can't connect to ${bind}: ${err.message}\n`);
    process.exit(1);
  },
);
