import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { conflictingGatewayAnalyzer } from './conflicting-gateways.ts';

runAnalyzerGrid('gateway.ConflictingGatewayAnalyzer', [conflictingGatewayAnalyzer], [
  {
    title: 'reports Gateways with the same selector and port and matching hosts, and nothing across ports, selectors or unrelated hosts',
    file: new URL('testdata/conflicting-gateways.yaml', import.meta.url),
    expected: [
      ['IST0145', 'Gateway default/shop'],
      ['IST0145', 'Gateway other/wildcard'],
    ],
    lines: [12, 27],
  },
  {
    title: 'reports nothing for Gateways that differ in port, selector or hosts',
    file: new URL('testdata/conflicting-gateways-distinct.yaml', import.meta.url),
    expected: [],
  },
  {
    title: "reports nothing for Gateways that differ in port, selector or hosts",
    file: new URL('testdata/conflicting-gateways-distinct.yaml', import.meta.url),
    expected: [],
  },
]);
