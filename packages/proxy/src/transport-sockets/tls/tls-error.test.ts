import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { compileSanMatchers, subjectAltNames } from './san-matcher.ts';
import { tlsFailureReason, VERIFY_FAILED } from './tls-error.ts';

describe("TLS failure reasons in Envoy's words", () => {
  it('maps verification failures to CERTIFICATE_VERIFY_FAILED', () => {
    assert.equal(VERIFY_FAILED, 'TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end');
    assert.equal(tlsFailureReason(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })), VERIFY_FAILED);
    assert.equal(tlsFailureReason(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })), VERIFY_FAILED);
  });
  it('maps an alert from the peer to 1000 + its number, and a plaintext answer to WRONG_VERSION_NUMBER', () => {
    const alert = Object.assign(new Error('C0:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:916:SSL alert number 48'), { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
    assert.equal(tlsFailureReason(alert), 'TLS_error:|268436504:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA:TLS_error_end');
    assert.equal(tlsFailureReason(Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })), 'TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end');
  });
});

describe('SAN matchers (match_typed_subject_alt_names)', () => {
  const cert = { subjectaltname: 'DNS:reviews.default.svc, URI:spiffe://cluster.local/ns/default/sa/reviews, IP Address:10.1.0.1' } as PeerCertificate;
  it('reads typed SANs from the peer certificate', () => {
    assert.deepEqual(subjectAltNames(cert), [
      { type: 'DNS', value: 'reviews.default.svc' }, { type: 'URI', value: 'spiffe://cluster.local/ns/default/sa/reviews' }, { type: 'IP_ADDRESS', value: '10.1.0.1' },
    ]);
  });
  it('passes when any SAN of a matcher\'s type matches it, and only of that type', () => {
    const uri = (exact: string) => ({ sanType: 'URI' as const, matcher: { kind: 'exact' as const, value: exact, ignoreCase: false } });
    assert.equal(compileSanMatchers([uri('spiffe://cluster.local/ns/default/sa/ratings'), uri('spiffe://cluster.local/ns/default/sa/reviews')])(cert), true);
    assert.equal(compileSanMatchers([uri('spiffe://cluster.local/ns/default/sa/ratings')])(cert), false);
    assert.equal(compileSanMatchers([{ sanType: 'DNS', matcher: { kind: 'exact', value: 'spiffe://cluster.local/ns/default/sa/reviews', ignoreCase: false } }])(cert), false);
    assert.equal(compileSanMatchers([])(undefined), true, 'no matchers: no SAN check');
  });
});
