import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '@skiff/cli';
import { localModeOptions, parsePortMap } from './index.ts';

const listener = (address: string, port: number) => ({ address: { address, port } }) as Parameters<NonNullable<ReturnType<typeof localModeOptions>['bindAddress']>>[0];

describe('skiff proxy local-mode flags', () => {
  it('--local-capture needs --ip and --app-ip and gives the proxy its capture config', () => {
    assert.deepEqual(localModeOptions('sidecar', { ip: '127.1.0.7', 'app-ip': '127.2.0.7', 'local-capture': true }), { localCapture: { podIp: '127.1.0.7', appIp: '127.2.0.7' } });
    assert.throws(() => localModeOptions('sidecar', { ip: '127.1.0.7', 'local-capture': true }), UsageError);
    assert.throws(() => localModeOptions('sidecar', { ip: '127.1.0.7', 'app-ip': '127.1.0.7', 'local-capture': true }), /--app-ip must differ from --ip/);
    assert.throws(() => localModeOptions('router', { ip: '127.1.0.7', 'app-ip': '127.2.0.7', 'local-capture': true }), /--local-capture is for sidecars/);
    assert.throws(() => localModeOptions('sidecar', { 'app-ip': '127.2.0.7' }), /--app-ip only makes sense with --local-capture/);
    assert.deepEqual(localModeOptions('sidecar', {}), { localCapture: undefined });
  });

  it('--port-map binds mapped listener ports at their host address and wildcard ones on --ip', () => {
    const o = localModeOptions('router', { ip: '127.1.0.9', 'port-map': '8080=127.0.0.1:8080, 8443=127.0.0.1:9443' });
    assert.deepEqual(o.bindAddress!(listener('0.0.0.0', 8080)), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(o.bindAddress!(listener('0.0.0.0', 8443)), { host: '127.0.0.1', port: 9443 });
    assert.deepEqual(o.bindAddress!(listener('0.0.0.0', 15021)), { host: '127.1.0.9', port: 15021 });
    assert.deepEqual(o.bindAddress!(listener('10.0.0.1', 80)), { host: '10.0.0.1', port: 80 });
  });

  it('rejects a malformed --port-map entry with the entry in the message', () => {
    assert.deepEqual([...parsePortMap('80=[::1]:8080')], [[80, { host: '::1', port: 8080 }]]);
    for (const bad of ['8080', '8080=127.0.0.1', 'x=127.0.0.1:1', '70000=127.0.0.1:1', '80=127.0.0.1:70000']) {
      assert.throws(() => parsePortMap(bad), (e: Error) => e instanceof UsageError && e.message.includes(`"${bad}"`), bad);
    }
  });
});
