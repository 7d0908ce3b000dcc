import { describe, it } from 'node:test';
import { assertIssues, type ExpectedIssue } from './expect-issues.test-helper.ts';

interface Case { readonly name: string; readonly yaml: string; readonly issues: readonly ExpectedIssue[] }

const WE = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm1, namespace: default}
spec:
`;
const WG = `apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: vms, namespace: default}
spec:
`;
// Both heads are 4 lines: the first spec line is line 5.

const cases: Case[] = [
  { name: 'accepts a VM with an IP, ports and labels', yaml: `${WE}  address: 10.0.0.5
  ports: {http: 8080}
  labels: {app: ratings}
  serviceAccount: ratings
`, issues: [] },
  { name: 'accepts an empty address when a network is set, with a warning', yaml: `${WE}  network: vpc-1
`, issues: [{ line: 4, field: 'spec', severity: 'warning', message: 'address is unset with network "vpc-1"' }] },
  { name: 'requires an address without a network', yaml: `${WE}  labels: {app: ratings}
`, issues: [{ line: 4, field: 'spec.address', message: 'address is required' }] },
  { name: 'rejects out-of-range ports and bad port names', yaml: `${WE}  address: vm.example.com
  ports: {HTTP: 0}
`, issues: [
    { line: 6, field: 'spec.ports.HTTP', message: 'invalid port name: HTTP' },
    { line: 6, field: 'spec.ports.HTTP', message: 'port number 0 must be in the range 1..65535' },
  ] },
  { name: 'accepts a WorkloadGroup with an HTTP readiness probe', yaml: `${WG}  metadata: {labels: {app: ratings}}
  template: {ports: {http: 8080}, serviceAccount: ratings}
  probe: {periodSeconds: 5, httpGet: {path: /ready, port: 8080}}
`, issues: [] },
  { name: 'requires a WorkloadGroup template without an address', yaml: `${WG}  probe: {tcpSocket: {port: 80}}
---
${WG}  template: {address: 10.0.0.1}
  probe: {periodSeconds: -1, exec: {command: []}}
`, issues: [
    { line: 4, field: 'spec.template', message: 'template is required' },
    { line: 11, field: 'spec.template.address', message: 'address must not be set in workload group template' },
    { line: 12, field: 'spec.probe.exec.command', message: 'exec.command is required' },
    { line: 12, field: 'spec.probe.periodSeconds', message: 'periodSeconds must be non-negative' },
  ] },
];

describe('WorkloadEntry and WorkloadGroup validation', () => {
  for (const c of cases) it(c.name, () => assertIssues(c.yaml, c.issues));
});
