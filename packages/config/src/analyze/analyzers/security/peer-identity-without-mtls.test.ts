import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { peerIdentityWithoutMtlsAnalyzer } from './peer-identity-without-mtls.ts';

runAnalyzerGrid('skiff.PeerIdentityWithoutMtlsAnalyzer', [peerIdentityWithoutMtlsAnalyzer], [
  {
    title: 'reports a policy matching on principals for workloads with mTLS disabled, and nothing for PERMISSIVE workloads or header-only rules',
    file: new URL('testdata/peer-identity-without-mtls.yaml', import.meta.url),
    expected: [['SKF0002', 'AuthorizationPolicy backend/user-service-policy']],
    lines: [43],
  },
]);
