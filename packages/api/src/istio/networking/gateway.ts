/** networking.istio.io Gateway (istio.networking.v1alpha3.Gateway): a load balancer at the mesh's edge. */
import { array, bool, enumOf, map, message, string, uint32 } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { specEnvelope, type SpecResource } from '../../meta/object-meta.ts';
import type { KindDefinition } from '../../kind.ts';

export const Port = message('istio.networking.v1alpha3.Port', {
  number: uint32(),
  /** HTTP|HTTPS|GRPC|GRPC-WEB|HTTP2|MONGO|TCP|TLS; validated by Istio's protocol rules, not as an enum. */
  protocol: string(),
  name: string(),
  targetPort: uint32(),
}, { deprecated: { targetPort: 'targetPort is deprecated; the gateway listens on the port number given' } });
export type Port = Infer<typeof Port>;

export const TLSProtocol = enumOf('istio.networking.v1alpha3.ServerTLSSettings.TLSProtocol',
  ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']);

export const ServerTLSMode = enumOf('istio.networking.v1alpha3.ServerTLSSettings.TLSmode',
  ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']);

export const ServerTLSSettingsTLSCertificate = message('istio.networking.v1alpha3.ServerTLSSettings.TLSCertificate', {
  serverCertificate: string(),
  privateKey: string(),
  caCertificates: string(),
});

export const ServerTLSSettings = message('istio.networking.v1alpha3.ServerTLSSettings', {
  httpsRedirect: bool(),
  mode: ServerTLSMode,
  serverCertificate: string(),
  privateKey: string(),
  caCertificates: string(),
  caCrl: string(),
  credentialName: string(),
  credentialNames: array(string()),
  tlsCertificates: array(ServerTLSSettingsTLSCertificate),
  subjectAltNames: array(string()),
  verifyCertificateSpki: array(string()),
  verifyCertificateHash: array(string()),
  minProtocolVersion: TLSProtocol,
  maxProtocolVersion: TLSProtocol,
  cipherSuites: array(string()),
});
export type ServerTLSSettings = Infer<typeof ServerTLSSettings>;

export const Server = message('istio.networking.v1alpha3.Server', {
  port: Port,
  bind: string(),
  hosts: array(string()),
  tls: ServerTLSSettings,
  defaultEndpoint: string(),
  name: string(),
});
export type Server = Infer<typeof Server>;

export const GatewaySpec = message('istio.networking.v1alpha3.Gateway', {
  servers: array(Server),
  selector: map(string()),
});
export type GatewaySpec = Infer<typeof GatewaySpec>;
export type Gateway = SpecResource<GatewaySpec>;

export const GatewayKind: KindDefinition = {
  group: 'networking.istio.io',
  kind: 'Gateway',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  plural: 'gateways',
  shortNames: ['gw'],
  namespaced: true,
  schema: specEnvelope('networking.istio.io.Gateway', GatewaySpec),
};
