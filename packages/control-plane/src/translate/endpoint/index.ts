/** EDS: ClusterLoadAssignments per proxy, and the locality rules they follow. */
export { buildClusterLoadAssignment, buildClusterLoadAssignments, buildClusterLoadAssignmentFromKey, clusterLoadAssignmentKey, CLUSTER_LOAD_ASSIGNMENTS, endpointGenerator, type ClusterLoadAssignmentKey } from './load-assignment.ts';
export { buildLocalityGroups, buildLocalityLbEndpoints, type LocalityGroups } from './locality-endpoints.ts';
export { applyLocalityLb, localityLbSetting, type LocalityLbInputs } from './locality-lb.ts';
