/** apps/v1 Deployment: a replicated pod template, rolled out by strategy. */
import { bool, enumOf, int32, intOrString, message } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { LabelSelector } from './meta.ts';
import { PodTemplateSpec } from './pod.ts';

const A = 'io.k8s.api.apps.v1';

export const DeploymentStrategy = message(`${A}.DeploymentStrategy`, {
  type: enumOf(`${A}.DeploymentStrategyType`, ['Recreate', 'RollingUpdate']),
  rollingUpdate: message(`${A}.RollingUpdateDeployment`, { maxUnavailable: intOrString(), maxSurge: intOrString() }),
});
export type DeploymentStrategy = Infer<typeof DeploymentStrategy>;

export const DeploymentSpec = message(`${A}.DeploymentSpec`, {
  replicas: int32(),
  selector: LabelSelector,
  template: PodTemplateSpec,
  strategy: DeploymentStrategy,
  minReadySeconds: int32(),
  revisionHistoryLimit: int32(),
  paused: bool(),
  progressDeadlineSeconds: int32(),
});
export type DeploymentSpec = Infer<typeof DeploymentSpec>;
export type Deployment = SpecResource<DeploymentSpec>;

export const DeploymentKind: KindDefinition = {
  group: 'apps',
  kind: 'Deployment',
  versions: ['v1'],
  plural: 'deployments',
  shortNames: ['deploy'],
  namespaced: true,
  schema: specEnvelope(`${A}.Deployment`, DeploymentSpec),
};
