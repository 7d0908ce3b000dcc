import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'file.yaml').issues.map((i) => ({ severity: i.severity, field: i.field, line: i.source?.line, message: i.message }));
}

const SEED_JWT = `apiVersion: security.istio.io/v1beta1
kind: RequestAuthentication
metadata:
  name: jwt-auth
spec:
  selector:
    matchLabels:
      app: user-service
  jwtRules:
  - issuer: "testing@secure.istio.io"
    jwksUri: "https://raw.githubusercontent.com/istio/istio/release-1.20/security/tools/jwt/samples/jwks.json"
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: require-jwt
spec:
  selector:
    matchLabels:
      app: user-service
  rules:
  - from:
    - source:
        requestPrincipals: ["testing@secure.istio.io/testing@secure.istio.io"]
`;

const SEED_STRICT = `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: default
spec:
  mtls:
    mode: STRICT
`;

const ap = (spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: p
  namespace: foo
spec:
${spec}`;

describe('security.istio.io validation', () => {
  it('accepts the seed JWT RequestAuthentication and requestPrincipals AuthorizationPolicy', () => {
    assert.deepEqual(issues(SEED_JWT), []);
    assert.equal(parseManifests(SEED_JWT, 'file.yaml').resources.length, 2);
  });

  it('accepts the seed STRICT PeerAuthentication', () => {
    assert.deepEqual(issues(SEED_STRICT), []);
  });

  const valid: [string, string][] = [
    ['ALLOW with to/when', ap('  action: ALLOW\n  rules:\n  - to:\n    - operation:\n        methods: ["GET"]\n        paths: ["/api/{*}/items", "/static/*"]\n        ports: ["8080"]\n    when:\n    - key: request.headers[x-user-role]\n      values: ["admin"]\n    - key: source.ip\n      values: ["10.0.0.0/8"]\n')],
    ['DENY with an empty rule', ap('  action: DENY\n  rules:\n  - {}\n')],
    ['CUSTOM with provider', ap('  action: CUSTOM\n  provider:\n    name: ext-authz\n  rules:\n  - to:\n    - operation:\n        paths: ["/admin"]\n        ports: ["80"]\n')],
    ['allow-nothing policy (no rules)', ap('  {}\n')],
    ['targetRefs to a Service', ap('  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n  rules:\n  - to:\n    - operation:\n        methods: ["GET"]\n')],
  ];
  for (const [name, yaml] of valid) {
    it(`produces nothing for a valid policy: ${name}`, () => assert.deepEqual(issues(yaml), []));
  }

  const invalid: [string, string, { severity: string; field: string; line: number; message: string }][] = [
    ['CUSTOM without provider', ap('  action: CUSTOM\n  rules:\n  - {}\n'),
      { severity: 'error', field: 'spec.provider.name', line: 6, message: '`provider.name` must not be empty' }],
    ['CUSTOM without rules', ap('  action: CUSTOM\n  provider:\n    name: x\n'),
      { severity: 'error', field: 'spec.rules', line: 6, message: 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request' }],
    ['DENY without rules', ap('  action: DENY\n'),
      { severity: 'error', field: 'spec.rules', line: 6, message: 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request' }],
    ['provider with ALLOW', ap('  provider:\n    name: x\n  rules:\n  - {}\n'),
      { severity: 'error', field: 'spec.provider', line: 7, message: '`provider` must not be with non CUSTOM action, found ALLOW' }],
    ['port out of range', ap('  rules:\n  - to:\n    - operation:\n        ports: ["70000"]\n'),
      { severity: 'error', field: 'spec.rules[0].to[0].operation.ports[0]', line: 10, message: 'bad port (70000): must be in range 1..65535' }],
    ['unknown when key', ap('  rules:\n  - when:\n    - key: request.foo\n      values: ["x"]\n'),
      { severity: 'error', field: 'spec.rules[0].when[0].key', line: 9, message: 'invalid `value` for `key` request.foo: unknown attribute: request.foo; supported keys are request.headers[<name>], source.ip, remote.ip, source.namespace, source.serviceAccount, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<claim>], destination.ip, destination.port, connection.sni, experimental.envoy.filters.*' }],
    ['when without values', ap('  rules:\n  - when:\n    - key: request.auth.claims[groups]\n'),
      { severity: 'error', field: 'spec.rules[0].when[0]', line: 9, message: 'at least one of `values` or `notValues` must be set for key request.auth.claims[groups]' }],
    ['malformed header key', ap('  rules:\n  - when:\n    - key: request.headers\n      values: ["x"]\n'),
      { severity: 'error', field: 'spec.rules[0].when[0].key', line: 9, message: 'invalid `value` for `key` request.headers: bad key (request.headers): should have format a[b]' }],
    ['empty source', ap('  rules:\n  - from:\n    - source: {}\n'),
      { severity: 'error', field: 'spec.rules[0].from[0].source', line: 9, message: '`from.source` must not be empty, found at rule 0' }],
    ['bad ipBlock', ap('  rules:\n  - from:\n    - source:\n        ipBlocks: ["10.0.0.0/33"]\n'),
      { severity: 'error', field: 'spec.rules[0].from[0].source.ipBlocks[0]', line: 10, message: 'bad CIDR range (10.0.0.0/33)' }],
    ['requestPrincipal without iss/sub', ap('  rules:\n  - from:\n    - source:\n        requestPrincipals: ["alice"]\n'),
      { severity: 'warning', field: 'spec.rules[0].from[0].source.requestPrincipals[0]', line: 10, message: 'request principal "alice" is not of the form <iss>/<sub> and will never match' }],
    ['lowercase method', ap('  rules:\n  - to:\n    - operation:\n        methods: ["get"]\n        ports: ["80"]\n'),
      { severity: 'warning', field: 'spec.rules[0].to[0].operation.methods[0]', line: 10, message: 'method "get" is matched case-sensitively and will never match; did you mean "GET"?' }],
    ['path template after {**}', ap('  rules:\n  - to:\n    - operation:\n        paths: ["/a/{**}/{*}"]\n'),
      { severity: 'error', field: 'spec.rules[0].to[0].operation.paths[0]', line: 10, message: 'invalid or unsupported path a/{**}/{*}, found in Paths. {**} is not the last operator' }],
    ['selector and targetRef', ap('  selector:\n    matchLabels:\n      app: a\n  targetRef:\n    kind: Service\n    name: a\n'),
      { severity: 'error', field: 'spec', line: 6, message: 'only one of targetRefs or workloadSelector can be set' }],
    ['wildcard selector', ap('  selector:\n    matchLabels:\n      app: "a*"\n'),
      { severity: 'error', field: 'spec.selector.matchLabels.app', line: 9, message: 'wildcard is not supported in selector: "app=a*"' }],
  ];
  for (const [name, yaml, expected] of invalid) {
    it(`reports ${name}`, () => assert.deepEqual(issues(yaml), [expected]));
  }

  it('accepts principals and namespaces without a warning (whether mTLS reaches the workload is the SKF0002 analyzer\'s question)', () => {
    const got = issues(ap('  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/frontend/sa/frontend-sa"]\n  - from:\n    - source:\n        namespaces: ["frontend"]\n'));
    assert.deepEqual(got, []);
  });

  it('warns about a principal with the spiffe:// scheme', () => {
    const got = issues(ap('  rules:\n  - from:\n    - source:\n        principals: ["spiffe://cluster.local/ns/a/sa/b"]\n'));
    assert.deepEqual(got.find((i) => i.field.endsWith('principals[0]')), {
      severity: 'warning', field: 'spec.rules[0].from[0].source.principals[0]', line: 10,
      message: 'principal "spiffe://cluster.local/ns/a/sa/b" should not include the spiffe:// prefix; write "cluster.local/ns/a/sa/b"',
    });
  });

  it('rejects CUSTOM rules that use identities', () => {
    const got = issues(ap('  action: CUSTOM\n  provider:\n    name: x\n  rules:\n  - when:\n    - key: request.auth.claims[iss]\n      values: ["a"]\n'));
    assert.deepEqual(got, [{ severity: 'error', field: 'spec.rules[0].when[0].key', line: 12, message: 'request.auth.claims[iss] is currently not supported with CUSTOM action' }]);
  });

  const ra = (rule: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: r
spec:
  jwtRules:
${rule}`;
  const raCases: [string, string, { severity: string; field: string; line: number; message: string }[]][] = [
    ['missing issuer and jwksUri', ra('  - audiences: ["a"]\n'), [{ severity: 'error', field: 'spec.jwtRules[0].issuer', line: 7, message: 'issuer or jwksUri must be non-empty string' }]],
    ['non-http jwksUri', ra('  - issuer: a\n    jwksUri: ftp://keys.example.com/jwks.json\n'), [{ severity: 'error', field: 'spec.jwtRules[0].jwksUri', line: 8, message: 'URI scheme "ftp" is not supported' }]],
    ['jwks and jwksUri together', ra('  - issuer: a\n    jwks: \'{"keys":[{"kty":"RSA"}]}\'\n    jwksUri: https://x/jwks\n'), [{ severity: 'warning', field: 'spec.jwtRules[0].jwksUri', line: 9, message: 'only one of jwks and jwksUri should be set; jwksUri is ignored when jwks is set' }]],
    ['unparseable jwks', ra('  - issuer: a\n    jwks: "{"\n'), [{ severity: 'error', field: 'spec.jwtRules[0].jwks', line: 8, message: 'jwks parse error: ' + jsonError('{') }]],
    ['empty fromHeaders name', ra('  - issuer: a\n    fromHeaders:\n    - prefix: "Bearer "\n'), [{ severity: 'error', field: 'spec.jwtRules[0].fromHeaders[0].name', line: 9, message: 'location header name must be non-empty string' }]],
    ['duplicate issuers', ra('  - issuer: a\n  - issuer: a\n'), [{ severity: 'error', field: 'spec.jwtRules[1].issuer', line: 8, message: 'duplicate issuer "a", also in jwtRules[0]' }]],
    ['valid rule with every location', ra('  - issuer: a\n    audiences: [b]\n    fromHeaders:\n    - name: x-jwt\n      prefix: "Bearer "\n    fromParams: [token]\n    fromCookies: [session]\n    outputClaimToHeaders:\n    - header: x-sub\n      claim: sub\n    timeout: 5s\n'), []],
  ];
  for (const [name, yaml, expected] of raCases) {
    it(`RequestAuthentication: ${name}`, () => assert.deepEqual(issues(yaml), expected));
  }

  const pa = (spec: string) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: p
spec:
${spec}`;
  it('PeerAuthentication: portLevelMtls needs a selector', () => {
    assert.deepEqual(issues(pa('  portLevelMtls:\n    "8080":\n      mode: DISABLE\n')), [
      { severity: 'error', field: 'spec.portLevelMtls', line: 6, message: 'mesh/namespace peer authentication cannot have port level mTLS' },
    ]);
  });
  it('PeerAuthentication: port keys must be 1..65535', () => {
    assert.deepEqual(issues(pa('  selector:\n    matchLabels:\n      app: a\n  portLevelMtls:\n    "0":\n      mode: DISABLE\n')), [
      { severity: 'error', field: 'spec.portLevelMtls["0"]', line: 10, message: 'port must be in range 1..65535' },
    ]);
  });
  it('PeerAuthentication: accepts port-level mTLS with a selector', () => {
    assert.deepEqual(issues(pa('  selector:\n    matchLabels:\n      app: a\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    "8080":\n      mode: PERMISSIVE\n')), []);
  });
  it('PeerAuthentication: rejects an unknown mode', () => {
    const got = issues(pa('  mtls:\n    mode: STRICTLY\n'));
    assert.equal(got.length, 1);
    assert.equal(got[0].field, 'spec.mtls.mode');
    assert.equal(got[0].line, 7);
    assert.match(got[0].message, /did you mean "STRICT"/);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
