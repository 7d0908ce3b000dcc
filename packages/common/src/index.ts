export { type FieldPath, formatFieldPath } from './field-path.ts';
export { SkiffError, isSkiffError } from './errors.ts';
export { type Result, ok, fail } from './result.ts';
export { parseDurationMs, formatDurationMs } from './duration.ts';
export { type Clock, type Cancel, systemClock, FakeClock } from './clock.ts';
export { type Random, systemRandom, seededRandom, randomInt } from './random.ts';
