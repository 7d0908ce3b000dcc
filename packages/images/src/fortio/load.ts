/**
 * `fortio load`: -c connections at -qps in total (0 or negative: as fast as
 * possible) for exactly -n calls or for -t, each connection its own
 * keep-alive client (through HTTP_PROXY when set), then fortio's summary:
 * latency histogram and percentiles, sockets used, `Code N : count (P %)`
 * lines, sizes and `All done`. `-json FILE` writes the result as fortio's
 * JSON (`-` for stdout).
 */
import { writeFileSync } from 'node:fs';
import { FlagError, parseGoDuration, parseGoFlags, type ParsedFlags } from '../runtime-env/go-flags.ts';
import { Counter, goG, Histogram } from './histogram.ts';
import { FORTIO_VERSION, HttpRunner, type CallResult } from './http-runner.ts';

export const CLIENT_FLAGS = {
  known: ['c', 'qps', 'n', 't', 'loglevel', 'timeout', 'p', 'r', 'json', 'payload', 'payload-size', 'payload-file', 'content-type', 'X', 'labels', 'abort-on', 'resolve', 'data-dir', 'offset', 'logger-file-line'],
  boolean: ['a', 'quiet', 'allow-initial-errors', 'keepalive', 'uniform', 'jitter', 'nocatchup', 'stdclient', 'http1.0', 'compression', 'k', 'h2', 'sequential-warmup', 'L', 'https-insecure', 'no-reresolve', 'curl', 'logger-force-color', 'logger-no-color', 'log-errors'],
  repeatable: ['H'],
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Go's time.Duration.String(): `1m0s`, `5s`, `59.8524ms`, `1.002345s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1) return `${goG(ms * 1000, 7)}µs`;
  if (ms < 1000) return `${goG(ms, 7)}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds - h * 3600 - m * 60;
  const sText = `${Number(s.toFixed(9))}s`;
  return h > 0 ? `${h}h${m}m${sText}` : m > 0 ? `${m}m${sText}` : sText;
}

export interface ClientSetup {
  readonly url: URL;
  readonly headers: [string, string][];
  readonly method: string;
  readonly payload?: Buffer;
  readonly timeoutMs: number;
  readonly keepAlive: boolean;
  readonly flags: ParsedFlags;
}

export function parseClientArgs(argv: readonly string[]): ClientSetup {
  let flags: ParsedFlags;
  try {
    flags = parseGoFlags(argv, CLIENT_FLAGS);
  } catch (err) {
    throw new UsageError((err as FlagError).message);
  }
  if (flags.rest.length !== 1) throw new UsageError(flags.rest.length === 0 ? 'Error: fortio load/curl needs a url or destination' : `Error: unexpected extra arguments: ${flags.rest.slice(1).join(' ')}`);
  const raw = flags.rest[0];
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new UsageError(`Error: invalid url "${raw}"`);
  }
  const headers: [string, string][] = [];
  for (const h of flags.lists.get('H') ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`Error: invalid header "${h}" (expecting "Key: value")`);
    headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
  }
  const payloadText = flags.values.get('payload');
  const payload = payloadText !== undefined ? Buffer.from(payloadText) : flags.values.has('payload-size') ? Buffer.alloc(Number(flags.values.get('payload-size')), 'x') : undefined;
  const contentType = flags.values.get('content-type');
  if (contentType) headers.push(['Content-Type', contentType]);
  const timeoutMs = parseGoDuration(flags.values.get('timeout') ?? '3s', true);
  if (timeoutMs === undefined) throw new UsageError(`invalid value "${flags.values.get('timeout')}" for flag -timeout: parse error`);
  return { url, headers, method: flags.values.get('X') ?? (payload ? 'POST' : 'GET'), payload, timeoutMs, keepAlive: flags.values.get('keepalive') !== 'false', flags };
}

export async function runLoad(argv: readonly string[], out: (text: string) => void, log: (text: string) => void): Promise<number> {
  const setup = parseClientArgs(argv);
  const { flags } = setup;
  const threads = Number(flags.values.get('c') ?? '4');
  const qps = Number(flags.values.get('qps') ?? '8');
  const exactly = flags.values.has('n') ? Number(flags.values.get('n')) : undefined;
  const durationMs = parseGoDuration(flags.values.get('t') ?? '5s', true);
  const percentiles = (flags.values.get('p') ?? '50,75,90,99,99.9').split(',').map(Number);
  const resolution = Number(flags.values.get('r') ?? '0.001');
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`invalid value "${flags.values.get('c')}" for flag -c`);
  if (!Number.isFinite(qps)) throw new UsageError(`invalid value "${flags.values.get('qps')}" for flag -qps`);
  if (exactly !== undefined && (!Number.isInteger(exactly) || exactly < 1)) throw new UsageError(`invalid value "${flags.values.get('n')}" for flag -n`);
  if (durationMs === undefined) throw new UsageError(`invalid value "${flags.values.get('t')}" for flag -t: parse error`);
  const warnings = !['Error', 'Critical', 'Fatal'].includes(flags.values.get('loglevel') ?? 'Info');
  const maxSpeed = qps <= 0;
  const perThread = exactly !== undefined ? Math.floor(exactly / threads) : maxSpeed || durationMs === 0 ? undefined : Math.floor((qps * durationMs) / 1000 / threads);
  const remainder = exactly !== undefined ? exactly % threads : 0;
  const forWhat = exactly !== undefined ? `${exactly} calls` : durationMs === 0 ? 'until interrupted' : goDuration(durationMs);
  out(`Fortio ${FORTIO_VERSION} running at ${goG(qps)} queries per second, 2->2 procs, for ${forWhat}: ${setup.url.href}\n`);
  const qpsText = maxSpeed ? 'max' : goG(qps);
  if (exactly !== undefined) out(`Starting at ${qpsText} qps with ${threads} thread(s) [gomax 2] for exactly ${exactly} calls (${perThread} per thread + ${remainder})\n`);
  else if (perThread !== undefined) out(`Starting at ${qpsText} qps with ${threads} thread(s) [gomax 2] for ${forWhat} : ${perThread} calls each (total ${perThread * threads})\n`);
  else out(`Starting at ${qpsText} qps with ${threads} thread(s) [gomax 2] for ${forWhat}\n`);

  const durations = new Histogram(resolution);
  const errors = new Histogram(resolution);
  const sleeps = new Counter();
  const headerSizes = new Counter();
  const totalSizes = new Counter();
  const codes = new Map<number, number>();
  const runners = Array.from({ length: threads }, () => new HttpRunner({ url: setup.url, headers: setup.headers, method: setup.method, payload: setup.payload, timeoutMs: setup.timeoutMs, keepAlive: setup.keepAlive, env: process.env }));
  let interrupted = false;
  const onInterrupt = (): void => { interrupted = true; };
  process.once('SIGINT', onInterrupt);
  const started = process.hrtime.bigint();
  const sinceStartMs = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  const intervalMs = maxSpeed ? 0 : (1000 * threads) / qps;
  const record = (r: CallResult, seconds: number, thread: number): void => {
    durations.record(seconds);
    codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
    headerSizes.record(r.headerSize);
    totalSizes.record(r.totalSize);
    if (r.status !== 200) {
      errors.record(seconds);
      if (warnings) log(`${JSON.stringify(r.error ? { level: 'warn', msg: 'Unable to connect/send', err: r.error.message, thread } : { level: 'warn', msg: 'Non ok http code', code: r.status, status: `HTTP/${r.httpVersion} ${r.status}`, thread })}\n`);
    }
  };
  await Promise.all(runners.map(async (runner, t) => {
    const calls = perThread === undefined ? Infinity : perThread + (t < remainder ? 1 : 0);
    for (let i = 0; i < calls && !interrupted; i++) {
      if (exactly === undefined && durationMs > 0 && sinceStartMs() >= durationMs) break;
      if (!maxSpeed) {
        const waitMs = i * intervalMs - sinceStartMs();
        if (waitMs > 0) {
          sleeps.record(waitMs / 1000);
          await new Promise((r) => setTimeout(r, waitMs));
        }
      }
      const t0 = process.hrtime.bigint();
      const result = await runner.call();
      record(result, Number(process.hrtime.bigint() - t0) / 1e9, t);
    }
  }));
  process.off('SIGINT', onInterrupt);
  const elapsedMs = sinceStartMs();
  runners.forEach((r) => r.close());
  const actualQps = durations.count / (elapsedMs / 1000);

  out(`Ended after ${goDuration(elapsedMs)} : ${durations.count} calls. qps=${goG(actualQps, 5)}\n`);
  if (!maxSpeed) out(sleeps.count > 0 ? `Sleep times : ${sleeps.summary()}\n` : 'Sleep times : no data\n');
  out(durations.report('Aggregated Function Time', percentiles));
  out(errors.report('Error cases', []));
  out('# Socket and IP used for each connection:\n');
  const connectTimes = new Histogram(resolution);
  const addresses = new Map<string, number>();
  runners.forEach((r, i) => {
    const perRunner = new Counter();
    for (const c of r.connectTimes) {
      perRunner.record(c);
      connectTimes.record(c);
    }
    for (const a of r.remoteAddresses) addresses.set(a, (addresses.get(a) ?? 0) + 1);
    out(`[${i}] ${String(r.socketsUsed).padStart(3)} socket used, resolved to ${r.remoteAddresses[0] ?? '[]'}, connection timing : ${perRunner.summary()}\n`);
  });
  out(connectTimes.report('Connection time histogram (s)', percentiles));
  const sockets = runners.reduce((s, r) => s + r.socketsUsed, 0);
  out(`Sockets used: ${sockets} (for perfect keepalive, would be ${threads})\n`);
  out(`Uniform: ${flags.values.get('uniform') === 'true'}, Jitter: ${flags.values.get('jitter') === 'true'}, Catchup allowed: ${flags.values.get('nocatchup') !== 'true'}\n`);
  out('IP addresses distribution:\n');
  for (const [a, n] of addresses) out(`${a}: ${n}\n`);
  for (const [code, n] of [...codes].sort((a, b) => a[0] - b[0])) out(`Code ${String(code).padStart(3)} : ${n} (${((100 * n) / durations.count).toFixed(1)} %)\n`);
  out(`Response Header Sizes : ${headerSizes.summary()}\n`);
  out(`Response Body/Total Sizes : ${totalSizes.summary()}\n`);
  out(`All done ${durations.count} calls (plus 0 warmup) ${(durations.avg() * 1000).toFixed(3)} ms avg, ${actualQps.toFixed(1)} qps\n`);

  const jsonFile = flags.values.get('json');
  if (jsonFile !== undefined) {
    const result = {
      RunType: 'HTTP', Labels: flags.values.get('labels') ?? '', StartTime: new Date(Date.now() - elapsedMs).toISOString(), RequestedQPS: maxSpeed ? 'max' : String(qps),
      RequestedDuration: forWhat, ActualQPS: actualQps, ActualDuration: Math.round(elapsedMs * 1e6), NumThreads: threads, Version: FORTIO_VERSION,
      DurationHistogram: histogramJson(durations, percentiles), ErrorsDurationHistogram: histogramJson(errors, percentiles), Exactly: exactly ?? 0,
      RetCodes: Object.fromEntries([...codes].map(([c, n]) => [String(c), n])), URL: setup.url.href, SocketCount: sockets,
      Sizes: { Count: totalSizes.count, Min: totalSizes.min, Max: totalSizes.max, Sum: totalSizes.sum, Avg: totalSizes.avg() },
      HeaderSizes: { Count: headerSizes.count, Min: headerSizes.min, Max: headerSizes.max, Sum: headerSizes.sum, Avg: headerSizes.avg() },
    };
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (jsonFile === '-') out(text);
    else writeFileSync(jsonFile, text);
  }
  return 0;
}

function histogramJson(h: Histogram, percentiles: readonly number[]): unknown {
  return {
    Count: h.count, Min: h.min, Max: h.max, Sum: h.sum, Avg: h.avg(), StdDev: h.stdDev(),
    Data: h.buckets().map((b) => ({ Start: b.start, End: b.end, Percent: b.percent, Count: b.count })),
    Percentiles: h.count === 0 ? null : percentiles.map((p) => ({ Percentile: p, Value: h.percentile(p) })),
  };
}
