/**
 * Bookinfo's reviews (Istio's samples/bookinfo/src/reviews, Java/Liberty):
 * two reviews of product {id} at /reviews/{id}; with ratings enabled it asks
 * ratings (10 s timeout for black stars, 2.5 s otherwise, as the sample)
 * and adds `rating: {stars, color}`, or `{error}` when ratings is down.
 * The image's ENV (ENABLE_RATINGS, STAR_COLOR) is the per-version default;
 * the container's env overrides it as Docker's does.
 */
import { hostname } from 'node:os';
import { forwardHeaders, getService, portFromArgs, serviceUrl } from '../service-call.ts';
import { serveJson } from '../json-server.ts';

export interface ReviewsImage {
  readonly enableRatings: boolean;
  readonly starColor: string;
}

const TEXTS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

export function runReviews(image: ReviewsImage): void {
  const env = process.env;
  const enableRatings = env.ENABLE_RATINGS === undefined ? image.enableRatings : env.ENABLE_RATINGS.toLowerCase() === 'true';
  const starColor = env.STAR_COLOR ?? image.starColor;
  const timeoutMs = starColor === 'black' ? 10_000 : 2_500;
  const podname = env.HOSTNAME ?? env.POD_NAME ?? hostname();
  const clustername = env.CLUSTER_NAME ?? 'null';

  serveJson('reviews', portFromArgs(process.argv.slice(2)), async (req, url) => {
    if (url.pathname === '/health') return { status: 200, body: { status: 'Reviews is healthy' } };
    const m = /^\/reviews\/([^/]+)$/.exec(url.pathname);
    if (!m) return undefined;
    const id = m[1];
    let stars: Record<string, number> | undefined;
    if (enableRatings) {
      const res = await getService(serviceUrl(env, 'ratings', `/ratings/${id}`), forwardHeaders(req.headers, ['end-user']), timeoutMs, env);
      if (res?.status === 200) {
        try {
          stars = (JSON.parse(res.body) as { ratings?: Record<string, number> }).ratings;
        } catch {
          stars = undefined;
        }
      }
    }
    const reviews = TEXTS.map((t) => {
      if (!enableRatings) return t;
      const n = stars?.[t.reviewer];
      return { ...t, rating: n === undefined ? { error: 'Ratings service is currently unavailable' } : { stars: n, color: starColor } };
    });
    return { status: 200, body: { id, podname, clustername, reviews } };
  });
}
