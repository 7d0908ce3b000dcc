/**
 * The Skiff side of bench/proxy-http1.ts: runs the HTTP/1.1 forwarder
 * (packages/proxy/src/http/forwarder.ts) in its own process so its CPU time
 * can be measured alone. Usage: proxy-http1-skiff.ts <upstream-port>; prints
 * the port it listens on (127.0.0.1) and runs until SIGTERM.
 */
import { systemClock } from '@skiff/common';
import { Forwarder } from '@skiff/proxy/http/forwarder.ts';

const upstreamPort = Number(process.argv[2]);
const forwarder = new Forwarder({ clock: systemClock, upstream: { host: '127.0.0.1', port: upstreamPort } });
const { port } = await forwarder.listen(0, '127.0.0.1');
process.stdout.write(`${port}\n`);
process.once('SIGTERM', () => {
  void forwarder.close().then(() => process.exit(0));
});
