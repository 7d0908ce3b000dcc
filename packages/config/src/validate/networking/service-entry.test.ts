import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

const HEAD = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external
  namespace: default
spec:
`;
// HEAD is 6 lines: the first spec line is line 7.

interface Case { readonly name: string; readonly spec: string; readonly issues: readonly ExpectedIssue[] }

const cases: Case[] = [
  {
    name: 'accepts an external HTTPS API with DNS resolution (seed 002)',
    spec: `  hosts: [httpbin.org]
  location: MESH_EXTERNAL
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
`,
    issues: [],
  },
  {
    name: 'accepts a static TCP database with addresses and endpoints',
    spec: `  hosts: [postgres.external]
  addresses: [10.1.2.0/24]
  ports: [{number: 5432, name: tcp-postgres, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.1.2.3, ports: {tcp-postgres: 5432}}]
`,
    issues: [],
  },
  {
    name: 'requires hosts',
    spec: `  ports: [{number: 80, name: http, protocol: HTTP}]
`,
    issues: [{ line: 6, field: 'spec.hosts', message: 'service entry must have at least one host' }],
  },
  {
    name: 'rejects a wildcard host with DNS resolution and no endpoints',
    spec: `  hosts: ["*.example.com"]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
`,
    issues: [{ line: 7, field: 'spec.hosts[0]', message: 'hosts must be FQDN if no endpoints are provided for resolution mode DNS' }],
  },
  {
    name: 'rejects duplicate port numbers and names',
    spec: `  hosts: [api.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 80, name: http, protocol: HTTP}
  resolution: DNS
`,
    issues: [
      { line: 10, field: 'spec.ports[1].name', message: 'service entry port name "http" already defined' },
      { line: 10, field: 'spec.ports[1].number', message: 'service entry port 80 already defined' },
    ],
  },
  {
    name: 'rejects endpoints with resolution NONE and CIDR addresses with DNS',
    spec: `  hosts: [a.example.com]
  addresses: [10.0.0.0/8]
  ports: [{number: 80, name: http, protocol: HTTP}]
  endpoints: [{address: 10.0.0.1}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: b}
spec:
  hosts: [b.example.com]
  addresses: [10.0.0.0/8]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`,
    issues: [
      { line: 10, field: 'spec.endpoints', message: 'no endpoints should be provided for resolution type none' },
      { line: 17, field: 'spec.addresses', message: 'CIDR addresses are allowed only for NONE/STATIC resolution types' },
    ],
  },
  {
    name: 'rejects STATIC endpoints that are not IPs or use undeclared ports',
    spec: `  hosts: [db.internal]
  addresses: [10.9.0.1]
  ports: [{number: 3306, name: tcp-mysql, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: db.example.com, ports: {mysql: 3306}}]
`,
    issues: [
      { line: 11, field: 'spec.endpoints[0].address', message: 'endpoint address "db.example.com" is not a valid IP address' },
      { line: 11, field: 'spec.endpoints[0].ports.mysql', message: 'endpoint port 3306 is not defined by the service entry' },
    ],
  },
  {
    name: 'rejects several hosts on a plain TCP port unless resolution is NONE, and warns on TCP ports without addresses',
    spec: `  hosts: [a.example.com, b.example.com]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: DNS
`,
    issues: [
      { line: 8, field: 'spec.ports', message: 'multiple hosts provided with non-HTTP, non-TLS ports' },
      { line: 8, field: 'spec.ports[0]', severity: 'warning', message: 'addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy' },
    ],
  },
  {
    name: 'rejects an unknown protocol and an invalid port name',
    spec: `  hosts: [a.example.com]
  ports: [{number: 80, name: Http_1, protocol: SPDY}]
  resolution: DNS
`,
    issues: [
      { line: 8, field: 'spec.ports[0].name', message: 'invalid port name: Http_1' },
      { line: 8, field: 'spec.ports[0].protocol', message: 'unrecognized protocol "SPDY"' },
    ],
  },
];

describe('ServiceEntry validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(HEAD + c.spec, c.issues));
});
