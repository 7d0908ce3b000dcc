/**
 * `skiff control-plane -f FILE|DIR`: the control plane alone, on a
 * read-only file source that follows edits to those files (Services and
 * Pods/EndpointSlices in them are the Kubernetes registry). Prints what it
 * serves where, and every config error with file:line as files are
 * (re)read; runs until SIGINT or SIGTERM, then shuts down and exits 0. A
 * port that cannot be bound is one line on stderr and exit 1.
 */
import { UsageError, type Command, type CommandIO } from '@skiff/cli';
import { formatIssue, openFileSource, type FileSource, type FileSourceReport } from '@skiff/config';
import { parseListenAddress, startControlPlane, type ControlPlane } from '@skiff/control-plane';
import { systemClock } from '@skiff/common';

export interface ControlPlaneFlags {
  filename?: string[];
  'xds-address'?: string;
  'monitoring-address'?: string;
}

export const DEFAULT_XDS_ADDRESS = '127.0.0.1:15010';
export const DEFAULT_MONITORING_ADDRESS = '127.0.0.1:15014';

export const controlPlaneCommand: Command<ControlPlaneFlags> = {
  name: 'control-plane',
  summary: 'Run the control plane alone on manifest files, following edits (xDS and debug endpoints)',
  usage: 'skiff control-plane -f FILE|DIR [-f ...] [--xds-address 127.0.0.1:15010] [--monitoring-address 127.0.0.1:15014]',
  description: 'Serves Envoy xDS (ADS, plaintext gRPC) from the Istio and Kubernetes objects in the files; Services and\nPods/EndpointSlices there are the service registry. Edits to the files are pushed to connected proxies;\na file with errors is reported and its last good version stays in force. Stop with Ctrl-C.',
  examples: ['skiff control-plane -f examples/demo/', 'skiff control-plane -f mesh.yaml --xds-address 127.0.0.1:0 --monitoring-address 127.0.0.1:0'],
  flags: {
    filename: { type: 'string', short: 'f', multiple: true, valueName: 'FILE', description: 'manifest file or directory to serve and follow; repeatable' },
    'xds-address': { type: 'string', valueName: 'HOST:PORT', description: `gRPC ADS address (default ${DEFAULT_XDS_ADDRESS}; port 0 picks a free one)` },
    'monitoring-address': { type: 'string', valueName: 'HOST:PORT', description: `monitoring and debug HTTP address (default ${DEFAULT_MONITORING_ADDRESS})` },
  },
  run({ flags, io }) {
    return runControlPlane(flags, io, untilSignal());
  },
};

/** Runs until `stop` resolves (with the reason to print); the command passes SIGINT/SIGTERM. Returns the exit code. */
export async function runControlPlane(flags: ControlPlaneFlags, io: CommandIO, stop: Promise<string>): Promise<number> {
  if (!flags.filename?.length) {
    io.stderr.write('error: must specify one of -f or --filename\n');
    return 2;
  }
  const xdsAddress = flags['xds-address'] ?? DEFAULT_XDS_ADDRESS;
  const monitoringAddress = flags['monitoring-address'] ?? DEFAULT_MONITORING_ADDRESS;
  try {
    parseListenAddress(xdsAddress, '--xds-address');
    parseListenAddress(monitoringAddress, '--monitoring-address');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let source: FileSource | undefined;
  let cp: ControlPlane | undefined;
  let started = false;
  let loaded: FileSourceReport | undefined;
  try {
    source = await openFileSource({
      paths: flags.filename,
      cwd: io.cwd,
      clock: systemClock,
      onReport: (report) => {
        if (started) printReload(io, report);
        else printIssues(io, report);
        loaded ??= report;
      },
    });
    cp = await startControlPlane({
      source,
      xdsAddress,
      monitoringAddress,
      clock: systemClock,
      log: (line) => io.stderr.write(`control-plane: ${line}\n`),
    });
    started = true;
    const monitoring = `http://${cp.monitoringAddress}`;
    io.stdout.write([
      'Skiff control plane',
      `  config:      ${flags.filename.join(', ')} (${loaded?.files ?? 0} files, ${loaded?.objects ?? 0} objects; following edits)`,
      `  xDS (ADS):   ${cp.xdsAddress} (gRPC, plaintext)`,
      `  monitoring:  ${monitoring}`,
      `               ${monitoring}/debug/syncz  /debug/config_dump?proxyID=  /debug/registryz  /debug/configz  /debug/push_status  /metrics`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'));
    const reason = await stop;
    io.stdout.write(`${reason}: shutting down\n`);
    return 0;
  } finally {
    await cp?.close();
    await source?.close();
    if (started) io.stdout.write('control plane stopped\n');
  }
}

function printIssues(io: CommandIO, report: FileSourceReport): void {
  for (const issue of report.issues) io.stderr.write(`${formatIssue(issue)}\n`);
  for (const file of report.rejected) io.stderr.write(`skipped ${file}: it has errors (fix them; the file is read again when it changes)\n`);
}

function printReload(io: CommandIO, report: FileSourceReport): void {
  io.stdout.write(`config reloaded: ${report.added} added, ${report.modified} modified, ${report.deleted} deleted (${report.objects} objects)\n`);
  for (const issue of report.issues) io.stderr.write(`${formatIssue(issue)}\n`);
  for (const file of report.rejected) io.stderr.write(`kept the last good version of ${file}: the file has errors\n`);
}

/** Resolves with `SIGINT` or `SIGTERM` at the first of them, then stops listening for both. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
