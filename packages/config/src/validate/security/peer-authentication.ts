/** PeerAuthentication: Istio's ValidatePeerAuthentication. */
import type { PeerAuthentication, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateWorkloadSelector } from '../rules/selector-labels.ts';

export function validatePeerAuthentication(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as PeerAuthentication;
  const emptySelector = !spec.selector || Object.keys(spec.selector.matchLabels ?? {}).length === 0;
  const ports = spec.portLevelMtls;
  if (ports !== undefined) {
    if (emptySelector && Object.keys(ports).length > 0) issues.error(['spec', 'portLevelMtls'], 'mesh/namespace peer authentication cannot have port level mTLS');
    if (Object.keys(ports).length === 0) issues.error(['spec', 'portLevelMtls'], 'port level mTLS, if defined, must have at least one element');
    for (const key of Object.keys(ports)) {
      const n = /^\d+$/.test(key) ? Number(key) : NaN;
      if (!(n >= 1 && n <= 65535)) issues.error(['spec', 'portLevelMtls', key], 'port must be in range 1..65535');
    }
  }
  validateWorkloadSelector(spec.selector, ['spec', 'selector'], issues);
}
