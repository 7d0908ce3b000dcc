/**
 * Workload locality (`region/zone/subzone`). Istio reads it from the node's
 * topology labels; Skiff has no Node objects, so a Pod's own
 * `topology.kubernetes.io/region|zone` and `topology.istio.io/subzone`
 * labels are used, and the `istio-locality` label (`region.zone.subzone`,
 * dots because label values cannot hold `/`) overrides them, as in Istio.
 */
import { NO_LOCALITY, type Locality } from './types.ts';

export const LOCALITY_LABEL = 'istio-locality';

/** `us-east1/us-east1-b/rack1` → Locality; missing parts are ''. */
export function parseLocality(text: string | undefined, separator = '/'): Locality {
  if (!text) return NO_LOCALITY;
  const [region = '', zone = '', subZone = ''] = text.split(separator);
  return { region, zone, subZone };
}

export function localityOfLabels(labels: Readonly<Record<string, string>>): Locality {
  const label = labels[LOCALITY_LABEL];
  if (label) return parseLocality(label, '.');
  const region = labels['topology.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? '';
  const subZone = labels['topology.istio.io/subzone'] ?? '';
  return region || zone || subZone ? { region, zone, subZone } : NO_LOCALITY;
}

export function formatLocality(l: Locality): string {
  return [l.region, l.zone, l.subZone].join('/').replace(/\/+$/, '');
}
