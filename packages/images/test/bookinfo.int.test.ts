import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveImage } from '../src/index.ts';
import { startForwardProxy, type ProxiedRequest } from './forward-proxy.ts';
import { freePort, startProgram, type RunningProgram } from './program-process.ts';

const TAG = '1.20.3';
const entry = (name: string): string => resolveImage(`docker.io/istio/examples-bookinfo-${name}:${TAG}`)!.entry;
const APP = { SKIFF_APP_IP: '127.0.0.1' };

async function start(name: string, env: Record<string, string> = {}): Promise<{ program: RunningProgram; port: number }> {
  const port = await freePort();
  const program = await startProgram(entry(name), [String(port)], { ...APP, ...env }, /listening on|start at port/);
  return { program, port };
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('Bookinfo pointed at local services through env', () => {
  const running: RunningProgram[] = [];
  let page: number;
  let reviews: number;
  before(async () => {
    const details = await start('details-v1');
    const ratings = await start('ratings-v1');
    const reviewsV2 = await start('reviews-v2', { RATINGS_HOSTNAME: '127.0.0.1', RATINGS_SERVICE_PORT: String(ratings.port), HOSTNAME: 'reviews-v2-abc' });
    const productpage = await start('productpage-v1', { DETAILS_HOSTNAME: '127.0.0.1', DETAILS_SERVICE_PORT: String(details.port), REVIEWS_HOSTNAME: '127.0.0.1', REVIEWS_SERVICE_PORT: String(reviewsV2.port) });
    running.push(details.program, ratings.program, reviewsV2.program, productpage.program);
    page = productpage.port;
    reviews = reviewsV2.port;
  });
  after(() => Promise.all(running.map((p) => p.stop())));

  it('shows the product page with details and reviews v2\'s black stars (5 and 4)', async () => {
    const res = await fetch(`http://127.0.0.1:${page}/productpage`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<title>Simple Bookstore App<\/title>/);
    assert.match(html, /The Comedy of Errors/);
    assert.match(html, /<dt>Pages:<\/dt>200/);
    assert.equal(count(html, 'glyphicon glyphicon-star"'), 9);
    assert.equal(count(html, 'glyphicon glyphicon-star-empty"'), 1);
    assert.equal(count(html, '<font color="black">'), 2);
    assert.match(html, /Reviews served by:<\/dt>\n<u>reviews-v2-abc<\/u>/);
  });

  it('answers reviews v2 with the sample\'s JSON shape', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${reviews}/reviews/0`)).json()) as { id: string; podname: string; reviews: { reviewer: string; rating: unknown }[] };
    assert.equal(body.id, '0');
    assert.equal(body.podname, 'reviews-v2-abc');
    assert.deepEqual(body.reviews.map((r) => [r.reviewer, r.rating]), [['Reviewer1', { stars: 5, color: 'black' }], ['Reviewer2', { stars: 4, color: 'black' }]]);
  });

  it('answers /health and the products API', async () => {
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${page}/health`)).json(), { status: 'Product page is healthy' });
    const details = (await (await fetch(`http://127.0.0.1:${page}/api/v1/products/0`)).json()) as Record<string, unknown>;
    assert.equal(details.author, 'William Shakespeare');
    assert.equal(details['ISBN-10'], '1234567890');
  });
});

describe('Bookinfo through HTTP_PROXY (the sidecar)', () => {
  const running: RunningProgram[] = [];
  let routes: Record<string, number>;
  before(async () => {
    const details = await start('details-v1');
    const ratings = await start('ratings-v1');
    routes = { 'details:9080': details.port, 'ratings:9080': ratings.port };
    running.push(details.program, ratings.program);
  });
  after(() => Promise.all(running.map((p) => p.stop())));

  async function withMesh(reviewsImage: string, status: Record<string, number>, run: (page: number, seen: readonly ProxiedRequest[]) => Promise<void>): Promise<void> {
    const proxy = await startForwardProxy(routes, status);
    const reviews = await start(reviewsImage, { HTTP_PROXY: proxy.url, http_proxy: proxy.url });
    routes['reviews:9080'] = reviews.port;
    const page = await start('productpage-v1', { HTTP_PROXY: proxy.url, http_proxy: proxy.url });
    try {
      await run(page.port, proxy.seen);
    } finally {
      await page.program.stop();
      await reviews.program.stop();
      await proxy.close();
    }
  }

  it('renders reviews v3\'s red stars, calling details, reviews and ratings by name in absolute form', async () => {
    await withMesh('reviews-v3', {}, async (page, seen) => {
      const html = await (await fetch(`http://127.0.0.1:${page}/productpage`)).text();
      assert.equal(count(html, '<font color="red">'), 2);
      assert.equal(count(html, 'glyphicon glyphicon-star"'), 9);
      assert.deepEqual(seen.map((s) => s.target), ['http://details:9080/details/0', 'http://reviews:9080/reviews/0', 'http://ratings:9080/ratings/0']);
    });
  });

  it('forwards end-user from the login session and propagates x-request-id and b3 as a child span', async () => {
    await withMesh('reviews-v2', {}, async (page, seen) => {
      const login = await fetch(`http://127.0.0.1:${page}/login`, { method: 'POST', body: new URLSearchParams({ username: 'jason', passwd: 'x' }), redirect: 'manual' });
      assert.equal(login.status, 302);
      assert.equal(login.headers.get('location'), '/productpage');
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const html = await (await fetch(`http://127.0.0.1:${page}/productpage`, { headers: { cookie, 'x-request-id': 'req-1', 'x-b3-traceid': 'a'.repeat(32), 'x-b3-spanid': 'b'.repeat(16), 'x-b3-sampled': '1' } })).text();
      assert.match(html, /jason/);
      const toReviews = seen.find((s) => s.host === 'reviews:9080')!;
      assert.equal(toReviews.headers['end-user'], 'jason');
      assert.equal(toReviews.headers['x-request-id'], 'req-1');
      assert.equal(toReviews.headers['x-b3-traceid'], 'a'.repeat(32));
      assert.equal(toReviews.headers['x-b3-parentspanid'], 'b'.repeat(16));
      assert.match(String(toReviews.headers['x-b3-spanid']), /^[0-9a-f]{16}$/);
      const toRatings = seen.find((s) => s.host === 'ratings:9080')!;
      assert.equal(toRatings.headers['end-user'], 'jason');
      assert.equal(toRatings.headers['x-request-id'], 'req-1');
    });
  });

  it('tries reviews twice, then shows the sample\'s error text', async () => {
    await withMesh('reviews-v1', { 'reviews:9080': 503 }, async (page, seen) => {
      const html = await (await fetch(`http://127.0.0.1:${page}/productpage`)).text();
      assert.match(html, /Sorry, product reviews are currently unavailable for this book\./);
      assert.equal(seen.filter((s) => s.host === 'reviews:9080').length, 2);
      assert.match(html, /<dt>Pages:<\/dt>200/);
    });
  });

  it('shows reviews v1 without stars and never calls ratings', async () => {
    await withMesh('reviews-v1', {}, async (page, seen) => {
      const html = await (await fetch(`http://127.0.0.1:${page}/productpage`)).text();
      assert.match(html, /Reviewer1/);
      assert.equal(count(html, 'glyphicon-star'), 0);
      assert.equal(seen.filter((s) => s.host === 'ratings:9080').length, 0);
    });
  });

  it('shows "Ratings service is currently unavailable" when ratings fails', async () => {
    await withMesh('reviews-v2', { 'ratings:9080': 503 }, async (page) => {
      const html = await (await fetch(`http://127.0.0.1:${page}/productpage`)).text();
      assert.equal(count(html, 'Ratings service is currently unavailable'), 2);
      assert.equal(count(html, 'glyphicon-star'), 0);
    });
  });
});
