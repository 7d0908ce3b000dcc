import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { gatewayServicePortAnalyzer } from './service-port.ts';

runAnalyzerGrid('gateway.IngressGatewayPortAnalyzer', [gatewayServicePortAnalyzer], [
  {
    title: 'reports server ports no TCP Service port (by targetPort) reaches, for the mesh\'s and the user\'s gateways',
    file: new URL('testdata/service-port.yaml', import.meta.url),
    expected: [
      ['IST0162', 'Gateway default/mesh-ingress'],
      ['IST0162', 'Gateway edge/my-gateway'],
    ],
    lines: [13, 58],
  },
  {
    title: "reports nothing when a Service exposes every server port (by targetPort, or port for a named targetPort)",
    file: new URL('testdata/service-port-exposed.yaml', import.meta.url),
    expected: [],
  },
]);
