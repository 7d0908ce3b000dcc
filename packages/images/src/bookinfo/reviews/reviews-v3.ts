/** istio/examples-bookinfo-reviews-v3: red stars from ratings. */
import { runReviews } from './reviews.ts';

runReviews({ enableRatings: true, starColor: 'red' });
