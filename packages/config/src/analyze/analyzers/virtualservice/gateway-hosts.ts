/**
 * IST0132 from Istio's virtualservice.GatewayAnalyzer: a VirtualService bound
 * to a Gateway must share at least one host with it, or the gateway never
 * routes to it. The Gateway's server hosts count when written without a
 * namespace, or as `*\/host`, `<vs namespace>/host`, or `./host` with the
 * Gateway in the VirtualService's namespace; hosts match as Istio's
 * host.Name.Matches (wildcards cover). `mesh` is skipped. As in Istio, a
 * Gateway that does not exist (IST0101, virtualservice/gateways.ts) has no
 * hosts and is reported here too.
 */
import { GatewayKind, VirtualServiceKind, type Gateway, type VirtualService } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { shortOrFullName } from '../../hosts.ts';
import { VirtualServiceHostNotFoundInGateway } from '../../messages.gen.ts';
import { hostsMatch } from '../gateway/host-match.ts';

export const virtualServiceGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayHostsAnalyzer',
  description: 'Checks that the hosts of a virtual service bound to a gateway are served by that gateway',
  inputs: [VirtualServiceKind, GatewayKind],
  analyze(ctx) {
    for (const vs of ctx.list<VirtualService>(VirtualServiceKind)) {
      const namespace = vs.namespace ?? ctx.defaultNamespace;
      const vsHosts = vs.object.spec?.hosts ?? [];
      (vs.object.spec?.gateways ?? []).forEach((name, i) => {
        if (name === 'mesh') return;
        const ref = shortOrFullName(namespace, name);
        const gateway = ctx.get<Gateway>(GatewayKind, ref.namespace, ref.name);
        const gatewayHosts = (gateway?.object.spec?.servers ?? []).flatMap((s) => s.hosts ?? [])
          .flatMap((h) => visibleHost(h, ref.namespace, namespace));
        if (gatewayHosts.some((g) => vsHosts.some((h) => hostsMatch(g, h)))) return;
        ctx.report(VirtualServiceHostNotFoundInGateway, vs, ['spec', 'gateways', i], vsHosts, `${namespace}/${vs.name}`, `${ref.namespace}/${ref.name}`);
      });
    }
  },
};

/** The host part of a Gateway server host if a VirtualService in `vsNamespace` may bind to it. */
function visibleHost(host: string, gatewayNamespace: string, vsNamespace: string): string[] {
  const slash = host.indexOf('/');
  if (slash < 0) return [host];
  const ns = host.slice(0, slash) === '.' ? gatewayNamespace : host.slice(0, slash);
  return ns === '*' || ns === vsNamespace ? [host.slice(slash + 1)] : [];
}
