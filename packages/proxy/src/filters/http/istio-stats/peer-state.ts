/**
 * Per-request peer workloads (Envoy filter state `downstream_peer` /
 * `upstream_peer`), set by istio.metadata_exchange and read by istio.stats.
 * Keyed by the stream's StreamInfo, so it lives exactly as long as the request.
 */
import type { StreamInfo } from '../stream-info.ts';
import type { WorkloadInfo } from './workload.ts';

export interface PeerState {
  downstream: WorkloadInfo | undefined;
  upstream: WorkloadInfo | undefined;
}

const states = new WeakMap<StreamInfo, PeerState>();

export function peerState(info: StreamInfo): PeerState {
  let s = states.get(info);
  if (s === undefined) states.set(info, (s = { downstream: undefined, upstream: undefined }));
  return s;
}

export function peerStateIfAny(info: StreamInfo): PeerState | undefined {
  return states.get(info);
}
