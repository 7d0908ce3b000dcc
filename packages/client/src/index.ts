/** @skiff/client: how the CLI and the dashboard talk to a running Skiff, over the wire only. */
export { ClusterClient, validationIssues, type StoredResource, type ListOptions, type ApplyAction, type WatchEvent, type LogOptions, type ValidationIssue } from './cluster-client.ts';
export { connectCluster, readClusterInfo, pidAlive, DEFAULT_DATA_DIR, type ClusterInfo } from './cluster-dir.ts';
