/**
 * Where TLS contexts get their secrets (Envoy's SecretManager): secrets
 * from local providers first, then static secrets from the bootstrap, then
 * SDS over ADS (the xDS client's Secret resources). A local provider is the
 * seam for the agent part of the security issue: Istio's agent serves
 * `default` (the workload certificate) and `ROOTCA` (the trust bundle) over
 * SDS on a unix socket; Skiff's will implement SecretProvider in-process,
 * and names it serves are then never requested from the control plane.
 * Every change bumps `generation`, so contexts rebuild lazily on the next
 * connection: rotation affects new connections and never touches open ones.
 *
 * `default` and `ROOTCA` are never asked of the control plane (istiod does
 * not serve them; Istio's agent does). Until a provider serves them, they
 * have no source: listeners and clusters naming them do not wait for them,
 * and their TLS connections fail with a TLS error naming the secret.
 */
import type { SdsSecretRef, SecretConfig } from './config.ts';

/** The secrets Istio's agent serves to its proxy: the workload certificate and the trust bundle. */
export const AGENT_SECRET_NAMES: readonly string[] = ['default', 'ROOTCA'];

/** Whether a secret is answered locally when no SecretManager is configured (static ones, the agent's names). */
export function isLocalSecretByDefault(ref: SdsSecretRef): boolean {
  return ref.source === 'static' || AGENT_SECRET_NAMES.includes(ref.name);
}

/** A local source of secrets (the in-process istio-agent). */
export interface SecretProvider {
  /** Whether this provider owns `name` (even before it has a value for it). */
  serves(name: string): boolean;
  /** The current value, or undefined while it is not available yet (the resource warms meanwhile). */
  secret(name: string): SecretConfig | undefined;
  /** Called after any of its secrets changed (rotation, new root). Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The names it serves, for /config_dump. */
  names?(): readonly string[];
}

/** A SecretProvider holding values set by hand (tests, and a simple base for the agent). */
export class StaticSecretProvider implements SecretProvider {
  readonly #secrets = new Map<string, SecretConfig | undefined>();
  readonly #listeners = new Set<() => void>();

  constructor(names: readonly string[]) {
    for (const n of names) this.#secrets.set(n, undefined);
  }

  serves(name: string): boolean {
    return this.#secrets.has(name);
  }

  secret(name: string): SecretConfig | undefined {
    return this.#secrets.get(name);
  }

  names(): readonly string[] {
    return [...this.#secrets.keys()];
  }

  set(secret: SecretConfig): void {
    this.#secrets.set(secret.name, secret);
    for (const l of [...this.#listeners]) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export interface SecretManagerOptions {
  /** static_resources.secrets of the bootstrap. */
  readonly staticSecrets?: readonly SecretConfig[];
  readonly providers?: readonly SecretProvider[];
}

export class SecretManager {
  readonly #static: ReadonlyMap<string, SecretConfig>;
  readonly #providers: readonly SecretProvider[];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #listeners = new Set<() => void>();
  #sds: ReadonlyMap<string, { readonly config: SecretConfig }> = new Map();
  #generation = 0;

  constructor(o: SecretManagerOptions = {}) {
    this.#static = new Map((o.staticSecrets ?? []).map((s) => [s.name, s]));
    this.#providers = o.providers ?? [];
    for (const p of this.#providers) this.#unsubscribe.push(p.onChange(() => this.#changed()));
  }

  /** Bumped on every change of any secret; contexts compare it to rebuild lazily. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether a name is answered locally (provider or static), so the xDS client must not ask for it. */
  isLocal(ref: SdsSecretRef): boolean {
    return isLocalSecretByDefault(ref) || this.#providers.some((p) => p.serves(ref.name));
  }

  /** Whether warming may stop waiting for a locally answered name: it has a value, or nothing could ever provide it. */
  hasLocal(ref: SdsSecretRef): boolean {
    if (this.resolve(ref) !== undefined) return true;
    return ref.source !== 'static' && !this.#providers.some((p) => p.serves(ref.name));
  }

  resolve(ref: SdsSecretRef): SecretConfig | undefined {
    for (const p of this.#providers) if (p.serves(ref.name)) return p.secret(ref.name);
    if (ref.source === 'static') return this.#static.get(ref.name);
    return this.#sds.get(ref.name)?.config;
  }

  /** For /config_dump: the bootstrap's static secrets. */
  staticSecrets(): readonly SecretConfig[] {
    return [...this.#static.values()];
  }

  /** For /config_dump: what the local providers serve (undefined while a name has no value yet). */
  localSecrets(): readonly { readonly name: string; readonly secret: SecretConfig | undefined }[] {
    return this.#providers.flatMap((p) => (p.names?.() ?? []).map((name) => ({ name, secret: p.secret(name) })));
  }

  /** The xDS snapshot's secrets; a changed entry bumps the generation. */
  onSdsSecrets(secrets: ReadonlyMap<string, { readonly config: SecretConfig }>): void {
    if (sameEntries(secrets, this.#sds)) return;
    this.#sds = secrets;
    this.#changed();
  }

  /** Called after every change (the xDS client re-checks warming resources). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    for (const u of this.#unsubscribe) u();
    this.#listeners.clear();
  }

  #changed(): void {
    this.#generation++;
    for (const l of [...this.#listeners]) l();
  }
}

function sameEntries<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
