/**
 * What a running cluster leaves in its data directory for the CLI:
 * `cluster.json` (addresses, pid) and `supervisor.pid`. Written once the
 * cluster is ready, removed on a clean stop; a stale file (the supervisor
 * was killed) is recognised by its pid no longer running.
 */
import { readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterFile {
  readonly pid: number;
  readonly dataDir: string;
  readonly apiAddress: string;
  readonly xdsAddress: string;
  readonly monitoringAddress: string;
  readonly ingress: { readonly http: string; readonly https: string };
  readonly podCidr: string;
  readonly startedAt: string;
}

export const CLUSTER_FILE = 'cluster.json';
export const PID_FILE = 'supervisor.pid';

export function writeClusterFile(dataDir: string, info: ClusterFile): void {
  const tmp = join(dataDir, `${CLUSTER_FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, join(dataDir, CLUSTER_FILE));
  writeFileSync(join(dataDir, PID_FILE), `${info.pid}\n`);
}

export function readClusterFile(dataDir: string): ClusterFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, CLUSTER_FILE), 'utf8')) as ClusterFile;
  } catch {
    return undefined;
  }
}

export function removeClusterFiles(dataDir: string, pid: number): void {
  if (readClusterFile(dataDir)?.pid !== pid) return;
  rmSync(join(dataDir, CLUSTER_FILE), { force: true });
  rmSync(join(dataDir, PID_FILE), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
