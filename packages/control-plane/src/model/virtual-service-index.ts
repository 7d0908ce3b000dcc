/**
 * VirtualServices by gateway and host. Hosts are resolved against the
 * VirtualService's namespace (short names become FQDNs), gateways with
 * resolveGatewayName; a VirtualService without `gateways` is bound to
 * `mesh`. Visibility follows exportTo, relative to the proxy's namespace.
 */
import type { VirtualService } from '@skiff/api';
import { isVisibleTo, parseExportTo, type ExportTo } from '../registry/export-to.ts';
import { hostMatches, resolveShortName } from '../registry/host.ts';
import type { MeshSettings } from '../registry/mesh-settings.ts';
import { MESH_GATEWAY, resolveGatewayName } from './gateway-name.ts';

export interface VirtualServiceEntry {
  readonly config: VirtualService;
  readonly namespace: string;
  readonly name: string;
  /** Resolved hosts (FQDNs or wildcards). */
  readonly hosts: readonly string[];
  /** Resolved gateways: `mesh` or `ns/name`. */
  readonly gateways: readonly string[];
  readonly exportTo: ExportTo;
}

export class VirtualServiceIndex {
  readonly #byGateway = new Map<string, VirtualServiceEntry[]>();
  readonly #all: readonly VirtualServiceEntry[];

  /** `services` oldest first. */
  constructor(services: readonly VirtualService[], mesh: MeshSettings) {
    this.#all = services.map((vs) => {
      const namespace = vs.metadata.namespace ?? '';
      const spec = vs.spec ?? {};
      const gateways = spec.gateways && spec.gateways.length > 0 ? spec.gateways.map((g) => resolveGatewayName(g, namespace)) : [MESH_GATEWAY];
      return {
        config: vs,
        namespace,
        name: vs.metadata.name ?? '',
        hosts: (spec.hosts ?? []).map((h) => resolveShortName(h, namespace, mesh.clusterDomain)),
        gateways: [...new Set(gateways)],
        exportTo: parseExportTo(spec.exportTo, namespace, mesh.defaultVirtualServiceExportTo),
      };
    });
    for (const e of this.#all) {
      for (const g of e.gateways) {
        let list = this.#byGateway.get(g);
        if (!list) this.#byGateway.set(g, (list = []));
        list.push(e);
      }
    }
  }

  /** VirtualServices bound to `gateway` that a proxy in `namespace` may see, oldest first. */
  forGateway(gateway: string, namespace: string): readonly VirtualServiceEntry[] {
    return (this.#byGateway.get(gateway) ?? []).filter((e) => isVisibleTo(e.exportTo, namespace));
  }

  /** VirtualServices for `gateway` with a host matching `hostname` either way (a wildcard on either side). */
  forHost(gateway: string, namespace: string, hostname: string): readonly VirtualServiceEntry[] {
    return this.forGateway(gateway, namespace).filter((e) => e.hosts.some((h) => hostMatches(h, hostname) || hostMatches(hostname, h)));
  }
}
