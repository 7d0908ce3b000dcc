/**
 * Bad input never crashes the parser: thousands of random and mutated
 * documents (truncated YAML, deep nesting, huge strings, alias bombs, random
 * bytes) each end in errors or in resources, never in an exception, a hang or
 * unbounded memory. Seeded, so a failure reproduces exactly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, seededRandom, type Random } from '@skiff/common';
import { parseManifests, type ParseResult } from './manifests.ts';
import { validateObject } from '../validate/validate-object.ts';

const CORPUS = [
  `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: app-gateway
  namespace: backend
  labels: {app: gw}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 443
      name: https
      protocol: HTTPS
    hosts:
    - "api.example.com"
    - "ns1/*.example.org"
    tls:
      mode: SIMPLE
      credentialName: api-cert
`,
  `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: user-service
spec:
  hosts: ["user-service"]
  gateways: [app-gateway]
  http:
  - match:
    - uri: {prefix: /users}
      headers:
        x-user-type: {exact: beta}
    route:
    - destination: {host: user-service, subset: v1}
      weight: 90
    - destination: {host: user-service, subset: v2}
      weight: 10
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: 5xx}
    timeout: 10s
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: user-service}
spec:
  host: user-service
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`,
  `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"ports":[{"port":80,"name":"http"}]}}]}`,
];

const TOKENS = ['\n', ' ', '  ', '- ', ': ', '---\n', '&a ', '*a', '!!str ', '!!binary ', '{', '}', '[', ']', ',', '"', "'", '#', '|\n', '>\n', '? ', '\t', '\u0000', '\uFEFF', '\uFFFD', '%YAML 1.2\n', 'null', '~', '1e999', '-0', '0x1F', '<<: *a\n', 'kind: ', 'apiVersion: ', 'spec: '];

function mutate(text: string, random: Random): string {
  let out = text;
  const operations = 1 + randomInt(random, 6);
  for (let i = 0; i < operations; i++) {
    const at = randomInt(random, out.length + 1);
    switch (randomInt(random, 7)) {
      case 0: out = out.slice(0, at); break; // truncate
      case 1: out = out.slice(0, at) + TOKENS[randomInt(random, TOKENS.length)] + out.slice(at); break;
      case 2: out = out.slice(0, at) + out.slice(at + 1 + randomInt(random, 20)); break; // delete a run
      case 3: out = out.slice(0, at) + String.fromCharCode(randomInt(random, 0x3000)) + out.slice(at); break;
      case 4: { // swap two lines
        const lines = out.split('\n');
        const a = randomInt(random, lines.length);
        const b = randomInt(random, lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        out = lines.join('\n');
        break;
      }
      case 5: out = out.slice(0, at) + out.slice(randomInt(random, out.length + 1)).slice(0, 200) + out.slice(at); break; // duplicate a run
      case 6: out = out.replace(/ {2}/g, random.next() < 0.5 ? ' ' : '   '); break; // break indentation
    }
  }
  return out;
}

function randomText(random: Random): string {
  let out = '';
  const length = randomInt(random, 400);
  for (let i = 0; i < length; i++) out += random.next() < 0.6 ? TOKENS[randomInt(random, TOKENS.length)] : String.fromCharCode(32 + randomInt(random, 95));
  return out;
}

/** Parses and checks the invariants every outcome must hold. */
function parseChecked(text: string, label: string): ParseResult {
  let result: ParseResult;
  const started = performance.now();
  try {
    result = parseManifests(text, 'fuzz.yaml');
  } catch (err) {
    assert.fail(`${label}: parseManifests threw ${(err as Error)?.stack ?? err}\ninput: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const elapsed = performance.now() - started;
  // A hang detector, not a performance target: catastrophic backtracking or exponential expansion shows up as seconds.
  assert.ok(elapsed < 5_000, `${label}: took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 120))}`);
  for (const issue of result.issues) {
    assert.equal(typeof issue.message, 'string');
    assert.ok(issue.message.length > 0 && issue.message.length < 2_000, `${label}: unbounded message`);
    assert.ok(issue.source && issue.source.line >= 1 && issue.source.column >= 1, `${label}: issue without a position: ${issue.message}`);
  }
  for (const resource of result.resources) {
    const errors = validateObject(resource.object).filter((i) => i.severity === 'error');
    assert.deepEqual(errors, [], `${label}: accepted an object that validateObject rejects`);
  }
  return result;
}

describe('parseManifests under hostile input', () => {
  it('ends every mutated manifest in errors or resources, with positions, never an exception', () => {
    const random = seededRandom(20261122);
    for (let i = 0; i < 3_000; i++) parseChecked(mutate(CORPUS[i % CORPUS.length], random), `mutation #${i}`);
  });

  it('ends every random token soup in errors or resources', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2_000; i++) parseChecked(randomText(random), `random #${i}`);
  });

  it('reports deep nesting as an error instead of overflowing the stack', () => {
    for (const depth of [1_000, 20_000, 100_000]) {
      for (const text of ['['.repeat(depth), `${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`, Array.from({ length: Math.min(depth, 5_000) }, (_, i) => `${' '.repeat(i)}- x`).join('\n')]) {
        const result = parseChecked(text, `depth ${depth}`);
        assert.ok(result.issues.length > 0, `depth ${depth}: nested garbage must be reported`);
      }
    }
    const nestedSpec = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: deep}\nspec: ${'{servers: '.repeat(10_000)}`;
    assert.ok(parseChecked(nestedSpec, 'deep spec').issues.length > 0);
  });

  it('bounds huge strings and alias expansion', () => {
    const huge = parseChecked(`apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${'a'.repeat(5_000_000)}\n`, 'huge name');
    assert.ok(huge.issues.some((i) => i.field === 'metadata.name'));
    assert.ok(huge.issues.every((i) => i.message.length < 2_000), 'messages quote bad values briefly');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 20; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const before = process.memoryUsage().heapUsed;
    const bomb = parseChecked(levels.join('\n'), 'alias bomb');
    assert.ok(bomb.issues.length > 0);
    assert.ok(process.memoryUsage().heapUsed - before < 256 * 1024 * 1024, 'alias expansion stayed bounded');
    assert.ok(parseChecked(`x: ${'&a [*a] '.repeat(10)}`, 'self alias').issues.length > 0);
  });
});
