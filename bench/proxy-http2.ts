/**
 * HTTP/2 through Skiff's proxy: an h2c client (one session, N concurrent
 * streams) → the full router path of bench/proxy-route-skiff.ts (its HCM's
 * codec_type AUTO takes the h2c preface) → an HTTP/1.1 upstream. Prints
 * requests/s, p50/p99 latency, the proxy's CPU µs per request and RSS.
 * The proxy is pinned to CPU 1 when taskset exists. Usage:
 * proxy-http2.ts [streams=16] [seconds=5]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

const STREAMS = Number(process.argv[2] ?? 16);
const SECONDS = Number(process.argv[3] ?? 5);
const WARMUP_S = 1;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

const body = Buffer.from('hello from upstream\n');
const upstream = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
upstream.listen(0, '127.0.0.1');
await once(upstream, 'listening');

const node = process.execPath;
const args = [new URL('./proxy-route-skiff.ts', import.meta.url).pathname, String((upstream.address() as AddressInfo).port)];
const proxy = hasTaskset ? spawn('taskset', ['-c', '1', node, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(node, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(proxy.stdout!, 'data')) as [Buffer];
const port = Number(line.toString().trim());
const pid = proxy.pid!;

const session = http2.connect(`http://127.0.0.1:${port}`);
await once(session, 'connect');
let running = true;
let measuring = false;
let count = 0;
const latencies: number[] = [];
function one(): void {
  const start = process.hrtime.bigint();
  const req = session.request({ ':path': '/', ':authority': 'upstream' });
  req.on('data', () => {});
  req.on('end', () => {
    if (measuring) {
      count++;
      latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    if (running) one();
  });
  req.on('error', () => { if (running) one(); });
}
for (let i = 0; i < STREAMS; i++) one();
await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
measuring = true;
const cpu0 = cpuTicks(pid);
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
measuring = false;
const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuUs = ((cpuTicks(pid) - cpu0) / CLK_TCK) * 1e6;
const rss = rssMb(pid);
running = false;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
console.log(`HTTP/2 (h2c, 1 session, ${STREAMS} streams) → Skiff router → HTTP/1.1 upstream${hasTaskset ? ', proxy pinned to CPU 1' : ''}`);
console.log(`req/s ${(count / elapsedS).toFixed(0)}  p50 ${(pct(50) / 1000).toFixed(2)} ms  p99 ${(pct(99) / 1000).toFixed(2)} ms  proxy CPU ${(cpuUs / count).toFixed(1)} µs/req  RSS ${rss.toFixed(1)} MB`);
session.destroy();
proxy.kill('SIGTERM');
await once(proxy, 'exit');
upstream.close();
