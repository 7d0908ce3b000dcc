import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGrpcMessage, grpcLocalReplyHeaders, httpToGrpcStatus, isGrpcContentType } from './local-reply.ts';

describe('gRPC local replies', () => {
  it('recognises application/grpc and its +proto / ;params forms, not grpc-web', () => {
    assert.equal(isGrpcContentType('application/grpc'), true);
    assert.equal(isGrpcContentType('application/grpc+proto'), true);
    assert.equal(isGrpcContentType('application/grpc;charset=utf-8'), true);
    assert.equal(isGrpcContentType('application/grpc-web'), false);
    assert.equal(isGrpcContentType('application/json'), false);
    assert.equal(isGrpcContentType(undefined), false);
  });

  it("maps HTTP statuses to gRPC codes as Envoy's httpToGrpcStatus does", () => {
    assert.deepEqual([400, 401, 403, 404, 429, 502, 503, 504, 500, 418].map(httpToGrpcStatus), [13, 16, 7, 12, 14, 14, 14, 14, 2, 2]);
  });

  it('percent-encodes grpc-message outside printable ASCII and the percent sign', () => {
    assert.equal(encodeGrpcMessage('no healthy upstream'), 'no healthy upstream');
    assert.equal(encodeGrpcMessage('50% é\n'), '50%25 %C3%A9%0A');
  });

  it('builds trailers-only headers: content-type, grpc-status, grpc-message without the trailing newline', () => {
    assert.deepEqual(grpcLocalReplyHeaders(503, 'no healthy upstream\n'), [['content-type', 'application/grpc'], ['grpc-status', '14'], ['grpc-message', 'no healthy upstream']]);
    assert.deepEqual(grpcLocalReplyHeaders(404, ''), [['content-type', 'application/grpc'], ['grpc-status', '12']]);
  });
});
