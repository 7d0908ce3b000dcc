import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa } from '@skiff/testing/certs.ts';
import { resolveImage } from '../src/index.ts';
import { listenLocal, runCommand } from './program-process.ts';

const curl = resolveImage('curlimages/curl')!.entry;

describe('curl over TLS', () => {
  let port: number;
  let closeServer: () => Promise<void>;
  let dir: string;
  let caFile: string;
  let server: ReturnType<typeof createHttpsServer>;
  before(async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'] });
    server = createHttpsServer({ cert: leaf.chainPem, key: leaf.keyPem }, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('secure\n'));
    ({ port, close: closeServer } = await listenLocal(server));
    dir = mkdtempSync(join(tmpdir(), 'skiff-curl-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.certPem);
  });
  after(async () => {
    server.closeAllConnections();
    await closeServer();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 60 on a certificate it cannot verify, and succeeds with -k or --cacert', async () => {
    const untrusted = await runCommand(curl, ['-sS', `https://localhost:${port}/`]);
    assert.equal(untrusted.code, 60);
    assert.equal(untrusted.stderr, 'curl: (60) SSL certificate problem: self-signed certificate in certificate chain\n');
    const insecure = await runCommand(curl, ['-sk', '-w', ' %{http_code}', `https://localhost:${port}/`]);
    assert.equal(insecure.stdout, 'secure\n 200');
    const trusted = await runCommand(curl, ['-s', '--cacert', caFile, `https://localhost:${port}/`]);
    assert.equal(trusted.stdout, 'secure\n');
  });

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    const connects: string[] = [];
    const tunnels = new Set<Socket>();
    const proxy = createHttpServer();
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      tunnels.add(client);
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const p = await listenLocal(proxy);
    try {
      const res = await runCommand(curl, ['-s', '--cacert', caFile, `https://localhost:${port}/`], { HTTPS_PROXY: `http://127.0.0.1:${p.port}` });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, 'secure\n');
      assert.deepEqual(connects, [`localhost:${port}`]);
    } finally {
      tunnels.forEach((s) => s.destroy());
      proxy.closeAllConnections();
      await p.close();
    }
  });
});
