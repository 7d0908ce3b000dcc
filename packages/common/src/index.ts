export { type FieldPath, formatFieldPath } from './field-path.ts';
export { SkiffError, isSkiffError } from './errors.ts';
export { type Result, ok, fail } from './result.ts';
export { parseDurationMs, formatDurationMs } from './duration.ts';
