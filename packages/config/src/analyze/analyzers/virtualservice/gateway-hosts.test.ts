import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { virtualServiceGatewayHostsAnalyzer } from './gateway-hosts.ts';

runAnalyzerGrid('virtualservice.GatewayHostsAnalyzer', [virtualServiceGatewayHostsAnalyzer], [
  {
    title: 'reports gateway bindings that share no host with the Gateway (namespace-scoped hosts included), at the gateway entry; nothing for covered hosts or mesh',
    file: new URL('testdata/gateway-hosts.yaml', import.meta.url),
    expected: [
      ['IST0132', 'VirtualService default/other-domain'],
      ['IST0132', 'VirtualService default/shop'],
      ['IST0132', 'VirtualService default/bogus-gateway'],
    ],
    lines: [33, 58, 84],
  },
  {
    title: "reports nothing for hosts the Gateway serves to the VirtualService's namespace, or for mesh",
    file: new URL('testdata/gateway-hosts-served.yaml', import.meta.url),
    expected: [],
  },
]);
