import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { kube } from '@skiff/api';
import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { gatewayCredentialAnalyzer, isValidTlsSecret } from './credential.ts';

const file = new URL('testdata/credential.yaml', import.meta.url);

runAnalyzerGrid('gateway.CredentialAnalyzer', [gatewayCredentialAnalyzer], [
  {
    title: 'reports credentialName secrets without a key or with an unparseable certificate, and nothing for valid, generic or missing ones',
    file,
    expected: [
      ['IST0161', 'Gateway default/https'],
      ['IST0161', 'Gateway default/https'],
    ],
    lines: [16, 16],
  },
  {
    title: "reports nothing for a valid kubernetes.io/tls secret or Istio's generic cert/key form",
    file: new URL('testdata/credential-valid.yaml', import.meta.url),
    expected: [],
  },
]);

it('treats a certificate outside its validity window as invalid', () => {
  const crt = /tls\.crt: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
  const key = /tls\.key: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'tls.crt': crt, 'tls.key': key } } as kube.Secret;
  assert.equal(isValidTlsSecret(secret, new Date('2100-01-01T00:00:00Z')), true);
  assert.equal(isValidTlsSecret(secret, new Date('2200-01-01T00:00:00Z')), false);
  assert.equal(isValidTlsSecret(secret, new Date('2000-01-01T00:00:00Z')), false);
});
