/** istio/examples-bookinfo-reviews-v2: black stars from ratings. */
import { runReviews } from './reviews.ts';

runReviews({ enableRatings: true, starColor: 'black' });
