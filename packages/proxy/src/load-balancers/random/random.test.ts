import { runLoadBalancerConformance } from '../conformance.test-suite.ts';
import { DEFAULT_RANDOM, randomLb } from './index.ts';

runLoadBalancerConformance('random', (hosts, ctx) => randomLb.create(hosts, DEFAULT_RANDOM, ctx));
