/** EDS: ClusterLoadAssignments per proxy, and the locality rules they follow. */
export { buildClusterLoadAssignment, buildClusterLoadAssignments, endpointGenerator } from './load-assignment.ts';
export { buildLocalityLbEndpoints } from './locality-endpoints.ts';
export { applyLocalityLb, localityLbSetting } from './locality-lb.ts';
