import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { noMatchingWorkloadsAnalyzer } from './no-matching-workloads.ts';

runAnalyzerGrid('auth.NoMatchingWorkloadsAnalyzer', [noMatchingWorkloadsAnalyzer], [
  {
    title: 'reports AuthorizationPolicies, PeerAuthentications and RequestAuthentications that select no workload in the mesh, and nothing for matching, mesh-wide or targetRef policies',
    file: new URL('testdata/no-matching-workloads.yaml', import.meta.url),
    expected: [
      ['IST0127', 'AuthorizationPolicy bookinfo/ratings-viewer'],
      ['IST0127', 'PeerAuthentication legacy/default'],
      ['IST0127', 'RequestAuthentication legacy/legacy-jwt'],
      ['IST0127', 'AuthorizationPolicy istio-system/nobody'],
    ],
    lines: [59, 74, 87, 133],
  },
  {
    title: "reports nothing when every policy selects an in-mesh workload or is mesh-wide",
    file: new URL('testdata/no-matching-workloads-selected.yaml', import.meta.url),
    expected: [],
  },
]);
