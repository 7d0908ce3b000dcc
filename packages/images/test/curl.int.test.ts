import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { resolveImage } from '../src/index.ts';
import { startForwardProxy } from './forward-proxy.ts';
import { freePort, listenLocal, runCommand } from './program-process.ts';

const curl = resolveImage('curlimages/curl:latest')!.entry;

describe('curlimages/curl', () => {
  let base: string;
  let port: number;
  let close: () => Promise<void>;
  let server: ReturnType<typeof createServer>;
  const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === '/status/503') return res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        if (req.url === '/redirect') return res.writeHead(302, { location: '/users' }).end();
        if (req.url === '/hang') return; // never answers
        res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': 'test' }).end(`hello ${req.method} ${req.url}\n`);
      });
    });
    ({ port, close } = await listenLocal(server));
    base = `http://127.0.0.1:${port}`;
  });
  after(() => {
    server.closeAllConnections();
    return close();
  });

  it('prints the body and -w "%{http_code}"', async () => {
    const res = await runCommand(curl, ['-s', '-w', '%{http_code}\\n', `${base}/users`]);
    assert.equal(res.code, 0);
    assert.equal(res.stdout, 'hello GET /users\n200\n');
  });

  it('writes the body to -o and prints only the -w output (the seeds\' -s -o /dev/null -w)', async () => {
    const res = await runCommand(curl, ['-s', '-o', '/dev/null', '-w', '%{http_code}\n', `${base}/status/503`]);
    assert.equal(res.stdout, '503\n');
    assert.equal(res.code, 0);
  });

  it('sends curl\'s default headers and each -H, and accepts URLs without a scheme', async () => {
    const res = await runCommand(curl, ['-sS', '-H', 'Host: api.example.com', '-H', 'x-user-type: beta', `127.0.0.1:${port}/users`]);
    assert.equal(res.code, 0);
    const last = seen.at(-1)!;
    assert.equal(last.headers.host, 'api.example.com');
    assert.equal(last.headers['x-user-type'], 'beta');
    assert.match(String(last.headers['user-agent']), /^curl\/8\./);
    assert.equal(last.headers.accept, '*/*');
    assert.equal(last.headers.connection, undefined);
  });

  it('includes the status line and headers with -i, only them with -I (a HEAD)', async () => {
    const included = await runCommand(curl, ['-si', `${base}/a`]);
    assert.match(included.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(included.stdout, /x-served-by: test\r\n/);
    assert.match(included.stdout, /\r\n\r\nhello GET \/a\n$/);
    const head = await runCommand(curl, ['-sI', `${base}/a`]);
    assert.equal(seen.at(-1)!.method, 'HEAD');
    assert.match(head.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
  });

  it('posts -d as a form and follows redirects with -L', async () => {
    await runCommand(curl, ['-s', '-d', 'a=1', '-d', 'b=2', `${base}/post`]);
    assert.equal(seen.at(-1)!.method, 'POST');
    assert.equal(seen.at(-1)!.body, 'a=1&b=2');
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/x-www-form-urlencoded');
    const followed = await runCommand(curl, ['-sL', '-w', ' %{num_redirects}', `${base}/redirect`]);
    assert.equal(followed.stdout, 'hello GET /users\n 1');
  });

  it('exits 22 with -f on an HTTP error, printing the error only with -S', async () => {
    const quiet = await runCommand(curl, ['-sf', `${base}/status/503`]);
    assert.equal(quiet.code, 22);
    assert.equal(quiet.stdout, '');
    assert.equal(quiet.stderr, '');
    const shown = await runCommand(curl, ['-sSf', `${base}/status/503`]);
    assert.equal(shown.code, 22);
    assert.equal(shown.stderr, 'curl: (22) The requested URL returned error: 503\n');
  });

  it('exits 7 when the connection is refused, with -w printing 000', async () => {
    const closed = await freePort();
    const res = await runCommand(curl, ['-sS', '-w', '%{http_code}', `http://127.0.0.1:${closed}/`]);
    assert.equal(res.code, 7);
    assert.equal(res.stdout, '000');
    assert.match(res.stderr, new RegExp(`^curl: \\(7\\) Failed to connect to 127\\.0\\.0\\.1 port ${closed} after \\d+ ms: Couldn't connect to server\\n$`));
  });

  it('exits 28 when --max-time passes before the response', async () => {
    const res = await runCommand(curl, ['-sS', '-m', '0.3', `${base}/hang`]);
    assert.equal(res.code, 28);
    assert.match(res.stderr, /^curl: \(28\) Operation timed out after \d+ milliseconds with 0 bytes received\n$/);
  });

  it('exits 56 "Recv failure: Connection reset by peer" on a reset, 52 on a close without reply', async () => {
    const resetting = createTcpServer((socket: Socket) => socket.once('data', () => socket.resetAndDestroy()));
    const closing = createTcpServer((socket: Socket) => socket.once('data', () => socket.end()));
    const r = await listenLocal(resetting);
    const c = await listenLocal(closing);
    try {
      const reset = await runCommand(curl, ['-sS', `http://127.0.0.1:${r.port}/`]);
      assert.equal(reset.code, 56);
      assert.equal(reset.stderr, 'curl: (56) Recv failure: Connection reset by peer\n');
      const empty = await runCommand(curl, ['-sS', `http://127.0.0.1:${c.port}/`]);
      assert.equal(empty.code, 52);
      assert.equal(empty.stderr, 'curl: (52) Empty reply from server\n');
    } finally {
      await r.close();
      await c.close();
    }
  });

  it('exits 6 for an unresolvable host and 2 for an unknown option or a missing URL', async () => {
    const unresolved = await runCommand(curl, ['-sS', 'http://no-such-host.invalid/']);
    assert.equal(unresolved.code, 6);
    assert.equal(unresolved.stderr, 'curl: (6) Could not resolve host: no-such-host.invalid\n');
    const unknown = await runCommand(curl, ['--frobnicate', base]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, "curl: option --frobnicate: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    const malformed = await runCommand(curl, ['-sS', 'http://[bad/']);
    assert.equal(malformed.code, 3);
    assert.equal(malformed.stderr, 'curl: (3) URL rejected: Malformed input to a URL function\n');
    const noUrl = await runCommand(curl, ['-s']);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /^curl: no URL specified!/);
  });

  it('sends the request in absolute form to http_proxy and bypasses it for NO_PROXY hosts', async () => {
    const proxy = await startForwardProxy({ 'user-service': port });
    try {
      const res = await runCommand(curl, ['-s', '-w', ' %{http_code}', 'http://user-service/users'], { http_proxy: proxy.url, HTTP_PROXY: proxy.url });
      assert.equal(res.stdout, 'hello GET /users\n 200');
      assert.equal(proxy.seen.at(-1)!.target, 'http://user-service/users');
      assert.equal(proxy.seen.at(-1)!.host, 'user-service');
      const count = proxy.seen.length;
      const direct = await runCommand(curl, ['-s', `${base}/direct`], { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' });
      assert.equal(direct.stdout, 'hello GET /direct\n');
      assert.equal(proxy.seen.length, count);
    } finally {
      await proxy.close();
    }
  });

  it('connects to the --resolve address and sends basic auth for -u', async () => {
    const res = await runCommand(curl, ['-s', '--resolve', `api.example.com:${port}:127.0.0.1`, '-u', 'user:pass', `http://api.example.com:${port}/r`]);
    assert.equal(res.stdout, 'hello GET /r\n');
    assert.equal(seen.at(-1)!.headers.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`);
  });
});
