/**
 * A runnable control plane (Istio's discovery server, assembled): a config
 * source (any ConfigStore's read side) feeds a ConfigCache; each debounced
 * change builds a new PushContext from the cache's snapshot; the xDS server
 * serves the controlPlaneGenerators() over ADS; the monitoring server
 * exposes sync status, metrics and the debug endpoints. Route conflicts
 * found while building RDS are logged and listed in /debug/push_status. A snapshot whose
 * PushContext cannot be built never takes the server down: the last good
 * PushContext stays in force and the failure is logged.
 *
 *   source ──list+watch──> ConfigCache ──onChange──> XdsServer.configUpdate (debounced)
 *                                   └──snapshot()──> PushContext.build ──> generators ──> proxies
 */
import type { ResourceObject } from '@skiff/api';
import { systemRandom, type Clock, type Random } from '@skiff/common';
import { configSnapshot, type ConfigSnapshot } from '../model/config-snapshot.ts';
import { PushContext, type PushContextOptions } from '../model/push-context.ts';
import { buildConfigDump } from '../xds/debug/config-dump.ts';
import { MonitoringServer, type DebugSource } from '../xds/debug/monitoring-server.ts';
import { buildRegistryz } from '../xds/debug/registryz.ts';
import type { DebounceOptions } from '../xds/debounce.ts';
import { GeneratorRegistry } from '../xds/generator-registry.ts';
import type { GeneratorEntry } from '../xds/types.ts';
import { XdsServer } from '../xds/xds-server.ts';
import { ConfigCache, type ConfigSource } from './config-cache.ts';
import { controlPlaneGenerators } from './generators.ts';
import { ensureFree, formatListenAddress, listenError, parseListenAddress } from './listen-address.ts';
import { RouteConflicts } from './route-conflicts.ts';
import { SentResources } from './sent-resources.ts';

export interface ControlPlaneOptions {
  /** Where config comes from: a ConfigStore (memory, SQLite, the file source) or anything with its list + watch. */
  readonly source: ConfigSource;
  /** `host:port` for gRPC ADS (Istio: 15010); port 0 picks a free one. */
  readonly xdsAddress: string;
  /** `host:port` for monitoring and debug (Istio: 15014); port 0 picks a free one. */
  readonly monitoringAddress: string;
  readonly clock: Clock;
  /** Nonce prefixes; the system's by default. */
  readonly random?: Random;
  /** Where operational messages go (a push context that failed to build, a watch that ended, route conflicts); stderr by default. */
  readonly log?: (line: string) => void;
  /** Istio's 100 ms / 10 s by default. */
  readonly debounce?: DebounceOptions;
  readonly pushContext?: PushContextOptions;
  /** The generators to serve; controlPlaneGenerators() reporting route conflicts by default. */
  readonly generators?: readonly GeneratorEntry<PushContext>[];
  /** Builds a push context from a snapshot; PushContext.build by default (tests make it fail). */
  readonly buildPushContext?: (snapshot: ConfigSnapshot, options: PushContextOptions) => PushContext;
  /** Serialized xDS response bytes in flight before further responses wait (XdsServer's default when unset). */
  readonly maxBytesInFlight?: number;
}

export interface ControlPlane {
  /** The bound addresses, with the real ports. */
  readonly xdsAddress: string;
  readonly monitoringAddress: string;
  readonly xds: XdsServer<PushContext>;
  /** The push context in force and the config it was built from. */
  pushContext(): PushContext;
  snapshot(): ConfigSnapshot;
  /** Stops watching, ends every ADS stream, closes both ports. Idempotent. */
  close(): Promise<void>;
}

export async function startControlPlane(given: ControlPlaneOptions): Promise<ControlPlane> {
  const options = { ...given, log: given.log ?? stderrLog };
  const xdsAt = parseListenAddress(options.xdsAddress, '--xds-address');
  const monitoringAt = parseListenAddress(options.monitoringAddress, '--monitoring-address');
  let xds: XdsServer<PushContext> | undefined;
  const cache = new ConfigCache({
    source: options.source,
    clock: options.clock,
    log: options.log,
    // Changes seen before the server exists are already in the snapshot it starts from.
    onChange: (reason) => xds?.configUpdate(reason),
  });
  await cache.start();

  let current = buildPushContext(cache.snapshot(), options) ?? { push: PushContext.build(configSnapshot([]), options.pushContext), snapshot: configSnapshot([]) };
  const sent = new SentResources<PushContext>(options.log);
  const conflicts = new RouteConflicts(options.log);
  const served = options.generators ?? controlPlaneGenerators({ onRouteConflicts: (proxy, found) => conflicts.record(proxy, found) });
  const generators = new GeneratorRegistry(served.map((g) => sent.wrap(g)));
  xds = new XdsServer<PushContext>({
    clock: options.clock,
    random: options.random ?? systemRandom,
    generators,
    initialPushContext: current.push,
    debounce: options.debounce,
    maxBytesInFlight: options.maxBytesInFlight,
    createPushContext: (_request, previous) => {
      const next = buildPushContext(cache.snapshot(), options);
      if (!next) return previous;
      current = next;
      return next.push;
    },
  });
  const server = xds;
  const debug: DebugSource = {
    configDump: (proxyId, dumpOptions) => {
      const connection = server.connections().filter((c) => c.proxy.id === proxyId).at(-1);
      return connection && buildConfigDump(connection, sent, dumpOptions);
    },
    registryz: () => buildRegistryz(server.pushContext.registry),
    configz: () => [...current.snapshot.objects].sort(byKindNamespaceName),
    routeConflicts: () => {
      const connected = new Set(server.connections().map((c) => c.proxy.id));
      return conflicts.list((id) => connected.has(id));
    },
  };
  const monitoring = new MonitoringServer(server, debug);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    cache.close();
    await server.close();
    await monitoring.close();
  })());

  let xdsPort: number;
  let monitoringPort: number;
  try {
    // A taken port is found before grpc-js tries it, so its own log line ("No address added...") never shows.
    await ensureFree('xDS', xdsAt);
    xdsPort = await server.listen(formatListenAddress(xdsAt)).catch(async (err) => Promise.reject(await listenError('xDS', xdsAt, err)));
    monitoringPort = await monitoring.listen(monitoringAt.port, monitoringAt.host).catch(async (err) => Promise.reject(await listenError('monitoring', monitoringAt, err)));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    xdsAddress: formatListenAddress({ host: xdsAt.host, port: xdsPort }),
    monitoringAddress: formatListenAddress({ host: monitoringAt.host, port: monitoringPort }),
    xds: server,
    pushContext: () => server.pushContext,
    snapshot: () => current.snapshot,
    close,
  };
}

function stderrLog(line: string): void {
  process.stderr.write(`control-plane: ${line}\n`);
}

/** Undefined (and logged) when the snapshot cannot be built into a PushContext. */
function buildPushContext(snapshot: ConfigSnapshot, o: ControlPlaneOptions & { log: (line: string) => void }): { push: PushContext; snapshot: ConfigSnapshot } | undefined {
  try {
    return { push: (o.buildPushContext ?? PushContext.build)(snapshot, o.pushContext ?? {}), snapshot };
  } catch (err) {
    o.log(`cannot build the push context for config version ${snapshot.resourceVersion || '(none)'}; keeping the last good one: ${(err as Error)?.stack ?? String(err)}`);
    return undefined;
  }
}

function byKindNamespaceName(a: ResourceObject, b: ResourceObject): number {
  const ka = `${a.kind}\0${a.metadata.namespace ?? ''}\0${a.metadata.name ?? ''}`;
  const kb = `${b.kind}\0${b.metadata.namespace ?? ''}\0${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
