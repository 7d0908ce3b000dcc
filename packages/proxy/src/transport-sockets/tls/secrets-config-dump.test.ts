import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '@skiff/api';
import { buildSecretsConfigDump } from './secrets-config-dump.ts';
import { SecretManager, StaticSecretProvider } from './secret-manager.ts';
import type { SecretConfig } from './config.ts';

const time = (ms: number) => new Date(ms).toISOString();
const inline = (s: string) => ({ kind: 'inline' as const, value: Buffer.from(s) });
const REDACTED = Buffer.from('[redacted]').toString('base64');

describe('/config_dump SecretsConfigDump', () => {
  it('lists static, agent-served and SDS secrets with private keys redacted, and agent names without a value as warming', () => {
    const agent = new StaticSecretProvider(['default', 'ROOTCA']);
    agent.set({ name: 'default', tlsCertificate: { certificateChain: inline('CHAIN'), privateKey: inline('KEY') }, validationContext: undefined });
    const manager = new SecretManager({ providers: [agent], staticSecrets: [{ name: 'file-cert', tlsCertificate: { certificateChain: { kind: 'filename', path: '/c.pem' }, privateKey: { kind: 'filename', path: '/k.pem' } }, validationContext: undefined }] });
    const sdsSecret: SecretConfig = { name: 'kubernetes://cred', tlsCertificate: { certificateChain: inline('C2'), privateKey: inline('K2') }, validationContext: undefined };
    const wire = { name: 'kubernetes://cred', tls_certificate: { certificate_chain: { inline_bytes: 'QzI=' }, private_key: { inline_bytes: 'SzI=' } } };
    const dump = buildSecretsConfigDump(new Map([['kubernetes://cred', { name: 'kubernetes://cred', config: sdsSecret, wire, version: '7', lastUpdatedMs: 0 }]]), manager, time, 0) as Record<string, any>;
    assert.equal(dump['@type'], 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump');
    assert.deepEqual(dump.static_secrets.map((s: any) => [s.name, s.secret.tls_certificate.private_key.inline_bytes]), [['file-cert', REDACTED]]);
    assert.deepEqual(dump.dynamic_active_secrets.map((s: any) => [s.name, s.secret['@type'], s.secret.tls_certificate.certificate_chain.inline_bytes, s.secret.tls_certificate.private_key.inline_bytes]), [
      ['default', TypeUrl.Secret, Buffer.from('CHAIN').toString('base64'), REDACTED],
      ['kubernetes://cred', TypeUrl.Secret, 'QzI=', REDACTED],
    ]);
    assert.deepEqual(dump.dynamic_warming_secrets.map((s: any) => s.name), ['ROOTCA']);
    assert.ok(!JSON.stringify(dump).includes(Buffer.from('KEY').toString('base64')), 'no private key leaks');
  });
});
