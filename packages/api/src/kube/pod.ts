/**
 * core/v1 Pod and the PodSpec that Deployments embed: containers, probes,
 * volumes and scheduling. Typed field by field because the API server rejects
 * unknown fields; rarely used deep structures (affinity, topology spread,
 * legacy volume plugins) are kept as Struct.
 */
import { array, bool, enumOf, int32, int64, intOrString, map, message, quantity, string, struct } from '../schema/builders.ts';
import type { Infer } from '../schema/schema.ts';
import { specEnvelope, ObjectMeta, type SpecResource } from '../meta/object-meta.ts';
import type { KindDefinition } from '../kind.ts';
import { LocalObjectReference, Protocol } from './meta.ts';

const C = 'io.k8s.api.core.v1';

export const ContainerPort = message(`${C}.ContainerPort`, {
  name: string(), hostPort: int32(), containerPort: int32(), protocol: Protocol, hostIP: string(),
});
export type ContainerPort = Infer<typeof ContainerPort>;

const KeySelector = (name: string) => message(name, { name: string(), key: string(), optional: bool() });
export const ObjectFieldSelector = message(`${C}.ObjectFieldSelector`, { apiVersion: string(), fieldPath: string() });
export const ResourceFieldSelector = message(`${C}.ResourceFieldSelector`, { containerName: string(), resource: string(), divisor: quantity() });

export const EnvVarSource = message(`${C}.EnvVarSource`, {
  fieldRef: ObjectFieldSelector,
  resourceFieldRef: ResourceFieldSelector,
  configMapKeyRef: KeySelector(`${C}.ConfigMapKeySelector`),
  secretKeyRef: KeySelector(`${C}.SecretKeySelector`),
  fileKeyRef: message(`${C}.FileKeySelector`, { volumeName: string(), path: string(), key: string(), optional: bool() }),
});

export const EnvVar = message(`${C}.EnvVar`, { name: string(), value: string(), valueFrom: EnvVarSource });
export type EnvVar = Infer<typeof EnvVar>;

const OptionalRef = (name: string) => message(name, { name: string(), optional: bool() });
export const EnvFromSource = message(`${C}.EnvFromSource`, {
  prefix: string(),
  configMapRef: OptionalRef(`${C}.ConfigMapEnvSource`),
  secretRef: OptionalRef(`${C}.SecretEnvSource`),
});

export const ResourceRequirements = message(`${C}.ResourceRequirements`, {
  limits: map(quantity()),
  requests: map(quantity()),
  claims: array(message(`${C}.ResourceClaim`, { name: string(), request: string() })),
});

export const HTTPHeader = message(`${C}.HTTPHeader`, { name: string(), value: string() });
export const HTTPGetAction = message(`${C}.HTTPGetAction`, {
  path: string(), port: intOrString(), host: string(),
  scheme: enumOf(`${C}.URIScheme`, ['HTTP', 'HTTPS']),
  httpHeaders: array(HTTPHeader),
});
export type HTTPGetAction = Infer<typeof HTTPGetAction>;
export const TCPSocketAction = message(`${C}.TCPSocketAction`, { port: intOrString(), host: string() });
export const ExecAction = message(`${C}.ExecAction`, { command: array(string()) });
export const GRPCAction = message(`${C}.GRPCAction`, { port: int32(), service: string() });

export const Probe = message(`${C}.Probe`, {
  exec: ExecAction,
  httpGet: HTTPGetAction,
  tcpSocket: TCPSocketAction,
  grpc: GRPCAction,
  initialDelaySeconds: int32(),
  timeoutSeconds: int32(),
  periodSeconds: int32(),
  successThreshold: int32(),
  failureThreshold: int32(),
  terminationGracePeriodSeconds: int64(),
}, { oneofs: [['exec', 'httpGet', 'tcpSocket', 'grpc']] });
export type Probe = Infer<typeof Probe>;

export const LifecycleHandler = message(`${C}.LifecycleHandler`, {
  exec: ExecAction, httpGet: HTTPGetAction, tcpSocket: TCPSocketAction,
  sleep: message(`${C}.SleepAction`, { seconds: int64() }),
}, { oneofs: [['exec', 'httpGet', 'tcpSocket', 'sleep']] });

export const Lifecycle = message(`${C}.Lifecycle`, { postStart: LifecycleHandler, preStop: LifecycleHandler, stopSignal: string() });

export const VolumeMount = message(`${C}.VolumeMount`, {
  name: string(), readOnly: bool(), recursiveReadOnly: string(), mountPath: string(), subPath: string(),
  mountPropagation: enumOf(`${C}.MountPropagationMode`, ['None', 'HostToContainer', 'Bidirectional']),
  subPathExpr: string(),
});
export type VolumeMount = Infer<typeof VolumeMount>;

const SELinuxOptions = message(`${C}.SELinuxOptions`, { user: string(), role: string(), type: string(), level: string() });
const WindowsSecurityContextOptions = message(`${C}.WindowsSecurityContextOptions`, {
  gmsaCredentialSpecName: string(), gmsaCredentialSpec: string(), runAsUserName: string(), hostProcess: bool(),
});
const SeccompProfile = message(`${C}.SeccompProfile`, {
  type: enumOf(`${C}.SeccompProfileType`, ['Unconfined', 'RuntimeDefault', 'Localhost']), localhostProfile: string(),
});
const AppArmorProfile = message(`${C}.AppArmorProfile`, {
  type: enumOf(`${C}.AppArmorProfileType`, ['Unconfined', 'RuntimeDefault', 'Localhost']), localhostProfile: string(),
});

export const SecurityContext = message(`${C}.SecurityContext`, {
  capabilities: message(`${C}.Capabilities`, { add: array(string()), drop: array(string()) }),
  privileged: bool(),
  seLinuxOptions: SELinuxOptions,
  windowsOptions: WindowsSecurityContextOptions,
  runAsUser: int64(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  readOnlyRootFilesystem: bool(),
  allowPrivilegeEscalation: bool(),
  procMount: string(),
  seccompProfile: SeccompProfile,
  appArmorProfile: AppArmorProfile,
});

export const PodSecurityContext = message(`${C}.PodSecurityContext`, {
  seLinuxOptions: SELinuxOptions,
  windowsOptions: WindowsSecurityContextOptions,
  runAsUser: int64(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  supplementalGroups: array(int64()),
  supplementalGroupsPolicy: string(),
  fsGroup: int64(),
  sysctls: array(message(`${C}.Sysctl`, { name: string(), value: string() })),
  fsGroupChangePolicy: string(),
  seccompProfile: SeccompProfile,
  appArmorProfile: AppArmorProfile,
  seLinuxChangePolicy: string(),
});

export const PullPolicy = enumOf(`${C}.PullPolicy`, ['Always', 'Never', 'IfNotPresent']);

export const Container = message(`${C}.Container`, {
  name: string(),
  image: string(),
  command: array(string()),
  args: array(string()),
  workingDir: string(),
  ports: array(ContainerPort),
  envFrom: array(EnvFromSource),
  env: array(EnvVar),
  resources: ResourceRequirements,
  resizePolicy: array(message(`${C}.ContainerResizePolicy`, { resourceName: string(), restartPolicy: string() })),
  /** Only `Always`, on init containers: a native sidecar. */
  restartPolicy: string(),
  restartPolicyRules: array(struct()),
  volumeMounts: array(VolumeMount),
  volumeDevices: array(message(`${C}.VolumeDevice`, { name: string(), devicePath: string() })),
  livenessProbe: Probe,
  readinessProbe: Probe,
  startupProbe: Probe,
  lifecycle: Lifecycle,
  terminationMessagePath: string(),
  terminationMessagePolicy: enumOf(`${C}.TerminationMessagePolicy`, ['File', 'FallbackToLogsOnError']),
  imagePullPolicy: PullPolicy,
  securityContext: SecurityContext,
  stdin: bool(),
  stdinOnce: bool(),
  tty: bool(),
});
export type Container = Infer<typeof Container>;

const KeyToPath = message(`${C}.KeyToPath`, { key: string(), path: string(), mode: int32() });
const DownwardAPIVolumeFile = message(`${C}.DownwardAPIVolumeFile`, {
  path: string(), fieldRef: ObjectFieldSelector, resourceFieldRef: ResourceFieldSelector, mode: int32(),
});
const ConfigMapProjection = message(`${C}.ConfigMapProjection`, { name: string(), items: array(KeyToPath), optional: bool() });
const SecretProjection = message(`${C}.SecretProjection`, { name: string(), items: array(KeyToPath), optional: bool() });

export const Volume = message(`${C}.Volume`, {
  name: string(),
  emptyDir: message(`${C}.EmptyDirVolumeSource`, { medium: string(), sizeLimit: quantity() }),
  configMap: message(`${C}.ConfigMapVolumeSource`, { name: string(), items: array(KeyToPath), defaultMode: int32(), optional: bool() }),
  secret: message(`${C}.SecretVolumeSource`, { secretName: string(), items: array(KeyToPath), defaultMode: int32(), optional: bool() }),
  hostPath: message(`${C}.HostPathVolumeSource`, { path: string(), type: string() }),
  persistentVolumeClaim: message(`${C}.PersistentVolumeClaimVolumeSource`, { claimName: string(), readOnly: bool() }),
  projected: message(`${C}.ProjectedVolumeSource`, {
    sources: array(message(`${C}.VolumeProjection`, {
      serviceAccountToken: message(`${C}.ServiceAccountTokenProjection`, { audience: string(), expirationSeconds: int64(), path: string() }),
      configMap: ConfigMapProjection,
      secret: SecretProjection,
      downwardAPI: message(`${C}.DownwardAPIProjection`, { items: array(DownwardAPIVolumeFile) }),
      clusterTrustBundle: struct(),
      podCertificate: struct(),
    })),
    defaultMode: int32(),
  }),
  downwardAPI: message(`${C}.DownwardAPIVolumeSource`, { items: array(DownwardAPIVolumeFile), defaultMode: int32() }),
  csi: message(`${C}.CSIVolumeSource`, {
    driver: string(), readOnly: bool(), fsType: string(), volumeAttributes: map(string()), nodePublishSecretRef: LocalObjectReference,
  }),
  nfs: message(`${C}.NFSVolumeSource`, { server: string(), path: string(), readOnly: bool() }),
  ephemeral: message(`${C}.EphemeralVolumeSource`, { volumeClaimTemplate: struct() }),
  image: message(`${C}.ImageVolumeSource`, { reference: string(), pullPolicy: PullPolicy }),
  // Legacy and cloud volume plugins: accepted, not inspected.
  awsElasticBlockStore: struct(), azureDisk: struct(), azureFile: struct(), cephfs: struct(), cinder: struct(),
  fc: struct(), flexVolume: struct(), flocker: struct(), gcePersistentDisk: struct(), gitRepo: struct(),
  glusterfs: struct(), iscsi: struct(), photonPersistentDisk: struct(), portworxVolume: struct(), quobyte: struct(),
  rbd: struct(), scaleIO: struct(), storageos: struct(), vsphereVolume: struct(),
});
export type Volume = Infer<typeof Volume>;

export const Toleration = message(`${C}.Toleration`, {
  key: string(),
  operator: enumOf(`${C}.TolerationOperator`, ['Exists', 'Equal']),
  value: string(),
  effect: enumOf(`${C}.TaintEffect`, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  tolerationSeconds: int64(),
});

export const PodSpec = message(`${C}.PodSpec`, {
  volumes: array(Volume),
  initContainers: array(Container),
  containers: array(Container),
  /** Added by `kubectl debug`, never written in manifests. */
  ephemeralContainers: array(struct()),
  restartPolicy: enumOf(`${C}.RestartPolicy`, ['Always', 'OnFailure', 'Never']),
  terminationGracePeriodSeconds: int64(),
  activeDeadlineSeconds: int64(),
  dnsPolicy: enumOf(`${C}.DNSPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']),
  nodeSelector: map(string()),
  serviceAccountName: string(),
  serviceAccount: string(),
  automountServiceAccountToken: bool(),
  nodeName: string(),
  hostNetwork: bool(),
  hostPID: bool(),
  hostIPC: bool(),
  shareProcessNamespace: bool(),
  securityContext: PodSecurityContext,
  imagePullSecrets: array(LocalObjectReference),
  hostname: string(),
  hostnameOverride: string(),
  subdomain: string(),
  affinity: struct(),
  schedulerName: string(),
  tolerations: array(Toleration),
  hostAliases: array(message(`${C}.HostAlias`, { ip: string(), hostnames: array(string()) })),
  priorityClassName: string(),
  priority: int32(),
  dnsConfig: message(`${C}.PodDNSConfig`, {
    nameservers: array(string()),
    searches: array(string()),
    options: array(message(`${C}.PodDNSConfigOption`, { name: string(), value: string() })),
  }),
  readinessGates: array(message(`${C}.PodReadinessGate`, { conditionType: string() })),
  runtimeClassName: string(),
  enableServiceLinks: bool(),
  preemptionPolicy: enumOf(`${C}.PreemptionPolicy`, ['PreemptLowerPriority', 'Never']),
  overhead: map(quantity()),
  topologySpreadConstraints: array(struct()),
  setHostnameAsFQDN: bool(),
  os: message(`${C}.PodOS`, { name: string() }),
  hostUsers: bool(),
  schedulingGates: array(message(`${C}.PodSchedulingGate`, { name: string() })),
  resourceClaims: array(struct()),
  resources: ResourceRequirements,
}, { deprecated: { serviceAccount: 'use serviceAccountName' } });
export type PodSpec = Infer<typeof PodSpec>;
export type Pod = SpecResource<PodSpec>;

export const PodTemplateSpec = message(`${C}.PodTemplateSpec`, { metadata: ObjectMeta, spec: PodSpec });
export type PodTemplateSpec = Infer<typeof PodTemplateSpec>;

export const PodKind: KindDefinition = {
  group: '',
  kind: 'Pod',
  versions: ['v1'],
  plural: 'pods',
  shortNames: ['po'],
  namespaced: true,
  schema: specEnvelope(`${C}.Pod`, PodSpec),
};
