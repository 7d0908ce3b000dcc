/**
 * Bookinfo's details (Istio's samples/bookinfo/src/details, Ruby): the
 * book's details as JSON at /details/{id}, /health.
 */
import { portFromArgs } from '../service-call.ts';
import { serveJson } from '../json-server.ts';

serveJson('details', portFromArgs(process.argv.slice(2)), (_req, url) => {
  if (url.pathname === '/health') return { status: 200, body: { status: 'Details is healthy' } };
  const m = /^\/details\/([^/]+)$/.exec(url.pathname);
  if (!m) return undefined;
  const id = Number(m[1]);
  if (!Number.isInteger(id)) return { status: 400, body: { error: 'please provide numeric product id' } };
  return {
    status: 200,
    body: { id, author: 'William Shakespeare', year: 1595, type: 'paperback', pages: 200, publisher: 'PublisherA', language: 'English', 'ISBN-10': '1234567890', 'ISBN-13': '123-1234567890' },
  };
});
