import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

const HEAD = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: bookinfo
spec:
`;
// HEAD is 6 lines: the first spec line is line 7.

interface Case { readonly name: string; readonly spec: string; readonly issues: readonly ExpectedIssue[] }

const cases: Case[] = [
  {
    name: 'accepts egress hosts in ns/host form and an ingress listener with a default endpoint',
    spec: `  workloadSelector: {labels: {app: ratings}}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: somename}
    defaultEndpoint: 127.0.0.1:8080
  egress:
  - hosts: ["./*", "istio-system/*", "*/*.example.com"]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`,
    issues: [],
  },
  {
    name: 'rejects an empty Sidecar',
    spec: `  workloadSelector: {labels: {app: ratings}}
`,
    issues: [{ line: 6, field: 'spec', message: 'sidecar: empty configuration provided' }],
  },
  {
    name: 'rejects egress hosts without a namespace and listeners without hosts',
    spec: `  egress:
  - port: {number: 80, protocol: HTTP, name: http}
    hosts: [reviews.default.svc.cluster.local]
  - hosts: []
`,
    issues: [
      { line: 9, field: 'spec.egress[0].hosts[0]', message: 'host must be of form namespace/dnsName' },
      { line: 10, field: 'spec.egress[1].hosts', message: 'sidecar: egress listener must contain at least one host' },
    ],
  },
  {
    name: 'accepts an egress listener without a port only as the last one',
    spec: `  egress:
  - hosts: ["./*"]
  - port: {number: 80, protocol: HTTP, name: http}
    hosts: ["./*"]
  - hosts: ["istio-system/*"]
  - hosts: ["*/*"]
`,
    issues: [
      { line: 8, field: 'spec.egress[0]', message: 'sidecar: the egress listener with empty port should be the last listener in the list' },
      { line: 11, field: 'spec.egress[2]', message: 'sidecar: the egress listener with empty port should be the last listener in the list' },
    ],
  },
  {
    name: 'requires ingress ports and checks the default endpoint form',
    spec: `  ingress:
  - defaultEndpoint: 127.0.0.1:8080
  - port: {number: 9080, protocol: HTTP, name: http}
    defaultEndpoint: 10.0.0.1:8080
`,
    issues: [
      { line: 8, field: 'spec.ingress[0].port', message: 'sidecar: port is required for ingress listeners' },
      { line: 10, field: 'spec.ingress[1].defaultEndpoint', message: 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset' },
    ],
  },
  {
    name: 'rejects an egressProxy outside ALLOW_ANY mode',
    spec: `  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
    egressProxy: {host: proxy.example.com, port: {number: 3128}}
`,
    issues: [{ line: 9, field: 'spec.outboundTrafficPolicy.egressProxy', message: 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode' }],
  },
];

describe('Sidecar validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(HEAD + c.spec, c.issues));
});
