/**
 * Bookinfo's ratings (Istio's samples/bookinfo/src/ratings, Node): every
 * product rated 5 and 4 by Reviewer1 and Reviewer2 at /ratings/{id};
 * POST /ratings/{id} replaces them for that product; /health.
 */
import { portFromArgs } from '../service-call.ts';
import { serveJson } from '../json-server.ts';

const posted = new Map<number, Record<string, number>>();

serveJson('ratings', portFromArgs(process.argv.slice(2)), async (req, url) => {
  if (url.pathname === '/health') return { status: 200, body: { status: 'Ratings is healthy' } };
  const m = /^\/ratings\/([^/]+)$/.exec(url.pathname);
  if (!m) return undefined;
  const id = Number(m[1]);
  if (!Number.isInteger(id)) return { status: 400, body: { error: 'please provide numeric product ID' } };
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let ratings: unknown;
    try {
      ratings = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'please provide valid ratings JSON' } };
    }
    const values = ratings as Record<string, unknown>;
    if (typeof ratings !== 'object' || ratings === null || Object.values(values).some((v) => typeof v !== 'number' || v < 1 || v > 5)) {
      return { status: 400, body: { error: 'please provide valid ratings JSON' } };
    }
    posted.set(id, values as Record<string, number>);
    return { status: 200, body: { id, ratings: values } };
  }
  return { status: 200, body: { id, ratings: posted.get(id) ?? { Reviewer1: 5, Reviewer2: 4 } } };
});
