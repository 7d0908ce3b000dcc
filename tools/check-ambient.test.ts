/**
 * STYLE.md rule 5: no ambient time, randomness or environment in the parts
 * that must be deterministic under test. Time comes from an injected Clock,
 * randomness from an injected Random, settings from explicit options; only
 * @skiff/common's adapters touch the globals. Tests are exempt.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GUARDED = ['control-plane', 'proxy', 'ca', 'config/src/store'];

const BANNED: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bDate\.now\s*\(/, why: 'use an injected Clock (@skiff/common) so tests control time' },
  { pattern: /\bnew Date\s*\(\s*\)/, why: 'use an injected Clock (@skiff/common) so tests control time' },
  { pattern: /\bMath\.random\s*\(/, why: 'use an injected Random (@skiff/common) so runs repeat under a seed' },
  { pattern: /(?<![.\w])set(Timeout|Interval)\s*\(/, why: 'use the injected Clock\'s timers so tests need no real sleeps' },
  { pattern: /\bprocess\.env\b/, why: 'take settings as explicit options; only the CLI and runtime read the environment' },
];

function sources(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'testdata', 'test'].includes(e.name) ? [] : sources(full);
    return /\.ts$/.test(e.name) && !/\.test\.ts$|\.test-suite\.ts$/.test(e.name) ? [full] : [];
  });
}

describe('no ambient time, randomness or environment', () => {
  for (const part of GUARDED) {
    it(`${part} takes time, randomness and settings by injection`, () => {
      const dir = part.includes('/') ? join(ROOT, 'packages', part) : join(ROOT, 'packages', part, 'src');
      const violations: string[] = [];
      for (const file of sources(dir)) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line)) return;
          for (const { pattern, why } of BANNED) {
            if (pattern.test(line)) violations.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}  — ${why}`);
          }
        });
      }
      assert.deepEqual(violations, []);
    });
  }
});
