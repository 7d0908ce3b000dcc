/**
 * The architecture's import rules, enforced on every test run (STYLE.md §2):
 * a package may import only the @skiff packages it declares in package.json,
 * and those declarations follow the allowed arrows. Relative imports may not
 * climb out of their own package.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');

/** Who may import whom. `testing` may import anything but is imported only by tests. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  api: [],
  common: ['api'],
  config: ['api', 'common'],
  'control-plane': ['api', 'common', 'config'],
  ca: ['api', 'common', 'config'],
  proxy: ['api', 'common', 'config'],
  client: ['api', 'common'],
  cli: ['api', 'common', 'config', 'client'],
  dashboard: ['api', 'common', 'client'],
  images: [],
  runtime: ['api', 'common', 'config', 'control-plane', 'ca', 'proxy', 'client', 'dashboard', 'cli', 'images'],
  testing: ['api', 'common', 'config', 'control-plane', 'ca', 'proxy', 'client', 'runtime'],
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

function isTestFile(file: string): boolean {
  return /\.test\.ts$|\.test-suite\.ts$/.test(file) || file.split(sep).includes('test') || file.split(sep).includes('testdata');
}

describe('package boundaries', () => {
  for (const pkg of Object.keys(ALLOWED)) {
    it(`${pkg} imports only what the architecture allows`, () => {
      const dir = join(PACKAGES, pkg);
      const declared = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {})
        .filter((d) => d.startsWith('@skiff/')).map((d) => d.slice('@skiff/'.length));
      const undeclaredArrows = declared.filter((d) => !ALLOWED[pkg].includes(d));
      assert.deepEqual(undeclaredArrows, [], `${pkg}/package.json depends on packages the architecture forbids`);
      const violations: string[] = [];
      for (const file of sourceFiles(dir)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2];
          const where = relative(ROOT, file);
          if (spec.startsWith('@skiff/')) {
            const target = spec.slice('@skiff/'.length).split('/')[0];
            const okForTests = isTestFile(file) && (target === 'testing' || ALLOWED.testing.includes(target));
            if (target !== pkg && !ALLOWED[pkg].includes(target) && !okForTests) violations.push(`${where}: imports @skiff/${target}`);
          } else if (spec.startsWith('.')) {
            const resolved = resolve(dirname(file), spec);
            if (!resolved.startsWith(dir + sep)) violations.push(`${where}: relative import "${spec}" leaves the package`);
          }
        }
      }
      assert.deepEqual(violations, []);
    });
  }
});
