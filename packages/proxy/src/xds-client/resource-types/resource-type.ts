/**
 * The contract for one xDS resource type (grpc-js-xds's XdsResourceType):
 * how to name a decoded resource, how to parse it into its validated config
 * (every error with its field path), and how Envoy words the NACK. The
 * client handles all four types through this interface and nothing else.
 */
import type { XdsResourceType } from '@skiff/api';
import type { WireMessage } from '@skiff/api/envoy/resource-codec.ts';
import type { Result } from '@skiff/common';

export interface ResourceFailure {
  readonly name: string;
  readonly errors: readonly string[];
}

export interface ResourceType<C> {
  readonly typeUrl: XdsResourceType;
  /** Istio's short name: `lds`, `rds`, `cds`, `eds`. */
  readonly shortName: string;
  /** Whether a SotW response carries the whole set, so a name missing from it is removed (LDS, CDS); RDS and EDS answer only for names asked. */
  readonly isFullState: boolean;
  nameOf(wire: WireMessage): string;
  parse(wire: WireMessage): Result<C>;
  /** Envoy's error_detail text for a response with failing resources. */
  rejectionMessage(failures: readonly ResourceFailure[]): string;
}

/** `a: e1; e2, b: e3`, the list Envoy joins after its per-type prefix. */
export function joinFailures(failures: readonly ResourceFailure[]): string {
  return failures.map((f) => `${f.name}: ${f.errors.join('; ')}`).join(', ');
}
