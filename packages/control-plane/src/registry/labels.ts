/** Label-map selection, as Services, ServiceEntries and DestinationRule subsets use it: every selector pair must be present. */
export function selectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** Canonical text of a label map (sorted pairs), for grouping equal selectors. */
export function labelsKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
