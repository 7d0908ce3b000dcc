import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeSources } from '../../analyze.ts';
import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { formatMessageLine } from '../../output.ts';
import { mtlsConflictAnalyzer } from './mtls-conflict.ts';

const data = (name: string) => new URL(`testdata/${name}`, import.meta.url);

runAnalyzerGrid('destinationrule.MTLSConflictAnalyzer (SKF0001)', [mtlsConflictAnalyzer], [
  {
    title: 'reports tls DISABLE towards workloads a namespace-wide STRICT policy covers, at the tls mode line',
    file: data('mtls-strict-namespace-disable.yaml'),
    expected: [['SKF0001', 'DestinationRule bookinfo/reviews']],
    lines: [79],
  },
  {
    title: 'reports a client namespace\'s own plain-text rule under a mesh-wide STRICT policy',
    file: data('mtls-mesh-strict-client-rule.yaml'),
    expected: [['SKF0001', 'DestinationRule frontend/reviews-from-frontend']],
    lines: [80],
  },
  {
    title: 'reports only the subset whose workloads a workload-level port policy makes STRICT',
    file: data('mtls-workload-port-strict-subset.yaml'),
    expected: [['SKF0001', 'DestinationRule bookinfo/reviews']],
    lines: [92],
  },
  {
    title: 'reports ISTIO_MUTUAL (port-level) towards workloads whose policy is DISABLE',
    file: data('mtls-istio-mutual-to-disabled.yaml'),
    expected: [['SKF0001', 'DestinationRule bookinfo/reviews']],
    lines: [82],
  },
  {
    title: 'reports when only config and the Service are given, with the Service\'s selector standing in for its pods',
    file: data('mtls-config-only.yaml'),
    expected: [['SKF0001', 'DestinationRule shop/orders']],
    lines: [31],
  },
  {
    title: 'reports nothing for STRICT + ISTIO_MUTUAL, PERMISSIVE + DISABLE, an unexported rule, a workload-level PERMISSIVE override, a port-level mTLS override, or no tls block',
    file: data('mtls-agreeing.yaml'),
    expected: [],
  },
  {
    title: 'reports nothing for workloads opted out of sidecar injection',
    file: data('mtls-opted-out.yaml'),
    expected: [],
  },
]);

it('SKF0001 names the rule, host, port, policy, workloads, broken clients and the fix', () => {
  const path = data('mtls-strict-namespace-disable.yaml').pathname;
  const result = analyzeSources([{ file: 'mtls.yaml', text: readFileSync(path, 'utf8') }], { analyzers: [mtlsConflictAnalyzer], allNamespaces: true });
  assert.equal(result.messages.length, 1);
  assert.equal(formatMessageLine(result.messages[0]),
    'Error [SKF0001] (DestinationRule bookinfo/reviews mtls.yaml:79) DestinationRule bookinfo/reviews sets TLS mode DISABLE'
    + ' for host reviews.bookinfo.svc.cluster.local (port 9080), but PeerAuthentication bookinfo/default sets mTLS mode STRICT'
    + ' on the destination workloads [bookinfo/reviews-v1 bookinfo/reviews-v2]. Clients of reviews.bookinfo.svc.cluster.local'
    + ' in namespaces [bookinfo frontend istio-system] get connection resets (503 UF/URX: upstream connect error or disconnect/reset before headers).'
    + ' Set the DestinationRule\'s tls.mode to ISTIO_MUTUAL, or remove its tls block to let auto mTLS decide, or change the PeerAuthentication to PERMISSIVE.');
});
