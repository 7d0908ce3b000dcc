import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootstrapText } from '../../bootstrap/index.ts';
import { SecretManager, StaticSecretProvider } from './secret-manager.ts';

const BOOTSTRAP = (secrets: string) => `
node: {id: sidecar~10.1.1.1~reviews-v1-abc.default~default.svc.cluster.local}
dynamic_resources: {ads_config: {api_type: GRPC, grpc_services: [{envoy_grpc: {cluster_name: xds-grpc}}]}}
static_resources:
  clusters:
  - name: xds-grpc
    load_assignment: {cluster_name: xds-grpc, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: istiod, port_value: 15012}}}}]}]}
  secrets:
${secrets}
`;

describe('static secrets and local providers', () => {
  it('reads static_resources.secrets from the bootstrap, with field paths for bad ones', () => {
    const good = parseBootstrapText(BOOTSTRAP(`  - name: gateway-cert
    tls_certificate: {certificate_chain: {filename: /etc/certs/cert.pem}, private_key: {filename: /etc/certs/key.pem}}
  - name: gateway-ca
    validation_context: {trusted_ca: {inline_string: "-----BEGIN CERTIFICATE-----"}}`), 'b.yaml');
    assert.ok(good.ok, JSON.stringify(good));
    assert.deepEqual(good.value.staticSecrets?.map((s) => [s.name, s.tlsCertificate?.certificateChain, s.validationContext?.trustedCa?.kind]), [
      ['gateway-cert', { kind: 'filename', path: '/etc/certs/cert.pem' }, undefined],
      ['gateway-ca', undefined, 'inline'],
    ]);
    const bad = parseBootstrapText(BOOTSTRAP('  - name: broken\n    tls_certificate: {certificate_chain: {filename: /c.pem}}'), 'b.yaml');
    assert.deepEqual(!bad.ok && bad.errors, ['b.yaml: static_resources.secrets[0].tls_certificate.private_key: value is required']);
  });

  it('answers static names and provider names locally; the agent names are local even before a provider serves them', () => {
    const agent = new StaticSecretProvider(['default', 'ROOTCA']);
    const m = new SecretManager({ staticSecrets: [{ name: 'gateway-cert', tlsCertificate: undefined, validationContext: undefined }], providers: [agent] });
    assert.equal(m.isLocal({ name: 'gateway-cert', source: 'static' }), true);
    assert.equal(m.isLocal({ name: 'default', source: 'ads' }), true);
    assert.equal(m.isLocal({ name: 'kubernetes://cert', source: 'ads' }), false);
    assert.equal(m.hasLocal({ name: 'default', source: 'ads' }), false, 'warming waits for the provider');
    assert.equal(new SecretManager().hasLocal({ name: 'default', source: 'ads' }), true, 'nothing could ever provide it: no waiting');
    const before = m.generation;
    agent.set({ name: 'default', tlsCertificate: undefined, validationContext: undefined });
    assert.equal(m.generation, before + 1, 'a rotation bumps the generation (contexts rebuild for new connections)');
    assert.equal(m.hasLocal({ name: 'default', source: 'ads' }), true);
  });
});
