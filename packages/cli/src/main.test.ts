import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.ts';
import { COMMANDS } from './commands/index.ts';
import { captureIO } from './testing-io.ts';

const VALID = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: app-gateway, namespace: backend}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;

describe('skiff CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
    mkdirSync(join(dir, 'manifests', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'gw.yaml'), VALID);
    writeFileSync(join(dir, 'manifests', 'nested', 'gw2.yml'), VALID.replace('app-gateway', 'second'));
    writeFileSync(join(dir, 'manifests', 'notes.txt'), 'not a manifest');
    writeFileSync(join(dir, 'bad.yaml'), VALID.replace('number: 80', 'number: 0').replace('hosts:', 'hostz:'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help for every verb and exits 0', async () => {
    for (const command of COMMANDS) {
      const io = captureIO(dir);
      assert.equal(await main([command.name, '--help'], io), 0, command.name);
      assert.match(io.out(), new RegExp(`Usage:\\n  ${command.usage.replace(/[|[\]().*+?]/g, '\\$&')}`), command.name);
      assert.match(io.out(), /-h, --help/);
    }
    const io = captureIO(dir);
    assert.equal(await main(['--help'], io), 0);
    for (const command of COMMANDS) assert.match(io.out(), new RegExp(`  ${command.name} `));
  });

  it('rejects an unknown verb and an unknown flag with exit code 2', async () => {
    let io = captureIO(dir);
    assert.equal(await main(['frobnicate'], io), 2);
    assert.match(io.err(), /unknown command "frobnicate" for "skiff"/);
    io = captureIO(dir);
    assert.equal(await main(['validate', '--nope'], io), 2);
    assert.match(io.err(), /Unknown option '--nope'/);
    assert.match(io.err(), /Usage: skiff validate/);
  });

  it('validate accepts a directory of valid manifests, recursing and skipping non-manifests', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['validate', '-f', 'manifests'], io), 0, io.err());
    assert.match(io.out(), /is valid: 2 objects/);
  });

  it('validate prints every error with file:line:column and field, and exits 1', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['validate', '-f', 'bad.yaml'], io), 1);
    const lines = io.err().trim().split('\n');
    assert.deepEqual(lines, [
      'bad.yaml:8:5: error: Gateway backend/app-gateway: spec.servers[0].hostz: unknown field "hostz" in istio.networking.v1alpha3.Server; did you mean "hosts"?',
      'bad.yaml:7:5: error: Gateway backend/app-gateway: spec.servers[0].hosts: server config must contain at least one host',
      'bad.yaml:7:12: error: Gateway backend/app-gateway: spec.servers[0].port.number: port number 0 must be in the range 1..65535',
      'Error: 3 errors found',
    ]);
  });

  it('validate reads standard input with -f -', async () => {
    const io = captureIO(dir, VALID.replace('number: 80', 'number: 99999'));
    assert.equal(await main(['validate', '-f', '-'], io), 1);
    assert.match(io.err(), /^<stdin>:7:12: error: Gateway backend\/app-gateway: spec.servers\[0\].port.number: port number 99999 must be in the range 1..65535/m);
  });

  it('validate names a path that does not exist, without a stack trace', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['validate', '-f', 'missing.yaml'], io), 1);
    assert.equal(io.err(), 'Error: the path "missing.yaml" does not exist\n');
  });

  it('validate without -f is a usage error', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['validate'], io), 2);
    assert.match(io.err(), /must specify one of -f or --filename/);
  });
});
