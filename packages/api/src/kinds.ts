/**
 * The one explicit list of kinds Skiff understands. Adding a kind means adding
 * its definition here; nothing registers itself on import.
 */
import { apiVersionOf, splitApiVersion, type KindDefinition } from './kind.ts';
import { NETWORKING_KINDS } from './istio/networking/index.ts';
import { SECURITY_KINDS } from './istio/security/index.ts';
import { TELEMETRY_KINDS } from './istio/telemetry/index.ts';
import { INSTALL_KINDS } from './istio/install/index.ts';
import { KUBE_KINDS } from './kube/index.ts';

export const ALL_KINDS: readonly KindDefinition[] = [
  ...NETWORKING_KINDS,
  ...SECURITY_KINDS,
  ...TELEMETRY_KINDS,
  ...INSTALL_KINDS,
  ...KUBE_KINDS,
];

const byGroupKind = new Map<string, KindDefinition>(ALL_KINDS.map((k) => [`${k.group}\u0000${k.kind}`, k]));

export type KindLookup =
  | { readonly ok: true; readonly kind: KindDefinition; readonly version: string }
  | { readonly ok: false; readonly reason: 'unknown-kind' | 'unknown-version'; readonly message: string };

/** Finds a kind by `apiVersion` and `kind`, with kubectl's wording when it is unknown. */
export function lookupKind(apiVersion: string, kind: string): KindLookup {
  const { group, version } = splitApiVersion(apiVersion);
  const def = byGroupKind.get(`${group}\u0000${kind}`);
  if (def && def.versions.includes(version)) return { ok: true, kind: def, version };
  const message = `no matches for kind "${kind}" in version "${apiVersion}"`;
  if (!def) return { ok: false, reason: 'unknown-kind', message };
  const served = def.versions.map((v) => apiVersionOf(def.group, v)).join(', ');
  return { ok: false, reason: 'unknown-version', message: `${message} (served versions: ${served})` };
}

/** Finds a kind by the names a CLI user types: `virtualservice`, `virtualservices`, `vs`, `VirtualService.networking.istio.io`. */
export function findKindByName(name: string): KindDefinition | undefined {
  const lower = name.toLowerCase();
  const [base, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  return ALL_KINDS.find((k) =>
    (group === '' || k.group === group) &&
    (k.kind.toLowerCase() === base || k.plural === base || (k.shortNames ?? []).includes(base)));
}
