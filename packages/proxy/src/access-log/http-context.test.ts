import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeStream, requestHeaders } from '../filters/http/test/fake-stream.ts';
import { compileTextFormat, ISTIO_TEXT_FORMAT } from './format.ts';
import { httpAccessLogContext } from './http-context.ts';

describe('an HTTP stream as the access log reads it', () => {
  it("prints an upstream TLS failure's reason, details, flags and the downstream addresses in Istio's TEXT format", () => {
    const stream = new FakeStream();
    (stream as { downstream: unknown }).downstream = { remoteAddress: '::ffff:127.1.0.3', remotePort: 40312, localAddress: '127.1.0.7', localPort: 9080, requestedServerName: 'outbound_.9080_._.reviews.default.svc.cluster.local' };
    const info = stream.info;
    info.responseCode = 503;
    info.setResponseFlag('UF');
    info.responseCodeDetails = 'upstream_reset_before_response_started{connection_failure,TLS_error:_certificate_verify_failed}';
    info.upstreamTransportFailureReason = 'TLS_error: certificate verify failed';
    info.upstreamClusterName = 'outbound|9080||reviews.default.svc.cluster.local';
    info.bytesSent = 91;
    const f = compileTextFormat(ISTIO_TEXT_FORMAT);
    assert.ok(f.ok);
    const line = f.value(httpAccessLogContext({ info, request: requestHeaders([['x-request-id', 'r1']]), downstream: stream.downstream }, info.startMs + 3));
    assert.equal(line, '[1970-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure,TLS_error:_certificate_verify_failed} - "TLS_error: certificate verify failed" 0 91 3 - "-" "-" "r1" "example.com" "-" outbound|9080||reviews.default.svc.cluster.local - 127.1.0.7:9080 127.1.0.3:40312 outbound_.9080_._.reviews.default.svc.cluster.local -\n');
  });
});
