/**
 * One probe attempt as the kubelet runs it: httpGet (2xx/3xx is success),
 * tcpSocket (a connection opens), exec (exit code 0, run with the
 * container's environment). Every attempt is bounded by timeoutSeconds.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { kube } from '@skiff/api';

export interface ProbeTarget {
  /** Where the container listens (its SKIFF_APP_IP, or the pod IP for the sidecar). */
  readonly host: string;
  readonly ports: readonly kube.ContainerPort[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export function resolveProbePort(port: number | string | undefined, ports: readonly kube.ContainerPort[]): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return ports.find((p) => p.name === port)?.containerPort;
}

export function runProbe(probe: kube.Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = Math.max(1, probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, target, timeoutMs);
  if (probe.exec) return execProbe(probe.exec.command ?? [], target, timeoutMs);
  return Promise.resolve({ ok: false, message: 'probe has no handler (only httpGet, tcpSocket and exec are run locally)' });
}

function httpProbe(action: kube.HTTPGetAction, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolveProbePort(action.port, target.ports);
  if (port === undefined) return Promise.resolve({ ok: false, message: `port ${String(action.port)} is not a container port` });
  const host = action.host || target.host;
  const path = action.path || '/';
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.33' };
    for (const h of action.httpHeaders ?? []) if (h.name) headers[h.name] = h.value ?? '';
    const req = request({ host, port, path, method: 'GET', headers, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
    req.on('error', (err) => resolve({ ok: false, message: `Get "http://${host}:${port}${path}": ${err.message}` }));
    req.end();
  });
}

function tcpProbe(action: { port?: number | string; host?: string }, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolveProbePort(action.port, target.ports);
  if (port === undefined) return Promise.resolve({ ok: false, message: `port ${String(action.port)} is not a container port` });
  const host = action.host || target.host;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => socket.destroy(new Error('i/o timeout')));
    socket.once('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

function execProbe(command: readonly string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  if (command.length === 0) return Promise.resolve({ ok: false, message: 'exec probe has no command' });
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { env: { ...target.env }, cwd: target.cwd, stdio: 'ignore', timeout: timeoutMs });
    child.once('error', (err) => resolve({ ok: false, message: err.message }));
    child.once('exit', (code, signal) => resolve(code === 0 ? { ok: true } : { ok: false, message: signal ? `command timed out or was killed (${signal})` : `command exited with ${code}` }));
  });
}
