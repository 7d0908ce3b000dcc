/** security.istio.io AuthorizationPolicy (istio.security.v1beta1.AuthorizationPolicy): access control for workloads. */
import { array, enumOf, message, string } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';
import { PolicyTargetReference, WorkloadSelector } from '../type.ts';

export const AuthorizationSource = message('istio.security.v1beta1.Source', {
  principals: array(string()),
  notPrincipals: array(string()),
  requestPrincipals: array(string()),
  notRequestPrincipals: array(string()),
  namespaces: array(string()),
  notNamespaces: array(string()),
  ipBlocks: array(string()),
  notIpBlocks: array(string()),
  remoteIpBlocks: array(string()),
  notRemoteIpBlocks: array(string()),
  serviceAccounts: array(string()),
  notServiceAccounts: array(string()),
});
export type AuthorizationSource = Infer<typeof AuthorizationSource>;

export const AuthorizationOperation = message('istio.security.v1beta1.Operation', {
  hosts: array(string()),
  notHosts: array(string()),
  /** Port numbers written as strings, e.g. ["8080"]. */
  ports: array(string()),
  notPorts: array(string()),
  methods: array(string()),
  notMethods: array(string()),
  paths: array(string()),
  notPaths: array(string()),
});
export type AuthorizationOperation = Infer<typeof AuthorizationOperation>;

export const AuthorizationCondition = message('istio.security.v1beta1.Condition', {
  key: string(),
  values: array(string()),
  notValues: array(string()),
});
export type AuthorizationCondition = Infer<typeof AuthorizationCondition>;

export const AuthorizationRuleFrom = message('istio.security.v1beta1.Rule.From', { source: AuthorizationSource });
export type AuthorizationRuleFrom = Infer<typeof AuthorizationRuleFrom>;
export const AuthorizationRuleTo = message('istio.security.v1beta1.Rule.To', { operation: AuthorizationOperation });
export type AuthorizationRuleTo = Infer<typeof AuthorizationRuleTo>;

export const AuthorizationRule = message('istio.security.v1beta1.Rule', {
  from: array(AuthorizationRuleFrom),
  to: array(AuthorizationRuleTo),
  when: array(AuthorizationCondition),
});
export type AuthorizationRule = Infer<typeof AuthorizationRule>;

export const AuthorizationPolicyAction = enumOf('istio.security.v1beta1.AuthorizationPolicy.Action',
  ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
export type AuthorizationPolicyAction = Infer<typeof AuthorizationPolicyAction>;

export const AuthorizationPolicyProvider = message('istio.security.v1beta1.AuthorizationPolicy.ExtensionProvider', {
  name: string(),
});

export const AuthorizationPolicySpec = message('istio.security.v1beta1.AuthorizationPolicy', {
  selector: WorkloadSelector,
  targetRef: PolicyTargetReference,
  targetRefs: array(PolicyTargetReference),
  rules: array(AuthorizationRule),
  action: AuthorizationPolicyAction,
  provider: AuthorizationPolicyProvider,
});
export type AuthorizationPolicySpec = Infer<typeof AuthorizationPolicySpec>;
export type AuthorizationPolicy = SpecResource<AuthorizationPolicySpec>;

export const AuthorizationPolicyKind: KindDefinition = {
  group: 'security.istio.io',
  kind: 'AuthorizationPolicy',
  versions: ['v1', 'v1beta1'],
  plural: 'authorizationpolicies',
  shortNames: ['ap'],
  namespaced: true,
  schema: specEnvelope('security.istio.io.AuthorizationPolicy', AuthorizationPolicySpec),
};
