import type { ResourceObject } from '@skiff/api';
import type { IssueCollector } from '../parse/issue.ts';

/** Istio's semantic checks for one kind; runs only after the structural schema check passed. */
export type Validator = (object: ResourceObject, issues: IssueCollector) => void;
