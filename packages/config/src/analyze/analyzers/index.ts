/**
 * Every analyzer `skiff analyze` runs, in one explicit list (nothing registers
 * itself on import).
 *
 * Adding an analyzer:
 *  1. If its message is new, add it to ../messages.yaml (Istio's wording and
 *     code) and run `./node_modules/.bin/node tools/gen-analysis-messages.ts`.
 *  2. Write `analyzers/<kind>/<check>.ts` exporting an `Analyzer`: Istio's name,
 *     a one-line description, its input kinds (KindDefinitions from @skiff/api
 *     or the refs in ../kinds.ts), and `analyze(ctx)`, which reads
 *     `ctx.list(kind)`, `ctx.get(...)`, `ctx.services.lookup(host, ns)` and
 *     `ctx.workloads`, and calls `ctx.report(Message, resource, fieldPath, ...args)`
 *     with the path of the field at fault so the message carries its line.
 *  3. Append it below, and add a table test beside it (`<check>.test.ts`, cases
 *     in testdata/<case>.yaml → expected [code, resource] pairs; see
 *     ../analyzer-test-grid.ts), including cases that must report nothing.
 */
import type { Analyzer } from '../analyzer.ts';
import { schemaValidationAnalyzer } from './schema/validation.ts';

export const ALL_ANALYZERS: readonly Analyzer[] = [
  schemaValidationAnalyzer,
];
