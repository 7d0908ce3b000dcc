/**
 * `exportTo` visibility (Istio's visibility.Instance): `*` every namespace,
 * `.` the config's own namespace, `~` none, or namespace names; a config
 * is visible exactly where its exportTo says, its own namespace included. Unset
 * means the mesh default (MeshConfig default*ExportTo, `*` unless set).
 */
export interface ExportTo {
  readonly all: boolean;
  /** Namespaces that may see the config (already includes the owner for `.`). */
  readonly namespaces: ReadonlySet<string>;
}

export const EXPORT_TO_ALL: ExportTo = { all: true, namespaces: new Set() };

export function parseExportTo(values: readonly string[] | undefined, ownNamespace: string, meshDefault: readonly string[]): ExportTo {
  const list = values && values.length > 0 ? values : meshDefault;
  if (list.length === 0 || list.includes('*')) return EXPORT_TO_ALL;
  const namespaces = new Set<string>();
  // `~` hides the config from everyone, whatever else is listed (Istio ignores the other entries).
  if (list.includes('~')) return { all: false, namespaces };
  for (const v of list) namespaces.add(v === '.' ? ownNamespace : v);
  return { all: false, namespaces };
}

export function isVisibleTo(exportTo: ExportTo, namespace: string): boolean {
  return exportTo.all || exportTo.namespaces.has(namespace);
}

/** Exported only to its own namespace: Istio keeps such configs out of the cross-namespace indexes. */
export function isPrivateTo(exportTo: ExportTo, ownNamespace: string): boolean {
  return !exportTo.all && exportTo.namespaces.size === 1 && exportTo.namespaces.has(ownNamespace);
}

/** Canonical text of an ExportTo, for grouping configs with the same visibility. */
export function exportToKey(exportTo: ExportTo): string {
  return exportTo.all ? '*' : [...exportTo.namespaces].sort().join(',');
}
