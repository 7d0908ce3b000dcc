import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, isSkiffError } from '@skiff/common';
import { formatIssue } from '../../parse/issue.ts';
import type { WatchEvent } from '../types.ts';
import { openFileSource, type FileSource, type FileSourceReport } from './file-source.ts';

const SERVICE = { group: '', kind: 'Service' };
const DR = { group: 'networking.istio.io', kind: 'DestinationRule' };

const service = (name: string, port = 80) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - name: http
    port: ${port}
`;

const destinationRule = (subsets: string[]) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
${subsets.map((s) => `  - name: ${s}\n    labels:\n      version: ${s}\n`).join('')}`;

let dir: string;
let source: FileSource | undefined;
afterEach(async () => {
  await source?.close();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function open(files: Record<string, string>, options: { fsWatch?: boolean; pollIntervalMs?: number } = {}) {
  dir = await mkdtemp(join(tmpdir(), 'skiff-file-source-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const reports: FileSourceReport[] = [];
  source = await openFileSource({ paths: [dir], cwd: dir, clock, fsWatch: options.fsWatch ?? false, pollIntervalMs: options.pollIntervalMs ?? 1000, onReport: (r) => reports.push(r) });
  const events: WatchEvent[] = [];
  const { resourceVersion } = await source.list(SERVICE);
  source.watch({ resourceVersion }, { onEvent: (e) => events.push(e), onError: () => {} }); // ends with 'store closed' in afterEach
  const s = source;
  /** One poll tick, then wait for its scan. */
  const tick = async () => {
    clock.advance(1000);
    await s.whenIdle();
    await new Promise((r) => setImmediate(r)); // watch delivery is queued on a microtask
  };
  return { source: s, clock, reports, events, tick };
}

describe('file source', () => {
  it('serves the objects of a directory through list and get, with resourceVersions', async () => {
    const { source, reports } = await open({ 'a.yaml': service('reviews'), 'b.yml': destinationRule(['v1']), 'notes.txt': 'not a manifest' });
    const services = await source.list(SERVICE);
    assert.deepEqual(services.items.map((s) => `${s.metadata.namespace}/${s.metadata.name}`), ['default/reviews']);
    assert.match(services.items[0].metadata.resourceVersion, /^\d+$/);
    const dr = await source.get({ ...DR, namespace: 'default', name: 'reviews' });
    assert.deepEqual(dr?.spec, { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    assert.deepEqual(reports.map((r) => [r.files, r.objects, r.added]), [[2, 2, 2]]);
  });

  it('follows edits: a changed file is MODIFIED, a new file ADDED, a removed file DELETED', async () => {
    const { events, tick, source } = await open({ 'a.yaml': service('reviews') });
    await writeFile(join(dir, 'a.yaml'), service('reviews', 9080));
    await writeFile(join(dir, 'b.yaml'), service('ratings'));
    await tick();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`).sort(), ['ADDED ratings', 'MODIFIED reviews']);
    const reviews = events.find((e) => e.object.metadata.name === 'reviews')!.object;
    assert.equal((reviews.spec as { ports: { port: number }[] }).ports[0].port, 9080);
    await unlink(join(dir, 'b.yaml'));
    await tick();
    assert.deepEqual(events.slice(2).map((e) => `${e.type} ${e.object.metadata.name}`), ['DELETED ratings']);
    assert.deepEqual((await source.list(SERVICE)).items.map((s) => s.metadata.name), ['reviews']);
  });

  it('sends nothing when a file is touched without changing its objects', async () => {
    const { events, tick } = await open({ 'a.yaml': service('reviews') });
    await writeFile(join(dir, 'a.yaml'), `# a comment\n${service('reviews')}`);
    await tick();
    assert.deepEqual(events, []);
  });

  it('keeps the last good version of a file whose edit is invalid, and reports its errors with file:line', async () => {
    const { events, tick, reports, source } = await open({ 'a.yaml': service('reviews'), 'dr.yaml': destinationRule(['v1']) });
    await writeFile(join(dir, 'dr.yaml'), `${destinationRule(['v1', 'v2'])}  trafficPolicy:\n    loadBalancer:\n      simple: SIDEWAYS\n`);
    await tick();
    assert.deepEqual(events, []);
    const dr = await source.get({ ...DR, namespace: 'default', name: 'reviews' });
    assert.deepEqual((dr?.spec as { subsets: unknown[] }).subsets.length, 1);
    const last = reports.at(-1)!;
    assert.deepEqual(last.rejected, ['dr.yaml']);
    const errors = source.issues().filter((i) => i.severity === 'error').map(formatIssue);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^dr\.yaml:1[0-9]:\d+: error: DestinationRule default\/reviews: spec\.trafficPolicy\.loadBalancer\.simple: /);

    await writeFile(join(dir, 'dr.yaml'), destinationRule(['v1', 'v2']));
    await tick();
    assert.deepEqual((events as WatchEvent[]).map((e) => `${e.type} ${e.object.kind}`), ['MODIFIED DestinationRule']);
    assert.deepEqual(source.issues(), []);
    assert.deepEqual(reports.at(-1)!.rejected, []);
  });

  it('serves nothing from a file that never parsed, and reports it', async () => {
    const { source, reports } = await open({ 'a.yaml': service('reviews'), 'bad.yaml': 'kind: Service\nmetadata: {name: x}\n' });
    assert.deepEqual((await source.list(SERVICE)).items.map((s) => s.metadata.name), ['reviews']);
    assert.deepEqual(reports[0].rejected, ['bad.yaml']);
    assert.match(formatIssue(reports[0].issues[0]), /^bad\.yaml:1:1: error: .*apiVersion is required/);
  });

  it('keeps the first of two documents declaring one object and reports the second', async () => {
    const { source } = await open({ 'a.yaml': service('reviews', 80), 'b.yaml': service('reviews', 9080) });
    const [svc] = (await source.list(SERVICE)).items;
    assert.equal((svc.spec as { ports: { port: number }[] }).ports[0].port, 80);
    assert.deepEqual(source.issues().map(formatIssue), ['b.yaml:1:1: error: Service default/reviews: metadata.name: Service default/reviews is already defined at a.yaml:1; this definition is ignored']);
  });

  it('refuses writes: the files are the source of truth', async () => {
    const { source } = await open({ 'a.yaml': service('reviews') });
    await assert.rejects(source.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }), (err) => isSkiffError(err, 'SKIFF_ERR_READ_ONLY') && /read-only.*edit those files instead/.test(err.message));
    await assert.rejects(source.update({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' } }), (err) => isSkiffError(err, 'SKIFF_ERR_READ_ONLY'));
    await assert.rejects(source.delete({ ...SERVICE, namespace: 'default', name: 'reviews' }), (err) => isSkiffError(err, 'SKIFF_ERR_READ_ONLY'));
  });

  it('fails to open on a path that does not exist', async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-file-source-'));
    await assert.rejects(openFileSource({ paths: ['missing.yaml'], cwd: dir, clock: new FakeClock() }), (err) => isSkiffError(err, 'SKIFF_ERR_NOT_FOUND') && err.message === 'the path "missing.yaml" does not exist');
  });

  it('notices an edit through fs.watch without polling', async () => {
    const { events, clock, source } = await open({ 'a.yaml': service('reviews') }, { fsWatch: true, pollIntervalMs: 0 });
    await writeFile(join(dir, 'a.yaml'), service('reviews', 9080));
    const deadline = Date.now() + 3000;
    while (events.length === 0 && Date.now() < deadline) {
      clock.advance(100); // ends the fs.watch debounce, if an event has arrived
      await source.whenIdle();
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['MODIFIED reviews']);
  });
});
