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
  const region = labels[REGION_LABEL] ?? '';
  const zone = labels[ZONE_LABEL] ?? '';
  const subZone = labels[SUBZONE_LABEL] ?? '';
  return region || zone || subZone ? { region, zone, subZone } : NO_LOCALITY;
}

export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const SUBZONE_LABEL = 'topology.istio.io/subzone';
export const NETWORK_LABEL = 'topology.istio.io/network';

/**
 * A workload's labels with its topology added (Istio's
 * labelutil.AugmentLabels): region, zone and subzone from its locality and
 * its network, each only when known and never overriding a label the
 * workload already has. failoverPriority matches on these.
 */
export function withTopologyLabels(labels: Readonly<Record<string, string>>, locality: Locality, network: string): Readonly<Record<string, string>> {
  const extra: Record<string, string> = {};
  if (locality.region) extra[REGION_LABEL] = locality.region;
  if (locality.zone) extra[ZONE_LABEL] = locality.zone;
  if (locality.subZone) extra[SUBZONE_LABEL] = locality.subZone;
  if (network) extra[NETWORK_LABEL] = network;
  return Object.keys(extra).length === 0 ? labels : { ...extra, ...labels };
}

export function formatLocality(l: Locality): string {
  return [l.region, l.zone, l.subZone].join('/').replace(/\/+$/, '');
}
