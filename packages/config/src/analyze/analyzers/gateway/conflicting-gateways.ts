/**
 * Istio's gateway.ConflictingGatewayAnalyzer, IST0145: two Gateways with the
 * same selector serving the same port with matching hosts give the gateway
 * workload two configurations for one listener. Hosts are compared as
 * written (wildcards match what they cover); a Gateway is never reported
 * against itself. A selector matching no workload is left to
 * gateway.SelectorAnalyzer (Istio reports it here too).
 */
import { GatewayKind, type Gateway } from '@skiff/api';
import type { AnalyzedResource, Analyzer } from '../../analyzer.ts';
import { ConflictingGateways } from '../../messages.gen.ts';
import { selectorString } from '../../workloads.ts';
import { hostsMatch } from './host-match.ts';

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: 'Checks a gateway\'s selector, port number and hosts',
  inputs: [GatewayKind],
  analyze(ctx) {
    const gateways = ctx.list<Gateway>(GatewayKind);
    /** "selector~port" → gateway → hosts its servers on that port serve. */
    const byListener = new Map<string, Map<AnalyzedResource<Gateway>, string[]>>();
    const listenerKey = (selector: string, port: number) => JSON.stringify([selector, port]);
    for (const gw of gateways) {
      const selector = selectorString(gw.object.spec?.selector ?? {});
      for (const server of gw.object.spec?.servers ?? []) {
        const key = listenerKey(selector, server.port?.number ?? 0);
        const entry = byListener.get(key) ?? new Map<AnalyzedResource<Gateway>, string[]>();
        entry.set(gw, [...(entry.get(gw) ?? []), ...(server.hosts ?? [])]);
        byListener.set(key, entry);
      }
    }
    for (const gw of gateways) {
      const selector = selectorString(gw.object.spec?.selector ?? {});
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const port = server.port?.number ?? 0;
        const hosts = server.hosts ?? [];
        const conflicting: string[] = [];
        for (const [other, otherHosts] of byListener.get(listenerKey(selector, port)) ?? []) {
          if (other === gw) continue;
          if (hosts.some((h) => otherHosts.some((o) => hostsMatch(h, o)))) {
            conflicting.push(`${other.namespace ?? ctx.defaultNamespace}/${other.name}`);
          }
        }
        if (conflicting.length === 0) return;
        ctx.report(ConflictingGateways, gw, ['spec', 'servers', i, 'port', 'number'], conflicting.join(','), selector, String(port), hosts.join(','));
      });
    }
  },
};
