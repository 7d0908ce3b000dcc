import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { builtinCommand, imageRepository, resolveImage, unknownImageMessage } from './resolve-image.ts';

describe('resolveImage', () => {
  it('recognises the images of the seed labs and Istio samples with any registry, tag or digest', () => {
    const cases: [string, string][] = [
      ['hashicorp/http-echo:latest', 'http-echo/main.ts'],
      ['docker.io/hashicorp/http-echo', 'http-echo/main.ts'],
      ['docker.io/kennethreitz/httpbin', 'httpbin/kennethreitz.ts'],
      ['docker.io/mccutchen/go-httpbin:v2.15.0', 'httpbin/go-httpbin.ts'],
      ['fortio/fortio:latest_release', 'fortio/main.ts'],
      ['curlimages/curl:8.11.1', 'curl/main.ts'],
      ['quay.io/curlimages/curl@sha256:0123abcd', 'curl/main.ts'],
      ['docker.io/istio/examples-bookinfo-productpage-v1:1.20.3', 'bookinfo/productpage/main.ts'],
      ['docker.io/istio/examples-bookinfo-details-v1:1.20.3', 'bookinfo/details/main.ts'],
      ['docker.io/istio/examples-bookinfo-ratings-v1:1.20.3', 'bookinfo/ratings/main.ts'],
      ['docker.io/istio/examples-bookinfo-reviews-v2:1.20.3', 'bookinfo/reviews/reviews-v2.ts'],
      ['istio/examples-bookinfo-reviews-v3', 'bookinfo/reviews/reviews-v3.ts'],
      ['localhost:5000/hashicorp/http-echo:0.2.3', 'http-echo/main.ts'],
    ];
    for (const [image, file] of cases) {
      const found = resolveImage(image);
      assert.ok(found, image);
      assert.ok(isAbsolute(found.entry) && found.entry.endsWith(file), `${image} → ${found.entry}`);
      assert.ok(existsSync(found.entry), found.entry);
    }
  });

  it('returns undefined for an image it does not build in, and the message says how to run your own process', () => {
    assert.equal(resolveImage('nginx:1.25'), undefined);
    assert.equal(resolveImage('docker.io/istio/examples-bookinfo-reviews-v9'), undefined);
    const message = unknownImageMessage('nginx:1.25');
    assert.match(message, /image "nginx:1\.25" is not built into Skiff/);
    assert.match(message, /set the container's command to a program that exists on this machine/);
  });

  it('strips the registry, library/ prefix, tag and digest', () => {
    assert.equal(imageRepository('docker.io/library/nginx:1.25@sha256:ab'), 'nginx');
    assert.equal(imageRepository('gcr.io/proj/team/app:v1'), 'proj/team/app');
    assert.equal(imageRepository('fortio/fortio'), 'fortio/fortio');
  });
});

describe('builtinCommand', () => {
  it("runs the image's CMD when the container gives no args", () => {
    const cmd = builtinCommand('fortio/fortio', {});
    assert.equal(cmd?.command, process.execPath);
    assert.deepEqual(cmd?.args.slice(1), ['server']);
  });

  it('passes args in place of the CMD, as Kubernetes does', () => {
    const cmd = builtinCommand('hashicorp/http-echo:latest', { args: ['-text=User Service Response', '-listen=:8080'] });
    assert.deepEqual(cmd?.args.slice(1), ['-text=User Service Response', '-listen=:8080']);
  });

  it("accepts a command naming the image's own program and drops curl's leading `curl`", () => {
    assert.deepEqual(builtinCommand('fortio/fortio', { command: ['/usr/bin/fortio', 'load'], args: ['-n', '5', 'http://x'] })?.args.slice(1), ['load', '-n', '5', 'http://x']);
    assert.deepEqual(builtinCommand('curlimages/curl:latest', { command: ['curl', '-s'], args: ['http://x'] })?.args.slice(1), ['-s', 'http://x']);
    assert.deepEqual(builtinCommand('curlimages/curl:latest', { args: ['curl', '-sS', 'http://x'] })?.args.slice(1), ['-sS', 'http://x']);
  });

  it("runs the built-in curl inside Bookinfo's images, as Istio's docs exec it in the ratings pod", () => {
    const cmd = builtinCommand('docker.io/istio/examples-bookinfo-ratings-v1:1.20.3', { command: ['curl', '-sS', 'productpage:9080/productpage'] });
    assert.ok(cmd?.args[0].endsWith('curl/main.ts'));
    assert.deepEqual(cmd?.args.slice(1), ['-sS', 'productpage:9080/productpage']);
  });

  it('does not stand in for a command the image does not provide', () => {
    assert.equal(builtinCommand('curlimages/curl', { command: ['/bin/sleep', 'infinity'] }), undefined);
    assert.equal(builtinCommand('nginx', {}), undefined);
  });
});
