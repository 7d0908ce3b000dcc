/**
 * The small HTTP server under Bookinfo's details, ratings and reviews: JSON
 * responses, listening on the application address (ADR 0004) at the port
 * from the command line, stopping on SIGTERM.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { appHost, exitOnSignals, listen } from '../runtime-env/listen-address.ts';

export type JsonRoute = (req: IncomingMessage, url: URL) => Promise<{ status: number; body: unknown } | undefined> | { status: number; body: unknown } | undefined;

export function serveJson(name: string, port: number, route: JsonRoute): void {
  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://bookinfo');
    Promise.resolve(route(req, url)).then(
      (answer) => {
        const { status, body } = answer ?? { status: 404, body: { error: 'Not found' } };
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
        process.stdout.write(`${req.method} ${req.url} ${status}\n`);
      },
      (err: Error) => {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: err.message }));
      },
    );
  });
  exitOnSignals(server);
  listen(server, { host: appHost(process.env), port }).then(
    (bound) => process.stdout.write(`${name} listening on ${bound.host}:${bound.port}\n`),
    (err: Error) => {
      process.stderr.write(`${name}: cannot listen on port ${port}: ${err.message}\n`);
      process.exit(1);
    },
  );
}
