/**
 * Schema coverage for security.istio.io: the examples of Istio's documentation for
 * AuthorizationPolicy, PeerAuthentication and RequestAuthentication must parse without errors. (The audit against the protos found no
 * missing fields in these kinds; these cases keep it that way.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function errors(yaml: string) {
  return parseManifests(yaml, 'security.yaml').issues
    .filter((i) => i.severity === 'error')
    .map((i) => ({ line: i.source?.line, field: i.field, message: i.message }));
}

interface Case {
  readonly title: string;
  readonly yaml: string;
}

/** Examples from Istio's reference documentation and tasks. */
const DOCUMENTED_EXAMPLES: readonly Case[] = [
  { title: 'AuthorizationPolicy: ALLOW with from, to and when (reference page)', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
spec:
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
    - source:
        namespaces: ["test"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/info*"]
    - operation:
        methods: ["POST"]
        paths: ["/data"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
` },
  { title: 'AuthorizationPolicy: DENY with notNamespaces, notPaths, ports and notValues', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
      version: v1
  action: DENY
  rules:
  - from:
    - source:
        notNamespaces: ["foo"]
  - to:
    - operation:
        notPaths: ["/healthz"]
        ports: ["8080"]
    when:
    - key: source.ip
      notValues: ["10.1.2.3"]
` },
  { title: 'AuthorizationPolicy: allow-nothing and allow-all', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-all
spec:
  rules:
  - {}
` },
  { title: 'AuthorizationPolicy: CUSTOM with an extension provider', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: CUSTOM
  provider:
    name: sample-ext-authz-grpc
  rules:
  - to:
    - operation:
        paths: ["/headers"]
` },
  { title: 'AuthorizationPolicy: targetRefs to a Service (ambient waypoint)', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-viewer
  namespace: default
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: productpage
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - cluster.local/ns/default/sa/curl
  - from:
    - source:
        serviceAccounts: ["default/reviews"]
    to:
    - operation:
        methods: ["GET"]
` },
  { title: 'AuthorizationPolicy: ipBlocks and remoteIpBlocks at the ingress gateway', yaml: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ingress-policy
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: istio-ingressgateway
  action: ALLOW
  rules:
  - from:
    - source:
        ipBlocks: ["1.2.3.4", "5.6.7.0/24"]
        remoteIpBlocks: ["10.0.0.0/8"]
` },
  { title: 'PeerAuthentication: STRICT with a port-level DISABLE (reference page)', yaml: `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: foo
spec:
  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
` },
  { title: 'PeerAuthentication: mesh-wide PERMISSIVE', yaml: `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: PERMISSIVE
` },
  { title: 'RequestAuthentication: jwksUri, inline jwks, headers, params, cookies, claim to header, timeout', yaml: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: "issuer-foo"
    jwksUri: https://example.com/.well-known/jwks.json
    audiences: ["bookstore_android.apps.example.com"]
    fromHeaders:
    - name: x-jwt-assertion
      prefix: "Bearer "
    fromParams:
    - "my_token"
    fromCookies:
    - "session"
    outputClaimToHeaders:
    - header: "x-jwt-claim-foo"
      claim: "foo"
    outputPayloadToHeader: x-jwt-payload
    forwardOriginalToken: true
    timeout: 20s
  - issuer: "issuer-bar"
    jwks: |
      { "keys":[ {"e":"AQAB","kid":"DHFbpoIUqrY8t2zpA2qXfCmr5VO5ZEr4RzHU_-envvQ","kty":"RSA","n":"xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ"}]}
` },
  { title: 'RequestAuthentication: targetRef to a Gateway', yaml: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt-on-gateway
  namespace: istio-ingress
spec:
  targetRef:
    kind: Gateway
    group: gateway.networking.k8s.io
    name: istio-ingressgateway
  jwtRules:
  - issuer: "testing@secure.istio.io"
    jwksUri: "https://raw.githubusercontent.com/istio/istio/master/security/tools/jwt/samples/jwks.json"
` },
];

describe('security.istio.io schema coverage', () => {
  for (const c of DOCUMENTED_EXAMPLES) {
    it(`accepts the documented example ${c.title}`, () => {
      assert.deepEqual(errors(c.yaml), []);
    });
  }
});
