import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@skiff/common';
import { HeaderMap } from '../../http/codec/header-map.ts';
import type { RequestBodySink } from '../../http/codec/server-connection.ts';
import type { DownstreamStream } from '../../http/downstream-stream.ts';
import type { RequestHead } from '../../http/codec/types.ts';
import { DECODER_BUFFER_LIMIT, FilterManager } from './filter-manager.ts';
import type { HttpFilter, StreamContext } from './filter.ts';

/** A downstream stream that records flow control. */
class FakeDownstream implements DownstreamStream {
  readonly head: RequestHead;
  onReset = null;
  closeAfterResponse = false;
  requestComplete = false;
  sink: RequestBodySink | null = null;
  readonly flow: string[] = [];

  constructor() {
    this.head = {
      method: 'POST', path: '/', versionMinor: 1, headers: HeaderMap.from([['host', 'h'], ['content-length', '5000000']]),
      framing: 'content-length', contentLength: 5_000_000, keepAlive: true, upgrade: false, expectContinue: false,
    };
  }

  setBodySink(sink: RequestBodySink): void {
    this.sink = sink;
  }
  pauseBody(): void {
    this.flow.push('pause');
  }
  resumeBody(): void {
    this.flow.push('resume');
  }
  writeHead(): void {}
  write(): boolean {
    return true;
  }
  onceDrain(): void {}
  end(): void {}
  reset(): void {}
}

describe('FilterManager buffering behind a stopped filter', () => {
  it('pauses the downstream once more than 1 MiB waits behind a stopped filter, and resumes when the filter continues', () => {
    const stream = new FakeDownstream();
    const fm = new FilterManager({ clock: new FakeClock(0), routeTable: null, serverName: undefined, onStreamComplete: () => {} }, stream, { remoteAddress: '127.0.0.9', localAddress: '127.0.0.1', localPort: 80 });
    let ctx: StreamContext | null = null;
    let received = 0;
    const holder = (s: StreamContext): HttpFilter => {
      ctx = s;
      return { decodeHeaders: () => 'StopIteration' };
    };
    const sink = (): HttpFilter => ({
      decodeHeaders: () => 'StopIteration',
      decodeData: (chunk) => {
        received += chunk.length;
        stream.flow.push(`data ${chunk.length}`);
        return 'StopIterationNoBuffer';
      },
    });
    fm.start([holder, sink], ['holder', 'terminal']);
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < 4; i++) fm.onData(chunk);
    assert.deepEqual(stream.flow, [], 'exactly 1 MiB is still within the limit');
    fm.onData(chunk);
    assert.deepEqual(stream.flow, ['pause']);
    fm.onData(chunk); // bytes already in flight still queue, without pausing twice
    assert.deepEqual(stream.flow, ['pause']);
    assert.equal(received, 0);
    ctx!.continueDecoding();
    assert.equal(stream.flow[1], 'resume', 'resumed before the chunks move on');
    assert.equal(received, 6 * 256 * 1024);
    assert.equal(stream.flow.length, 2 + 6);
    assert.ok(DECODER_BUFFER_LIMIT === 1024 * 1024);
  });
});
