/**
 * A problem found in configuration, in the shape every layer reports:
 * where (file, line, column), which object, which field, and what was expected.
 */
import { formatFieldPath, type FieldPath } from '@skiff/common';

export type Severity = 'error' | 'warning';

export interface SourcePosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface ResourceRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface ConfigIssue {
  readonly severity: Severity;
  readonly message: string;
  /** Field path inside the object, e.g. `spec.http[0].route[1].weight`; empty for the whole object. */
  readonly field: string;
  readonly source?: SourcePosition;
  readonly resource?: ResourceRef;
}

export interface RawIssue {
  readonly severity: Severity;
  readonly path: FieldPath;
  readonly message: string;
  readonly typesIntact?: boolean;
}

/** Collects problems during a walk; paths are kept raw until the source positions are known. */
export class IssueCollector {
  readonly raw: RawIssue[] = [];

  /** `typesIntact`: the value still has the types the schema promises (a oneof conflict), so later checks may read it. */
  error(path: FieldPath, message: string, options: { typesIntact?: boolean } = {}): void {
    this.raw.push({ severity: 'error', path, message: bounded(message), ...(options.typesIntact ? { typesIntact: true } : {}) });
  }

  warning(path: FieldPath, message: string): void {
    this.raw.push({ severity: 'warning', path, message: bounded(message) });
  }

  get hasErrors(): boolean {
    return this.raw.some((i) => i.severity === 'error');
  }
}

const MAX_MESSAGE = 600;

/** Messages quote user input; a 5 MB host name must not become a 5 MB error line. */
function bounded(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 25)}... (${message.length - MAX_MESSAGE + 25} more characters)`;
}

/** `file.yaml:12:7: error: VirtualService default/reviews: spec.http[0].route[1].weight: message` */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.source ? `${issue.source.file}:${issue.source.line}:${issue.source.column}: ` : '';
  const what = issue.resource ? `${formatResourceRef(issue.resource)}: ` : '';
  const field = issue.field ? `${issue.field}: ` : '';
  return `${where}${issue.severity}: ${what}${field}${issue.message}`;
}

export function formatResourceRef(ref: ResourceRef): string {
  const name = ref.name ?? '<unnamed>';
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/${name}` : name}`;
}

export function issueFieldOf(path: FieldPath): string {
  return formatFieldPath(path);
}
