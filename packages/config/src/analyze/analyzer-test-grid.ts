/**
 * The table-test harness for analyzers (Istio's analyzers_test.go testGrid):
 * each case is a YAML file of resources and the [code, "Kind ns/name"] pairs
 * analysis must report, nothing more and nothing less. Only tests import it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzeSources } from './analyze.ts';
import type { Analyzer } from './analyzer.ts';
import { friendlyName } from './output.ts';

export interface GridCase {
  /** Test title: the behaviour. */
  readonly title: string;
  /** Absolute path of the case's YAML (URL from `new URL('testdata/x.yaml', import.meta.url)` works). */
  readonly file: string | URL;
  /** [code, "Kind ns/name"] pairs, in any order; empty means the case must report nothing. */
  readonly expected: readonly (readonly [string, string])[];
  /** Also check the line each message points at: "Kind ns/name" → line, in expected order. */
  readonly lines?: readonly number[];
}

/** Runs the cases with only `analyzers` enabled (plus nothing else), all namespaces reported. */
export function runAnalyzerGrid(name: string, analyzers: readonly Analyzer[], cases: readonly GridCase[]): void {
  describe(name, () => {
    for (const c of cases) {
      it(c.title, () => {
        const path = c.file instanceof URL ? c.file.pathname : c.file;
        const result = analyzeSources([{ file: basename(path), text: readFileSync(path, 'utf8') }], { analyzers, allNamespaces: true });
        const got = result.messages.map((m) => [m.type.code, m.origin ? friendlyName(m.origin) : ''] as const);
        const key = (p: readonly [string, string]) => `${p[0]} ${p[1]}`;
        assert.deepEqual(got.map(key).sort(), c.expected.map(key).sort(), result.messages.map((m) => m.type.code + ' ' + JSON.stringify(m.args)).join('\n'));
        if (c.lines) {
          const lines = c.expected.map((e) => result.messages.find((m) => m.type.code === e[0] && m.origin && friendlyName(m.origin) === e[1])?.position?.line);
          assert.deepEqual(lines, c.lines);
        }
      });
    }
  });
}
