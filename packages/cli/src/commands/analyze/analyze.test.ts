import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../main.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

async function run(argv: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([stdin]), cwd: HERE });
  return { code, stdout: out, stderr: err };
}

/** Compares with testdata/<name>; `UPDATE_GOLDEN=1` rewrites the file instead. */
function assertGolden(actual: string, name: string): void {
  const path = `${HERE}testdata/${name}`;
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

describe('skiff analyze', () => {
  it('prints Istio\'s text lines for the default namespace and exits 79 on an Error', async () => {
    const r = await run(['analyze', '-f', 'testdata/mixed.yaml']);
    assert.equal(r.code, 79);
    assertGolden(r.stdout, 'mixed.text.golden');
    assert.match(r.stderr, /^Error: Analyzers found issues when analyzing namespace: default\.\n/);
  });

  it('reports every namespace with -A', async () => {
    const r = await run(['analyze', '-A', '-f', 'testdata/mixed.yaml']);
    assert.equal(r.code, 79);
    assertGolden(r.stdout, 'mixed.all-namespaces.text.golden');
    assert.match(r.stderr, /when analyzing all namespaces\./);
  });

  it('prints Istio\'s JSON fields with -o json', async () => {
    const r = await run(['analyze', '-A', '-o', 'json', '-f', 'testdata/mixed.yaml']);
    assertGolden(r.stdout, 'mixed.json.golden');
    const parsed = JSON.parse(r.stdout) as Record<string, string>[];
    assert.deepEqual(Object.keys(parsed[0]), ['code', 'documentationUrl', 'level', 'message', 'origin', 'reference']);
    assert.equal(parsed[0].code, 'IST0101');
    assert.equal(parsed[0].documentationUrl, 'https://istio.io/latest/docs/reference/config/analysis/ist0101/');
  });

  it('prints the same records as YAML with -o yaml', async () => {
    const r = await run(['analyze', '-A', '-o', 'yaml', '-f', 'testdata/mixed.yaml']);
    assertGolden(r.stdout, 'mixed.yaml.golden');
  });

  it('says nothing was found, on stderr, and exits 0 for clean input', async () => {
    const r = await run(['analyze', '-f', 'testdata/clean.yaml']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '\u2714 No validation issues found when analyzing namespace: default.\n');
  });

  it('names all namespaces in the clean summary with -A', async () => {
    const r = await run(['analyze', '-A', '-f', 'testdata/clean.yaml']);
    assert.equal(r.stderr, '\u2714 No validation issues found when analyzing all namespaces.\n');
  });

  it('places objects without a namespace in -n NS and reports only that namespace', async () => {
    const r = await run(['analyze', '-n', 'other', '-f', 'testdata/mixed.yaml']);
    assert.equal(r.code, 79);
    assert.match(r.stdout, /\(Gateway other\/typo-gateway testdata\/mixed.yaml:14\)/);
    assert.match(r.stdout, /\(Gateway other\/other-gateway testdata\/mixed.yaml:26\)/);
    assert.doesNotMatch(r.stdout, /default\//);
  });

  it('suppresses a code on a resource, in both suppression forms, with wildcards', async () => {
    const slash = await run(['analyze', '-A', '-f', 'testdata/mixed.yaml', '--suppress', 'IST0106=Gateway default/typo-*', '-S', 'IST0106=Gateway other-gateway.other', '-S', 'IST0101=VirtualService */reviews']);
    assert.equal(slash.code, 0);
    assert.doesNotMatch(slash.stdout, /^Error/m);
    assert.match(slash.stdout, /^Info \[IST0118\]/m);
    const partial = await run(['analyze', '-A', '-f', 'testdata/mixed.yaml', '--suppress', 'IST0106=Gateway default/*']);
    assert.equal(partial.code, 79);
    assert.match(partial.stdout, /other\/other-gateway/);
    assert.doesNotMatch(partial.stdout, /typo-gateway/);
  });

  it('warns about an unknown code in --suppress but still runs', async () => {
    const r = await run(['analyze', '-f', 'testdata/clean.yaml', '--suppress', 'IST9999=Gateway default/x']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Warning: Supplied message code 'IST9999' is an unknown message code/);
  });

  it('reads manifests from stdin with -f -', async () => {
    const r = await run(['analyze', '-f', '-'], readFileSync(`${HERE}testdata/mixed.yaml`, 'utf8'));
    assert.equal(r.code, 79);
    assert.match(r.stdout, /\(Gateway default\/typo-gateway <stdin>:14\)/);
  });

  it('lists the analyzers with --list-analyzers', async () => {
    const r = await run(['analyze', '--list-analyzers']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\* schema\.ValidationAnalyzer:\n {4}\S/m);
  });

  it('exits 2 on usage errors: no files, a bad format, a bad suppression', async () => {
    assert.equal((await run(['analyze'])).code, 2);
    assert.equal((await run(['analyze', '-o', 'xml', '-f', 'testdata/clean.yaml'])).code, 2);
    assert.equal((await run(['analyze', '-f', 'testdata/clean.yaml', '--suppress', 'IST0101'])).code, 2);
  });

  it('exits 1 with a message when a path does not exist', async () => {
    const r = await run(['analyze', '-f', 'testdata/missing.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);
  });
});
