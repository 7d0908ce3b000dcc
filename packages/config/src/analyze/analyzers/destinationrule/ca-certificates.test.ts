import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { caCertificateAnalyzer } from './ca-certificates.ts';

runAnalyzerGrid('destinationrule.CaCertificateAnalyzer', [caCertificateAnalyzer], [
  {
    title: 'reports SIMPLE/MUTUAL origination without caCertificates, credentialName or insecureSkipVerify, at the mode line',
    file: new URL('testdata/ca-certificates.yaml', import.meta.url),
    expected: [
      ['IST0128', 'DestinationRule default/no-ca'],
      ['IST0129', 'DestinationRule default/no-ca'],
      ['IST0129', 'DestinationRule default/port-only'],
    ],
    lines: [11, 16, 65],
  },
  {
    title: 'reports nothing when caCertificates, credentialName or insecureSkipVerify is set, or the mode is ISTIO_MUTUAL or DISABLE',
    file: new URL('testdata/ca-certificates-verified.yaml', import.meta.url),
    expected: [],
  },
  {
    title: "reports nothing when caCertificates, credentialName or insecureSkipVerify is set, or the mode is ISTIO_MUTUAL or DISABLE",
    file: new URL('testdata/ca-certificates-verified.yaml', import.meta.url),
    expected: [],
  },
]);
