/** RequestAuthentication: Istio's ValidateRequestAuthentication. */
import type { RequestAuthentication, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../../parse/issue.ts';
import { validateJwtRule } from '../rules/jwt.ts';
import { validateOneOfSelectorType, validatePolicyTargetReference, validatePolicyTargetReferences, validateWorkloadSelector } from '../rules/selector-labels.ts';

export function validateRequestAuthentication(object: ResourceObject, issues: IssueCollector): void {
  const { spec } = object as RequestAuthentication;
  validateOneOfSelectorType(spec, ['spec'], issues);
  validateWorkloadSelector(spec.selector, ['spec', 'selector'], issues);
  validatePolicyTargetReference(spec.targetRef, ['spec', 'targetRef'], issues);
  validatePolicyTargetReferences(spec.targetRefs, ['spec', 'targetRefs'], issues);
  const issuers = new Map<string, number>();
  (spec.jwtRules ?? []).forEach((rule, i) => {
    validateJwtRule(rule, ['spec', 'jwtRules', i], issues);
    if (rule.issuer) {
      const first = issuers.get(rule.issuer);
      if (first !== undefined) issues.error(['spec', 'jwtRules', i, 'issuer'], `duplicate issuer "${rule.issuer}", also in jwtRules[${first}]`);
      else issuers.set(rule.issuer, i);
    }
  });
}
