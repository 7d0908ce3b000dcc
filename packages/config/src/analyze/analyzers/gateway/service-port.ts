/**
 * IST0162 from Istio's gateway.IngressGatewayPortAnalyzer: each Gateway
 * server port must be a port the gateway workload is reachable on through a
 * Service selecting it: the Service port's numeric `targetPort`, or the port
 * itself when the targetPort is unset or named (TCP ports only; an unset
 * protocol is TCP). If any Service selecting any of the selected workloads
 * offers the port, nothing is reported. The mesh's own gateways use the
 * mesh's gateway Services (mesh-defaults.ts). Reported at the server's port
 * (Istio points at the selector). A selector matching no
 * workload is gateway.SelectorAnalyzer's IST0101, not reported here.
 */
import { GatewayKind, kube, type Gateway } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { serviceFqdn } from '../../hosts.ts';
import { GatewayPortNotDefinedOnService } from '../../messages.gen.ts';
import { selectorMatches, selectorString } from '../../workloads.ts';

export const gatewayServicePortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: 'Checks a gateway\'s ports against the gateway\'s Kubernetes service ports',
  inputs: [GatewayKind, kube.ServiceKind],
  analyze(ctx) {
    const services = ctx.list<kube.Service>(kube.ServiceKind);
    for (const gw of ctx.list<Gateway>(GatewayKind)) {
      const selector = gw.object.spec?.selector ?? {};
      const selected = ctx.workloads.filter((w) => selectorMatches(selector, w.labels));
      if (selected.length === 0) continue;
      const ports = new Set<number>();
      for (const w of selected) {
        if (!w.resource) {
          const fqdn = serviceFqdn(w.namespace, w.name);
          const record = ctx.services.records.find((r) => !r.resource && r.hosts.includes(fqdn));
          for (const p of record?.ports ?? []) ports.add(p.number);
          continue;
        }
        for (const svc of services) {
          const svcSelector = svc.object.spec?.selector;
          if ((svc.namespace ?? ctx.defaultNamespace) !== w.namespace || !svcSelector || !selectorMatches(svcSelector, w.labels)) continue;
          for (const p of svc.object.spec?.ports ?? []) {
            if (p.protocol && p.protocol !== 'TCP') continue;
            ports.add(typeof p.targetPort === 'number' && p.targetPort !== 0 ? p.targetPort : p.port ?? 0);
          }
        }
      }
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const port = server.port?.number;
        if (port === undefined || ports.has(port)) return;
        ctx.report(GatewayPortNotDefinedOnService, gw, ['spec', 'servers', i, 'port', 'number'], port, selectorString(selector));
      });
    }
  },
};
