/**
 * The seed documents' manifests (packages/config/testdata/seeds/, one file per
 * manifest block) as analysis test data. Each file is analyzed the way its lab
 * applies it (`kubectl apply -n backend` places objects in backend) on top of
 * what the lab has already created: the seed's Kubernetes workloads, Gateways,
 * DestinationRules and ServiceEntries, plus seeds-context/ for what the labs
 * create by command (the backend namespace label, the Bookinfo sample).
 * Every Error must be one the seed really has, at its line; nothing else may
 * report an Error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseManifests, type ParsedResource } from '../parse/manifests.ts';
import type { ConfigIssue } from '../parse/issue.ts';
import { analyzeParsed } from './analyze.ts';
import { formatMessageLine, friendlyName } from './output.ts';

const SEEDS = fileURLToPath(new URL('../../testdata/seeds/', import.meta.url));
const CONTEXT = fileURLToPath(new URL('../../testdata/seeds-context/', import.meta.url));
const FILES = readdirSync(SEEDS).filter((f) => f.endsWith('.yaml')).sort();
/** Kinds a lab creates before the manifests that reference them; VirtualServices stay per file (later ones replace earlier ones). */
const BASELINE_KINDS = new Set(['Namespace', 'Service', 'Deployment', 'Pod', 'Secret', 'Gateway', 'DestinationRule', 'ServiceEntry']);

interface Expected { readonly code: string; readonly origin: string; readonly line: number; readonly text: RegExp }

/** The seeds' real mistakes. Everything not listed must analyze without an Error. */
const EXPECTED_ERRORS: Readonly<Record<string, readonly Expected[]>> = {
  // The HTTPS server names secret api-cert, which the lab never creates (it would live beside the ingress gateway, in istio-system).
  // And, like istioctl, it flags the overlap with app-gateway: same selector, port 80, and "*" covers api.example.com.
  '002-advanced-gateway.yaml': [
    { code: 'IST0101', origin: 'Gateway backend/advanced-gateway', line: 23, text: /Referenced credentialName not found: "api-cert"/ },
    { code: 'IST0145', origin: 'Gateway backend/advanced-gateway', line: 11, text: /Conflict with gateways backend\/app-gateway \(workload selector istio=ingressgateway, port 80/ },
  ],
  '002-app-gateway.yaml': [
    { code: 'IST0145', origin: 'Gateway backend/app-gateway', line: 11, text: /Conflict with gateways backend\/advanced-gateway \(workload selector istio=ingressgateway, port 80, hosts \*\)/ },
  ],
  // destination-rule-all defines subsets for Bookinfo versions the seed never deploys (details v2, ratings v2*): 503 UH waiting to happen.
  '003-destination-rule-all.yaml': [
    { code: 'IST0173', origin: 'DestinationRule default/details', line: 61, text: /The Subset v2 defined in the DestinationRule does not select any pods/ },
    { code: 'IST0173', origin: 'DestinationRule default/ratings', line: 41, text: /The Subset v2 defined/ },
    { code: 'IST0173', origin: 'DestinationRule default/ratings', line: 44, text: /The Subset v2-mysql defined/ },
    { code: 'IST0173', origin: 'DestinationRule default/ratings', line: 47, text: /The Subset v2-mysql-vm defined/ },
  ],
  // EnvoyFilter is served only as networking.istio.io/v1alpha3; the seed writes v1beta1.
  '002-rate-limit-envoyfilter.yaml': [{ code: 'IST0106', origin: 'EnvoyFilter backend/rate-limit-filter', line: 3, text: /no matches for kind "EnvoyFilter" in version "networking.istio.io\/v1beta1"/ }],
  // Not an Istio field: circuit breaking is outlierDetection + connectionPool.
  '003-reviews-destinationrule-circuitbreaker.yaml': [{ code: 'IST0106', origin: 'DestinationRule default/reviews', line: 17, text: /unknown field "circuitBreaker"/ }],
  // The canary example routes to productpage v2, but Bookinfo has only productpage v1 and destination-rule-all defines only subset v1.
  '003-canary-virtualservice.yaml': [
    { code: 'IST0101', origin: 'VirtualService default/canary-deployment', line: 17, text: /host\+subset in destinationrule not found: "productpage\+v2"/ },
    { code: 'IST0101', origin: 'VirtualService default/canary-deployment', line: 25, text: /host\+subset in destinationrule not found: "productpage\+v2"/ },
  ],
};
/** The damaged block: its head was lost in the seed, so it is not YAML a parser can read; every line it gets is IST0106. */
const DAMAGED = '002-user-service-v2-damaged-fragment.yaml';

interface Parsed { readonly resources: ParsedResource[]; readonly issues: ConfigIssue[] }

/** Parses as `kubectl apply -n NS` would: objects without a namespace get the one the lab's command names. */
function parseSeed(dir: string, file: string): Parsed {
  const text = readFileSync(dir + file, 'utf8');
  const namespace = /applied with -n (\S+?)[.;]/.exec(text)?.[1] ?? 'default';
  const parsed = parseManifests(text, file);
  const resources = parsed.resources.map((r): ParsedResource => (r.definition.namespaced && !r.object.metadata.namespace
    ? { ...r, object: { ...r.object, metadata: { ...r.object.metadata, namespace } } }
    : r));
  const issues = parsed.issues.map((i) => (i.resource && i.resource.namespace === undefined && i.resource.kind !== 'Namespace'
    ? { ...i, resource: { ...i.resource, namespace } } : i));
  return { resources, issues };
}

const seeds = new Map(FILES.map((f) => [f, parseSeed(SEEDS, f)]));
const context = readdirSync(CONTEXT).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: f, parsed: parseSeed(CONTEXT, f) }));

function analyzeSeedFile(file: string) {
  const seed = file.slice(0, 3);
  const own = seeds.get(file)!;
  const baseline = [...seeds].filter(([f]) => f !== file && f.startsWith(seed))
    .flatMap(([, p]) => p.resources.filter((r) => BASELINE_KINDS.has(r.object.kind)));
  const extra = context.filter((c) => c.file.startsWith(seed)).flatMap((c) => c.parsed.resources);
  const result = analyzeParsed([...own.resources, ...baseline, ...extra], own.issues, { allNamespaces: true });
  return result.messages.filter((m) => m.position?.file === file);
}

describe('seed manifests', () => {
  it('extracts every manifest block of the seeds (41 files)', () => {
    assert.equal(FILES.length, 41);
  });

  for (const file of FILES) {
    if (file === DAMAGED) continue;
    it(`${file} parses into resources`, () => {
      const parsed = seeds.get(file)!;
      assert.ok(parsed.resources.length + parsed.issues.filter((i) => i.resource).length > 0, 'no object found');
      assert.deepEqual(parsed.issues.filter((i) => i.severity === 'error' && !i.resource), [], 'YAML is intact');
    });

    const expected = EXPECTED_ERRORS[file] ?? [];
    it(expected.length === 0 ? `${file} analyzes without errors` : `${file} reports the seed's mistake: ${expected.map((e) => e.code).join(', ')}`, () => {
      const errors = analyzeSeedFile(file).filter((m) => m.type.level === 'Error');
      assert.deepEqual(
        errors.map((m) => ({ code: m.type.code, origin: m.origin ? friendlyName(m.origin) : '', line: m.position?.line })),
        expected.map((e) => ({ code: e.code, origin: e.origin, line: e.line })),
        errors.map(formatMessageLine).join('\n'));
      errors.forEach((m, i) => assert.match(formatMessageLine(m), expected[i].text));
    });
  }

  it(`${DAMAGED} (head lost in the seed) is reported as IST0106 and nothing else`, () => {
    const messages = analyzeSeedFile(DAMAGED);
    assert.ok(messages.length > 0);
    assert.deepEqual([...new Set(messages.map((m) => m.type.code))], ['IST0106']);
    assert.match(formatMessageLine(messages[0]), /YAML syntax error/);
  });
});
