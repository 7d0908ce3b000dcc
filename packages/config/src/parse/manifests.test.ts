import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from './manifests.ts';
import { formatIssue } from './issue.ts';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: app-gateway
  namespace: backend
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*"
`;

describe('parseManifests', () => {
  it('returns a valid object with no issues', () => {
    const result = parseManifests(GATEWAY, 'gw.yaml');
    assert.deepEqual(result.issues, []);
    assert.equal(result.resources.length, 1);
    assert.equal(result.resources[0].object.metadata.name, 'app-gateway');
    assert.equal(result.resources[0].definition.kind, 'Gateway');
    assert.deepEqual(result.resources[0].source, { file: 'gw.yaml', line: 1, column: 1 });
  });

  it('reports every problem of every document in one run, each with file, line, column and field path', () => {
    const text = `${GATEWAY.replace('number: 80', 'number: 70000').replace('protocol: HTTP', 'protocol: HTTP\n      colour: blue')}---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: second
spec:
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["bad_host!"]
`;
    const { issues, resources } = parseManifests(text, 'two.yaml');
    assert.equal(resources.length, 0);
    const lines = issues.map(formatIssue);
    assert.deepEqual(lines, [
      'two.yaml:14:7: error: Gateway backend/app-gateway: spec.servers[0].port.colour: unknown field "colour" in istio.networking.v1alpha3.Port',
      'two.yaml:11:7: error: Gateway backend/app-gateway: spec.servers[0].port.number: port number 70000 must be in the range 1..65535',
      'two.yaml:25:13: error: Gateway second: spec.servers[0].hosts[0]: domain name "bad_host!" invalid (label "bad_host!" invalid)',
      'two.yaml:24:5: error: Gateway second: spec.servers[0].tls: server must have TLS settings for HTTPS/TLS protocols',
    ]);
  });

  it('reports semantic problems at their field', () => {
    const { issues } = parseManifests(GATEWAY.replace('number: 80', 'number: 70000'), 'gw.yaml');
    assert.equal(issues.length, 1);
    assert.equal(issues[0].field, 'spec.servers[0].port.number');
    assert.equal(issues[0].source?.line, 11);
    assert.match(issues[0].message, /port number 70000 must be in the range 1\.\.65535/);
  });

  it('still runs semantic rules on the rest of an object whose structure has errors, without repeating the bad field', () => {
    const text = GATEWAY.replace('number: 80', 'number: "80"').replace('- "*"', '- "*"\n  - port: {number: 70000, name: http2, protocol: HTTP}\n    hosts: ["*"]');
    const { issues } = parseManifests(text, 'gw.yaml');
    assert.deepEqual(issues.map((i) => `${i.source?.line} ${i.field}: ${i.message}`), [
      '11 spec.servers[0].port.number: expected an integer (uint32), got string "80"',
      '16 spec.servers[1].port.number: port number 70000 must be in the range 1..65535',
    ]);
  });

  it('does not report what removing a mistyped field would cause (a weight sum, an empty parent)', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: user-service}
spec:
  hosts: [user-service]
  http:
  - route:
    - destination: {host: user-service, subset: v1}
      weight: "90"
    - destination: {host: user-service, subset: v2}
      weight: 10
    timeout: 10q
`;
    const { issues } = parseManifests(text, 'vs.yaml');
    assert.deepEqual(issues.map((i) => `${i.source?.line} ${i.field}: ${i.message}`), [
      '9 spec.http[0].route[0].weight: expected an integer (int32), got string "90"',
      '12 spec.http[0].timeout: expected a duration such as "5s", "100ms" or "1m", got string "10q"',
    ]);
  });

  it('reads mesh config as protojson does (quoted numbers, proto field names) and IstioOperator files without metadata, as istioctl install does', () => {
    const text = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  meshConfig:
    extensionProviders:
    - name: sample-ext-authz-grpc
      envoyExtAuthzGrpc: {service: ext-authz.foo.svc.cluster.local, port: "9000"}
    - name: otel
      opentelemetry:
        service: otel.observability.svc.cluster.local
        port: 4317
        resource_detectors: {environment: {}}
`;
    const { issues, resources } = parseManifests(text, 'iop.yaml');
    assert.deepEqual(issues, []);
    const object = resources[0].object as unknown as { metadata: { name?: string }; spec: { meshConfig: { extensionProviders: Record<string, any>[] } } };
    assert.equal(object.metadata.name, 'installed-state');
    assert.equal(object.spec.meshConfig.extensionProviders[0].envoyExtAuthzGrpc.port, 9000);
    assert.deepEqual(object.spec.meshConfig.extensionProviders[1].opentelemetry.resourceDetectors, { environment: {} });
  });

  it('keeps Kubernetes rules for CRD kinds: quoted numbers and proto field names are errors there', () => {
    const text = GATEWAY.replace('number: 80', 'number: "80"').replace('selector:', 'default_endpoint: x\n  selector:');
    const { issues } = parseManifests(text, 'gw.yaml');
    assert.deepEqual(issues.map((i) => i.field), ['spec.default_endpoint', 'spec.servers[0].port.number']);
  });

  it('names the expected type when a field has the wrong one', () => {
    const { issues } = parseManifests(GATEWAY.replace('number: 80', 'number: eighty'), 'gw.yaml');
    assert.equal(issues[0].field, 'spec.servers[0].port.number');
    assert.equal(issues[0].message, 'expected an integer (uint32), got string "eighty"');
  });

  it('suggests the closest field name for a misspelt one', () => {
    const { issues } = parseManifests(GATEWAY.replace('selector:', 'selectr:'), 'gw.yaml');
    assert.equal(issues[0].field, 'spec.selectr');
    assert.equal(issues[0].source?.line, 7);
    assert.match(issues[0].message, /unknown field "selectr" in istio.networking.v1alpha3.Gateway; did you mean "selector"\?/);
  });

  it('reports an unknown kind with kubectl\'s wording', () => {
    const { issues } = parseManifests('apiVersion: networking.istio.io/v1\nkind: Gatewy\nmetadata: {name: x}\n', 'k.yaml');
    assert.equal(issues.length, 1);
    assert.equal(issues[0].field, 'kind');
    assert.equal(issues[0].source?.line, 2);
    assert.match(issues[0].message, /^no matches for kind "Gatewy" in version "networking.istio.io\/v1"; did you mean networking.istio.io\/v1 Gateway\?/);
  });

  it('reports a version the kind does not serve, listing the served ones', () => {
    const { issues } = parseManifests(GATEWAY.replace('networking.istio.io/v1', 'networking.istio.io/v2'), 'gw.yaml');
    assert.match(issues[0].message, /served versions: networking.istio.io\/v1, networking.istio.io\/v1beta1, networking.istio.io\/v1alpha3/);
  });

  it('requires apiVersion, kind and metadata.name', () => {
    const { issues } = parseManifests('spec: {}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {}\nspec: {servers: []}\n', 'm.yaml');
    const fields = issues.map((i) => `${i.source?.line}:${i.field}`);
    assert.ok(fields.includes('1:apiVersion'), fields.join(' '));
    assert.ok(fields.includes('1:kind'), fields.join(' '));
    assert.ok(fields.includes('5:metadata.name'), fields.join(' '));
  });

  it('reports YAML syntax errors with their position and keeps going with the next document', () => {
    const text = `apiVersion: v1\nkind: [unclosed\n---\n${GATEWAY}`;
    const { issues, resources } = parseManifests(text, 'bad.yaml');
    assert.equal(resources.length, 1);
    assert.ok(issues.length >= 1);
    assert.match(issues[0].message, /^YAML syntax error/);
    assert.equal(issues[0].source?.file, 'bad.yaml');
    assert.ok((issues[0].source?.line ?? 0) >= 2);
  });

  it('rejects duplicate keys, which YAML forbids and Kubernetes refuses', () => {
    const { issues } = parseManifests(GATEWAY.replace('  name: app-gateway\n', '  name: app-gateway\n  name: again\n'), 'dup.yaml');
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /YAML syntax error: Map keys must be unique/);
  });

  it('skips empty documents and comments between separators', () => {
    const { issues, resources } = parseManifests(`---\n# nothing here\n---\n${GATEWAY}---\n`, 'e.yaml');
    assert.deepEqual(issues, []);
    assert.equal(resources.length, 1);
    assert.equal(resources[0].source.line, 4);
  });

  it('reads JSON as well as YAML', () => {
    const json = JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'j' }, spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } }, null, 2);
    const { issues, resources } = parseManifests(json, 'gw.json');
    assert.deepEqual(issues, []);
    assert.equal(resources[0].object.metadata.name, 'j');
  });

  it('expands a v1 List into its items, locating errors inside items', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: Gateway\n  metadata: {name: a}\n  spec:\n    servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: ["*"]\n      bogus: true\n`;
    const { issues } = parseManifests(text, 'list.yaml');
    assert.equal(issues.length, 1);
    assert.equal(issues[0].field, 'spec.servers[0].bogus');
    assert.equal(issues[0].source?.line, 11);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const { issues, resources } = parseManifests(bomb.join('\n'), 'bomb.yaml');
    assert.equal(resources.length, 0);
    assert.match(issues[0].message, /cannot read document: .*alias/i);
  });

  it('refuses input over the size limit', () => {
    const { issues } = parseManifests('a: b\n'.repeat(100), 'big.yaml', { maxBytes: 100 });
    assert.match(issues[0].message, /larger than 100 bytes/);
  });
});
