/**
 * Every analyzer `skiff analyze` runs, in one explicit list (nothing registers
 * itself on import).
 *
 * Adding an analyzer:
 *  1. If its message is new, add it to ../messages.yaml (Istio's wording and
 *     code) and run `./node_modules/.bin/node tools/gen-analysis-messages.ts`.
 *  2. Write `analyzers/<kind>/<check>.ts` exporting an `Analyzer`: Istio's name,
 *     a one-line description, its input kinds (KindDefinitions from @skiff/api),
 *     and `analyze(ctx)`, which reads `ctx.list(kind)`, `ctx.get(kind, ns, name)`,
 *     `ctx.services.lookup(host, ns)` and `ctx.workloads`, and calls
 *     `ctx.report(Message, resource, fieldPath, ...args)` with the path of the
 *     field at fault, so the message carries that field's line.
 *  3. Append it below, and add a table test beside it (`<check>.test.ts` with
 *     cases in testdata/<case>.yaml → expected [code, "Kind ns/name"] pairs, via
 *     ../analyzer-test-grid.ts), including cases that must report nothing.
 */
import type { Analyzer } from '../analyzer.ts';
import { unknownAnnotationAnalyzer } from './annotations/unknown-annotation.ts';
import { gatewaySecretAnalyzer } from './gateway/secret.ts';
import { gatewaySelectorAnalyzer } from './gateway/selector.ts';
import { injectionAnalyzer } from './injection/injection.ts';
import { schemaValidationAnalyzer } from './schema/validation.ts';
import { portNameAnalyzer } from './service/port-name.ts';
import { sidecarSelectorAnalyzer } from './sidecar/selector.ts';
import { conflictingMeshGatewayHostsAnalyzer } from './virtualservice/conflicting-mesh-gateway-hosts.ts';
import { destinationHostAnalyzer } from './virtualservice/destination-hosts.ts';
import { destinationRuleAnalyzer } from './virtualservice/destination-rules.ts';
import { virtualServiceGatewayAnalyzer } from './virtualservice/gateways.ts';
import { caCertificateAnalyzer } from './destinationrule/ca-certificates.ts';
import { mtlsConflictAnalyzer } from './destinationrule/mtls-conflict.ts';
import { conflictingGatewayAnalyzer } from './gateway/conflicting-gateways.ts';
import { gatewayCredentialAnalyzer } from './gateway/credential.ts';
import { gatewayServicePortAnalyzer } from './gateway/service-port.ts';
import { virtualServiceGatewayHostsAnalyzer } from './virtualservice/gateway-hosts.ts';
import { unreachableRulesAnalyzer } from './virtualservice/unreachable-rules.ts';
import { noMatchingWorkloadsAnalyzer } from './security/no-matching-workloads.ts';
import { peerIdentityWithoutMtlsAnalyzer } from './security/peer-identity-without-mtls.ts';
import { telemetrySelectorAnalyzer } from './telemetry/selector.ts';
import { subsetSelectPodAnalyzer } from './destinationrule/subset.ts';
import { serviceEntryAddressesAnalyzer } from './serviceentry/addresses.ts';

export const ALL_ANALYZERS: readonly Analyzer[] = [
  schemaValidationAnalyzer,
  unknownAnnotationAnalyzer,
  gatewaySelectorAnalyzer,
  gatewaySecretAnalyzer,
  injectionAnalyzer,
  portNameAnalyzer,
  sidecarSelectorAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  virtualServiceGatewayAnalyzer,
  caCertificateAnalyzer,
  subsetSelectPodAnalyzer,
  serviceEntryAddressesAnalyzer,
  mtlsConflictAnalyzer,
  conflictingGatewayAnalyzer,
  gatewayCredentialAnalyzer,
  gatewayServicePortAnalyzer,
  virtualServiceGatewayHostsAnalyzer,
  unreachableRulesAnalyzer,
  noMatchingWorkloadsAnalyzer,
  peerIdentityWithoutMtlsAnalyzer,
  telemetrySelectorAnalyzer,
];
