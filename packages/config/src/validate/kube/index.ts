/** Validators for the Kubernetes kinds (core, apps, discovery.k8s.io), keyed by kind. */
import type { Validator } from '../validator.ts';
import { validateDeployment } from './deployment.ts';
import { validateEndpointSlice } from './endpoint-slice.ts';
import { validatePod } from './pod.ts';
import { validateConfigMap, validateSecret } from './secret.ts';
import { validateService } from './service.ts';

export const KUBE_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['Service', validateService],
  ['Deployment', validateDeployment],
  ['Pod', validatePod],
  ['Secret', validateSecret],
  ['ConfigMap', validateConfigMap],
  ['EndpointSlice', validateEndpointSlice],
]);
