/**
 * Workload identities as Istio writes them (pkg/spiffe): the SPIFFE id of a
 * service account, `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`.
 * Clusters match a destination's certificate against these.
 */
export const SPIFFE_SCHEME = 'spiffe://';

export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${SPIFFE_SCHEME}${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
