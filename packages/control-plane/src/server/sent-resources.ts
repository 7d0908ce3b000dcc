/**
 * Wraps each generator of the control plane so that (1) what a proxy was
 * generated last, per type, is kept for /debug/config_dump, and (2) a
 * generator that throws on some config never takes the server down: the
 * failure is logged and the proxy keeps what it was last given (nothing, if
 * it was never given anything). The xDS server sends a type only when its
 * content changed, so the last generated output is what the proxy was last
 * sent (filtered by its subscription, which the dump applies).
 *
 * Memory: what is kept per proxy and type is the generator's list, whose
 * entries are references to the push context's cached, frozen resources
 * (shared lists, xds/shared-resources.ts, and shared XdsResource wrappers,
 * xds/xds-resource.ts), not copies: a thousand sidecars of one namespace
 * hold a thousand short lists pointing at one list of clusters. A list is replaced on the next generation, so a
 * superseded push context's resources are freed once no proxy lists them.
 */
import type { Proxy } from '../model/proxy.ts';
import { flattenResources, type GeneratorOutput } from '../xds/shared-resources.ts';
import type { GeneratorEntry, XdsResource } from '../xds/types.ts';

export class SentResources<P> {
  readonly #byProxy = new WeakMap<Proxy, Map<string, GeneratorOutput>>();
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  wrap(entry: GeneratorEntry<P>): GeneratorEntry<P> {
    return {
      typeUrl: entry.typeUrl,
      generate: (proxy, push, request) => {
        let byType = this.#byProxy.get(proxy);
        if (!byType) this.#byProxy.set(proxy, (byType = new Map()));
        try {
          const out = entry.generate(proxy, push, request);
          byType.set(entry.typeUrl, out);
          return out;
        } catch (err) {
          this.#log(`translation of ${entry.typeUrl} for ${proxy.id} failed, keeping what it was last sent: ${(err as Error)?.stack ?? String(err)}`);
          return byType.get(entry.typeUrl) ?? [];
        }
      },
    };
  }

  /** The resources last generated for this proxy (the connection's Proxy object) and type. */
  resources(proxy: Proxy, typeUrl: string): readonly XdsResource[] | undefined {
    const output = this.#byProxy.get(proxy)?.get(typeUrl);
    return output && flattenResources(output);
  }
}
