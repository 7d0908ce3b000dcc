/**
 * HTTP/1.1 proxying benchmark (not a test): `npm run bench:proxy`.
 *
 * Starts an upstream returning a fixed 100-byte body (nginx when
 * /usr/sbin/nginx exists, else a small Node server), then measures, side by
 * side and in the same run: the upstream directly, Skiff's forwarder
 * (packages/proxy/src/http/forwarder.ts: codec + connection pool), the full
 * Skiff router path (bench/proxy-route-skiff.ts: listener, HCM, fault/cors/router
 * filters, route table, cluster/LB, stats), and nginx and HAProxy as keep-alive reverse proxies when they
 * are installed ("not installed" rows otherwise). Load comes from wrk when
 * present, else a small Node load generator; 16 connections, 10 s per run
 * after a 1 s warm-up. Each proxy is pinned to CPU 1 and everything else to
 * CPU 0 when taskset exists. "CPU µs/req" is the proxy process's user+system
 * time over the run divided by requests served. Loopback only; every process
 * started here is stopped by pid at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONNECTIONS = 16;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 1;
const BODY = 'x'.repeat(99) + '\n';
const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';
const HERE = dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
const children: ChildProcess[] = [];

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const TASKSET = which('taskset');
const WRK = which('wrk');
const PINNABLE = TASKSET !== null && cpus().length >= 2;

function start(cmd: string, args: string[], cpu: 0 | 1): ChildProcess {
  const [file, argv] = PINNABLE ? [TASKSET!, ['-c', String(cpu), cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${cmd.split('/').pop()}] ${d}`));
  children.push(child);
  return child;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function nginxConf(name: string, server: string, http: string = ''): string {
  const dir = join(work, name);
  spawnSync('mkdir', ['-p', dir]);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `worker_processes 1;
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${http}
  server { ${server} }
}
`);
  return conf;
}

/** The upstream: nginx `return 200` with the fixed body, or a Node server. */
async function startUpstream(): Promise<{ port: number; kind: string; stop: () => void }> {
  const port = await freePort();
  if (existsSync(NGINX)) {
    const conf = nginxConf('upstream', `listen 127.0.0.1:${port}; keepalive_requests 1000000; location / { default_type text/plain; return 200 '${BODY.trimEnd()}\n'; }`);
    start(NGINX, ['-c', conf, '-p', work], 0);
    await waitForPort(port);
    return { port, kind: `nginx (${NGINX}), 1 process`, stop: () => {} };
  }
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.setHeader('content-length', BODY.length);
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, kind: 'Node node:http server in the bench process (nginx not installed)', stop: () => server.close() };
}

interface Load { rps: number; p50us: number; p99us: number; requests: number }

function parseWrkTime(s: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 1 : m[2] === 'ms' ? 1000 : 1e6);
}

async function runWrk(port: number, seconds: number): Promise<Load> {
  const child = start(WRK!, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`], 0);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  await new Promise((r) => child.once('exit', r));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const p50 = parseWrkTime(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = parseWrkTime(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  if (/Non-2xx|Socket errors/.test(out)) process.stderr.write(out);
  return { rps, p50us: p50, p99us: p99, requests };
}

/** Fallback load generator: CONNECTIONS keep-alive connections, one request in flight on each. */
async function runNodeLoad(port: number, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
  await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let sentAt = 0;
      let buffered = '';
      const send = () => {
        if (performance.now() >= deadline) return void (socket.destroy(), resolve());
        sentAt = performance.now();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('data', (d: Buffer) => {
        buffered += d.toString('latin1');
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const len = Number(/content-length:\s*(\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + len) return;
        buffered = buffered.slice(headEnd + 4 + len);
        latencies.push((performance.now() - sentAt) * 1000);
        send();
      });
      socket.on('error', () => resolve());
    })),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { rps: latencies.length / seconds, p50us: q(0.5), p99us: q(0.99), requests: latencies.length };
}

const load = (port: number, seconds: number) => (WRK ? runWrk(port, seconds) : runNodeLoad(port, seconds));

interface Row { name: string; load?: Load; cpuUsPerReq?: number; rss?: number; note?: string }

async function measure(name: string, port: number, pid: number | null): Promise<Row> {
  await load(port, WARMUP_S);
  const cpu0 = pid !== null ? cpuMs(pid) : 0;
  let rss = NaN;
  const sampler = pid !== null ? setTimeout(() => (rss = rssMiB(pid)), (DURATION_S * 1000) / 2) : null;
  const result = await load(port, DURATION_S);
  if (sampler) clearTimeout(sampler);
  const cpu = pid !== null ? cpuMs(pid) - cpu0 : NaN;
  return { name, load: result, cpuUsPerReq: pid !== null ? (cpu * 1000) / result.requests : undefined, rss: pid !== null ? rss : undefined };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, 'SIGTERM');
  const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

const fmtTime = (us: number) => (!Number.isFinite(us) ? '—' : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`);
const fmtRps = (r: number) => `${(r / 1000).toFixed(1)}k`;

async function main(): Promise<void> {
  const versions = [
    `node ${process.version}`,
    existsSync(NGINX) ? (spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '')) : 'nginx not installed',
    existsSync(HAPROXY) ? (spawnSync(HAPROXY, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]) : 'HAProxy not installed',
    WRK ? 'wrk' : 'wrk not installed: Node load generator',
  ];
  const upstream = await startUpstream();
  console.log(`# HTTP/1.1 proxy benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  console.log(`upstream: ${upstream.kind}, fixed ${BODY.length}-byte body`);
  console.log(`load: ${WRK ? 'wrk -t1' : 'Node load generator'} , ${CONNECTIONS} connections, ${DURATION_S} s per run after ${WARMUP_S} s warm-up; ${PINNABLE ? 'proxy pinned to CPU 1, upstream and load generator to CPU 0' : 'no pinning (taskset missing or one CPU)'}`);
  console.log(`versions: ${versions.join('; ')}\n`);

  const rows: Row[] = [];
  rows.push({ ...(await measure('none (direct)', upstream.port, null)), cpuUsPerReq: undefined });

  {
    const child = start(NODE, [join(HERE, 'proxy-http1-skiff.ts'), String(upstream.port)], 1);
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    await waitForPort(port);
    rows.push(await measure('Skiff forwarder (codec + pool, 1 process)', port, child.pid!));
    await stopChild(child);
  }

  {
    const child = start(NODE, [join(HERE, 'proxy-route-skiff.ts'), String(upstream.port)], 1);
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    await waitForPort(port);
    rows.push(await measure('Skiff proxy: HCM + fault/cors/router + RDS + EDS/LB + stats', port, child.pid!));
    await stopChild(child);
  }

  if (existsSync(NGINX)) {
    const port = await freePort();
    const conf = nginxConf('proxy', `listen 127.0.0.1:${port}; keepalive_requests 1000000; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }`,
      `upstream up { server 127.0.0.1:${upstream.port}; keepalive 32; keepalive_requests 1000000; }`);
    const child = start(NGINX, ['-c', conf, '-p', work], 1);
    try {
      await waitForPort(port);
      rows.push(await measure('nginx, 1 process, upstream keepalive', port, child.pid!));
    } catch (err) {
      rows.push({ name: 'nginx, 1 process, upstream keepalive', note: `failed to start: ${(err as Error).message}` });
    }
    await stopChild(child);
  } else rows.push({ name: 'nginx', note: 'not installed' });

  if (existsSync(HAPROXY)) {
    const port = await freePort();
    const cfg = join(work, 'haproxy.cfg');
    writeFileSync(cfg, `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend f
  bind 127.0.0.1:${port}
  default_backend b
backend b
  server s1 127.0.0.1:${upstream.port}
`);
    const child = start(HAPROXY, ['-f', cfg, '-db'], 1);
    try {
      await waitForPort(port);
      rows.push(await measure('HAProxy, 1 thread', port, child.pid!));
    } catch (err) {
      rows.push({ name: 'HAProxy, 1 thread', note: `failed to start: ${(err as Error).message}` });
    }
    await stopChild(child);
  } else rows.push({ name: 'HAProxy', note: 'not installed' });

  const nginxRps = rows.find((r) => r.name.startsWith('nginx,'))?.load?.rps;
  console.log('| proxy | req/s | × nginx | p50 | p99 | CPU µs/req | RSS under load |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (!r.load) {
      console.log(`| ${r.name} | ${r.note} | — | — | — | — | — |`);
      continue;
    }
    const ratio = nginxRps ? (r.load.rps / nginxRps).toFixed(2) : '—';
    const cpu = r.cpuUsPerReq === undefined ? '—' : String(Math.round(r.cpuUsPerReq));
    const rss = r.rss === undefined || !Number.isFinite(r.rss) ? '—' : `${Math.round(r.rss)} MiB`;
    console.log(`| ${r.name} | ${fmtRps(r.load.rps)} | ${ratio} | ${fmtTime(r.load.p50us)} | ${fmtTime(r.load.p99us)} | ${cpu} | ${rss} |`);
  }
  upstream.stop();
}

try {
  await main();
} finally {
  for (const child of children) await stopChild(child).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
