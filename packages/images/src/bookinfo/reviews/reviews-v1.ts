/** istio/examples-bookinfo-reviews-v1: no stars: ratings are not called. */
import { runReviews } from './reviews.ts';

runReviews({ enableRatings: false, starColor: 'black' });
