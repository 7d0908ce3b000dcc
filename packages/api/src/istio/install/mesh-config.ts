/**
 * MeshConfig (istio.mesh.v1alpha1.MeshConfig): mesh-wide settings, read from
 * the `istio` ConfigMap or IstioOperator `spec.meshConfig`. Not a Kubernetes
 * kind of its own; IstioOperator embeds it.
 */
import { array, bool, duration, enumOf, int32, map, message, string, struct } from '../../schema/builders.ts';
import type { Infer } from '../../schema/schema.ts';
import { ProxyConfig } from './proxy-config.ts';
import { ClientTLSSettings, LocalityLoadBalancerSetting, TcpKeepalive } from '../networking/destination-rule.ts';
import { HTTPRetry } from '../networking/virtual-service.ts';
import { LabelSelector } from '../../kube/meta.ts';
import { ExtensionProvider } from './extension-provider.ts';

export * from './proxy-config.ts';
export * from './extension-provider.ts';

export const OutboundTrafficPolicyMode = enumOf('istio.mesh.v1alpha1.MeshConfig.OutboundTrafficPolicy.Mode', ['REGISTRY_ONLY', 'ALLOW_ANY']);

const TlsConfig = message('istio.mesh.v1alpha1.MeshConfig.TLSConfig', {
  minProtocolVersion: enumOf('istio.mesh.v1alpha1.MeshConfig.TLSConfig.TLSProtocol', ['TLS_AUTO', 'TLSV1_2', 'TLSV1_3']),
  ecdhCurves: array(string()),
  cipherSuites: array(string()),
});

export const MeshConfigSpec = message('istio.mesh.v1alpha1.MeshConfig', {
  proxyListenPort: int32(),
  proxyInboundListenPort: int32(),
  proxyHttpPort: int32(),
  connectTimeout: duration(),
  protocolDetectionTimeout: duration(),
  tcpKeepalive: TcpKeepalive,
  ingressClass: string(),
  ingressService: string(),
  ingressControllerMode: enumOf('istio.mesh.v1alpha1.MeshConfig.IngressControllerMode', ['UNSPECIFIED', 'OFF', 'DEFAULT', 'STRICT']),
  ingressSelector: string(),
  enableTracing: bool(),
  accessLogFile: string(),
  accessLogFormat: string(),
  accessLogEncoding: enumOf('istio.mesh.v1alpha1.MeshConfig.AccessLogEncoding', ['TEXT', 'JSON']),
  enableEnvoyAccessLogService: bool(),
  disableEnvoyListenerLog: bool(),
  defaultConfig: ProxyConfig,
  outboundTrafficPolicy: message('istio.mesh.v1alpha1.MeshConfig.OutboundTrafficPolicy', { mode: OutboundTrafficPolicyMode }),
  inboundTrafficPolicy: message('istio.mesh.v1alpha1.MeshConfig.InboundTrafficPolicy', {
    mode: enumOf('istio.mesh.v1alpha1.MeshConfig.InboundTrafficPolicy.Mode', ['PASSTHROUGH', 'LOCALHOST']),
  }),
  configSources: array(message('istio.mesh.v1alpha1.ConfigSource', {
    address: string(),
    tlsSettings: ClientTLSSettings,
    subscribedResources: array(enumOf('istio.mesh.v1alpha1.Resource', ['SERVICE_REGISTRY'])),
  })),
  enableAutoMtls: bool(),
  trustDomain: string(),
  trustDomainAliases: array(string()),
  caCertificates: array(message('istio.mesh.v1alpha1.MeshConfig.CertificateData', {
    pem: string(),
    spiffeBundleUrl: string(),
    certSigners: array(string()),
    trustDomains: array(string()),
  }, { oneofs: [['pem', 'spiffeBundleUrl']] })),
  defaultServiceExportTo: array(string()),
  defaultVirtualServiceExportTo: array(string()),
  defaultDestinationRuleExportTo: array(string()),
  rootNamespace: string(),
  localityLbSetting: LocalityLoadBalancerSetting,
  dnsRefreshRate: duration(),
  h2UpgradePolicy: enumOf('istio.mesh.v1alpha1.MeshConfig.H2UpgradePolicy', ['DO_NOT_UPGRADE', 'UPGRADE']),
  inboundClusterStatName: string(),
  outboundClusterStatName: string(),
  certificates: array(message('istio.mesh.v1alpha1.Certificate', { secretName: string(), dnsNames: array(string()) })),
  serviceSettings: array(message('istio.mesh.v1alpha1.MeshConfig.ServiceSettings', {
    settings: message('istio.mesh.v1alpha1.MeshConfig.ServiceSettings.Settings', {
      clusterLocal: bool(),
      trafficDistribution: enumOf('istio.mesh.v1alpha1.MeshConfig.ServiceSettings.Settings.TrafficDistribution', ['UNSPECIFIED_MODE', 'PREFER_CLOSE']),
    }),
    hosts: array(string()),
  })),
  serviceScopeConfigs: array(message('istio.mesh.v1alpha1.MeshConfig.ServiceScopeConfigs', {
    namespaceSelector: LabelSelector,
    servicesSelector: LabelSelector,
    scope: enumOf('istio.mesh.v1alpha1.MeshConfig.ServiceScopeConfigs.Scope', ['LOCAL', 'GLOBAL']),
  })),
  enablePrometheusMerge: bool(),
  verifyCertificateAtClient: bool(),
  ca: message('istio.mesh.v1alpha1.MeshConfig.CA', {
    address: string(), tlsSettings: ClientTLSSettings, requestTimeout: duration(), istiodSide: bool(),
  }),
  extensionProviders: array(ExtensionProvider),
  defaultProviders: message('istio.mesh.v1alpha1.MeshConfig.DefaultProviders', {
    tracing: array(string()),
    metrics: array(string()),
    accessLogging: array(string()),
  }),
  discoverySelectors: array(LabelSelector),
  pathNormalization: message('istio.mesh.v1alpha1.MeshConfig.ProxyPathNormalization', {
    normalization: enumOf('istio.mesh.v1alpha1.MeshConfig.ProxyPathNormalization.NormalizationType',
      ['DEFAULT', 'NONE', 'BASE', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES']),
  }),
  defaultHttpRetryPolicy: HTTPRetry,
  meshMTLS: TlsConfig,
  tlsDefaults: TlsConfig,
  /** `fips-140-2` or empty: restricts TLS versions and cipher suites everywhere. */
  compliancePolicy: string(),
  /** Removed Mixer-era settings still found in old configs; accepted and ignored, as Istio does. */
  thriftConfig: struct(),
  sdsUdsPath: string(),
}, {
  // Istio reads mesh config with protojson, not as a CRD: proto names and quoted numbers are fine.
  protoJson: true,
  deprecated: {
    certificates: 'no longer used',
    thriftConfig: 'Thrift support was removed',
    sdsUdsPath: 'SDS is always on',
  },
});
export type MeshConfigSpec = Infer<typeof MeshConfigSpec>;
/** MeshConfig is not a resource: the type is the message itself. */
export type MeshConfig = MeshConfigSpec;
/** The schema under its API name, for callers that validate a mesh config file. */
export const MeshConfig = MeshConfigSpec;
