/**
 * Istio's semantic validation (the reference is Istio's pkg/config/validation),
 * one file per kind, all listed here. Runs after the structural schema check
 * passed, so validators may trust field types.
 */
import type { KindDefinition, ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../parse/issue.ts';
import { validateObjectMeta } from './object-meta.ts';
import { validateGateway } from './gateway.ts';

export type Validator = (object: ResourceObject, issues: IssueCollector) => void;

const VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['networking.istio.io/Gateway', validateGateway],
]);

export function validateResource(definition: KindDefinition, object: ResourceObject, issues: IssueCollector): void {
  validateObjectMeta(definition, object, issues);
  VALIDATORS.get(`${definition.group}/${definition.kind}`)?.(object, issues);
}
