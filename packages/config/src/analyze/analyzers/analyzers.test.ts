/** Table tests for the analyzers: testdata/<case>.yaml → the [code, resource] pairs they must report, and no others. */
import { runAnalyzerGrid } from '../analyzer-test-grid.ts';
import { conflictingMeshGatewayHostsAnalyzer } from './virtualservice/conflicting-mesh-gateway-hosts.ts';
import { destinationHostAnalyzer } from './virtualservice/destination-hosts.ts';
import { destinationRuleAnalyzer } from './virtualservice/destination-rules.ts';
import { virtualServiceGatewayAnalyzer } from './virtualservice/gateways.ts';
import { gatewaySecretAnalyzer } from './gateway/secret.ts';
import { gatewaySelectorAnalyzer } from './gateway/selector.ts';
import { sidecarSelectorAnalyzer } from './sidecar/selector.ts';
import { injectionAnalyzer } from './injection/injection.ts';
import { unknownAnnotationAnalyzer } from './annotations/unknown-annotation.ts';
import { portNameAnalyzer } from './service/port-name.ts';

const data = (name: string) => new URL(`testdata/${name}`, import.meta.url);

runAnalyzerGrid('virtualservice.GatewayAnalyzer', [virtualServiceGatewayAnalyzer], [
  { title: 'reports a gateway that does not exist, and accepts mesh, short and ns/name references', file: data('virtualservice-references.yaml'),
    expected: [['IST0101', 'VirtualService default/bad-gateway']], lines: [70] },
]);

runAnalyzerGrid('virtualservice.DestinationHostAnalyzer', [destinationHostAnalyzer], [
  { title: 'reports unknown hosts, unknown ports and a missing port on a multi-port service, resolving short names in the referrer\'s namespace',
    file: data('virtualservice-references.yaml'),
    expected: [
      ['IST0101', 'VirtualService default/bad-host'],
      ['IST0112', 'VirtualService default/bad-port'],
      ['IST0101', 'VirtualService default/bad-port'],
      ['IST0101', 'VirtualService other/other-ns'],
    ],
    lines: [85, 122, 124, 138] },
  { title: 'resolves hosts under a wildcard ServiceEntry', file: data('virtualservice-mesh-conflicts.yaml'), expected: [] },
]);

runAnalyzerGrid('virtualservice.DestinationRuleAnalyzer', [destinationRuleAnalyzer], [
  { title: 'reports subsets and mirror subsets no DestinationRule defines for the host', file: data('virtualservice-references.yaml'),
    expected: [['IST0101', 'VirtualService default/bad-subset'], ['IST0101', 'VirtualService default/bad-mirror']], lines: [97, 110] },
]);

runAnalyzerGrid('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [conflictingMeshGatewayHostsAnalyzer], [
  { title: 'reports each mesh-bound VirtualService sharing a host, and not gateway-only or namespace-private ones',
    file: data('virtualservice-mesh-conflicts.yaml'),
    expected: [['IST0109', 'VirtualService default/first'], ['IST0109', 'VirtualService default/second']] },
  { title: 'reports nothing when hosts are distinct', file: data('virtualservice-references.yaml'), expected: [] },
]);

runAnalyzerGrid('gateway analyzers', [gatewaySelectorAnalyzer, gatewaySecretAnalyzer], [
  { title: 'reports a selector matching no workload and a credentialName with no Secret beside the gateway workload',
    file: data('gateways.yaml'),
    expected: [['IST0101', 'Gateway default/missing-cert'], ['IST0101', 'Gateway default/bad-selector']], lines: [26, 32] },
]);

runAnalyzerGrid('sidecar.SelectorAnalyzer', [sidecarSelectorAnalyzer], [
  { title: 'reports overlapping selectors, several selector-less Sidecars in a namespace, and selectors matching nothing',
    file: data('sidecars.yaml'),
    expected: [
      ['IST0110', 'Sidecar default/reviews-a'],
      ['IST0110', 'Sidecar default/reviews-b'],
      ['IST0101', 'Sidecar default/nobody'],
      ['IST0111', 'Sidecar team/default-1'],
      ['IST0111', 'Sidecar team/default-2'],
    ] },
]);

runAnalyzerGrid('injection.Analyzer', [injectionAnalyzer], [
  { title: 'reports namespaces without an injection label, with both labels, and pods missing the proxy in injected namespaces',
    file: data('kubernetes.yaml'),
    expected: [['IST0102', 'Namespace plain'], ['IST0123', 'Namespace both'], ['IST0103', 'Pod injected/without-proxy']] },
]);

runAnalyzerGrid('annotations.K8sAnalyzer', [unknownAnnotationAnalyzer], [
  { title: 'reports unknown annotations in istio.io domains only', file: data('kubernetes.yaml'),
    expected: [['IST0108', 'Service opted-out/ports']], lines: [52] },
]);

runAnalyzerGrid('service.PortNameAnalyzer', [portNameAnalyzer], [
  { title: 'reports ports whose name or appProtocol declares no protocol, except UDP and well-known ports',
    file: data('kubernetes.yaml'), expected: [['IST0118', 'Service opted-out/ports']], lines: [59] },
]);
