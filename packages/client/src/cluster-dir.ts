/**
 * Finding the local cluster: `DATA_DIR/cluster.json`, written by the
 * supervisor once it is ready (API server address, pid). A file whose pid
 * is gone belongs to a supervisor that was killed.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SkiffError } from '@skiff/common';
import { ClusterClient } from './cluster-client.ts';

export const DEFAULT_DATA_DIR = '.skiff';

export interface ClusterInfo {
  readonly pid: number;
  readonly dataDir: string;
  readonly apiAddress: string;
  readonly xdsAddress: string;
  readonly monitoringAddress: string;
  readonly ingress: { readonly http: string; readonly https: string };
  readonly podCidr: string;
  readonly startedAt: string;
}

export function readClusterInfo(dataDir: string): ClusterInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A client for the cluster in `dataDir`, or a SkiffError that says how to start one. */
export function connectCluster(dataDir: string, cwd: string): { client: ClusterClient; info: ClusterInfo } {
  const dir = resolve(cwd, dataDir);
  const info = readClusterInfo(dir);
  if (!info) throw new SkiffError('SKIFF_ERR_NO_CLUSTER', `no local cluster is running in ${dir}: start one with \`skiff up\` (or pass --data-dir)`);
  if (!pidAlive(info.pid)) throw new SkiffError('SKIFF_ERR_NO_CLUSTER', `the local cluster in ${dir} is not running (its supervisor, pid ${info.pid}, is gone): start it again with \`skiff up\``);
  return { client: new ClusterClient(info.apiAddress), info };
}
