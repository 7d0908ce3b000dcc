import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/manifests.ts';

function issues(yaml: string) {
  return parseManifests(yaml, 'file.yaml').issues.map((i) => ({ severity: i.severity, field: i.field, line: i.source?.line, message: i.message }));
}

const BOOKINFO_LIKE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  labels:
    app: reviews
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bookinfo-reviews
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
  labels:
    app: reviews
    version: v1
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reviews
      version: v1
  template:
    metadata:
      labels:
        app: reviews
        version: v1
    spec:
      serviceAccountName: bookinfo-reviews
      containers:
      - name: reviews
        image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1
        imagePullPolicy: IfNotPresent
        env:
        - name: LOG_DIR
          value: "/tmp/logs"
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        ports:
        - containerPort: 9080
        readinessProbe:
          httpGet:
            path: /health
            port: 9080
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        securityContext:
          runAsUser: 1000
      volumes:
      - name: tmp
        emptyDir: {}
---
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: Secret
metadata:
  name: gw-cert
type: kubernetes.io/tls
data:
  tls.crt: dGVzdA==
  tls.key: dGVzdA==
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
data:
  mesh: |
    accessLogFile: /dev/stdout
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-abc
  labels:
    kubernetes.io/service-name: reviews
addressType: IPv4
ports:
- name: http
  port: 9080
  protocol: TCP
endpoints:
- addresses: ["10.1.0.5"]
  conditions:
    ready: true
    serving: true
    terminating: false
  nodeName: node-1
  zone: us-east-1a
  targetRef:
    kind: Pod
    name: reviews-v1-abc
    namespace: default
`;

const svc = (spec: string) => `apiVersion: v1
kind: Service
metadata:
  name: s
spec:
${spec}`;

const deploy = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
${spec}`;

const POD_TEMPLATE = '  template:\n    metadata:\n      labels:\n        app: a\n    spec:\n      containers:\n      - name: c\n        image: nginx\n';

describe('Kubernetes kinds validation', () => {
  it('accepts Bookinfo-style manifests of every kind', () => {
    assert.deepEqual(issues(BOOKINFO_LIKE), []);
    assert.deepEqual(parseManifests(BOOKINFO_LIKE, 'file.yaml').resources.map((r) => r.object.kind),
      ['Service', 'ServiceAccount', 'Deployment', 'Namespace', 'Secret', 'ConfigMap', 'EndpointSlice']);
  });

  const invalid: [string, string, { severity: string; field: string; line: number; message: string }[]][] = [
    ['unnamed second port', svc('  ports:\n  - port: 80\n    name: http\n  - port: 443\n'),
      [{ severity: 'error', field: 'spec.ports[1].name', line: 9, message: 'Required value' }]],
    ['duplicate port names', svc('  ports:\n  - port: 80\n    name: http\n  - port: 81\n    name: http\n'),
      [{ severity: 'error', field: 'spec.ports[1].name', line: 10, message: 'Duplicate value: "http"' }]],
    ['duplicate port/protocol', svc('  ports:\n  - port: 80\n    name: a\n  - port: 80\n    name: b\n'),
      [{ severity: 'error', field: 'spec.ports[1]', line: 9, message: 'Duplicate value: {"port":80,"protocol":"TCP"}' }]],
    ['port out of range', svc('  ports:\n  - port: 70000\n'),
      [{ severity: 'error', field: 'spec.ports[0].port', line: 7, message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' }]],
    ['targetPort out of range', svc('  ports:\n  - port: 80\n    targetPort: 0\n'),
      [{ severity: 'error', field: 'spec.ports[0].targetPort', line: 8, message: 'Invalid value: 0: must be between 1 and 65535, inclusive' }]],
    ['bad selector label', svc('  ports:\n  - port: 80\n  selector:\n    app: "bad value"\n'),
      [{ severity: 'error', field: 'spec.selector.app', line: 9, message: 'invalid label value "bad value": must be 63 characters or less and be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric' }]],
    ['ExternalName without externalName', svc('  type: ExternalName\n'),
      [{ severity: 'error', field: 'spec.externalName', line: 5, message: 'Required value' }]],
    ['selector not matching template labels', deploy('  selector:\n    matchLabels:\n      app: b\n' + POD_TEMPLATE),
      [{ severity: 'error', field: 'spec.template.metadata.labels', line: 11, message: 'Invalid value: {"app":"a"}: `selector` does not match template `labels`' }]],
    ['container without image', deploy('  selector:\n    matchLabels:\n      app: a\n' + POD_TEMPLATE.replace('        image: nginx\n', '')),
      [{ severity: 'error', field: 'spec.template.spec.containers[0].image', line: 15, message: 'Required value' }]],
    ['missing selector', deploy(POD_TEMPLATE),
      [{ severity: 'error', field: 'spec.selector', line: 5, message: 'Required value' }]],
    ['container port 0', deploy('  selector:\n    matchLabels:\n      app: a\n' + POD_TEMPLATE + '        ports:\n        - containerPort: 0\n'),
      [{ severity: 'error', field: 'spec.template.spec.containers[0].ports[0].containerPort', line: 18, message: 'Invalid value: 0: must be between 1 and 65535, inclusive' }]],
    ['TLS secret without tls.key', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/tls\ndata:\n  tls.crt: dGVzdA==\n',
      [{ severity: 'error', field: 'data["tls.key"]', line: 6, message: 'Required value' }]],
    ['EndpointSlice address of the wrong family', 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: e\naddressType: IPv6\nendpoints:\n- addresses: ["10.0.0.1"]\n',
      [{ severity: 'error', field: 'endpoints[0].addresses[0]', line: 7, message: 'Invalid value: "10.0.0.1": must be a valid IPv6 address' }]],
    ['EndpointSlice without addressType', 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: e\nendpoints: []\n',
      [{ severity: 'error', field: 'addressType', line: 1, message: 'Required value' }]],
  ];
  for (const [name, yaml, expected] of invalid) it(`reports ${name}`, () => assert.deepEqual(issues(yaml), expected));

  it('rejects unknown container fields, as kubectl strict validation does', () => {
    const got = issues(deploy('  selector:\n    matchLabels:\n      app: a\n' + POD_TEMPLATE + '        imagePolicy: Always\n'));
    assert.equal(got.length, 1);
    assert.equal(got[0].field, 'spec.template.spec.containers[0].imagePolicy');
    assert.equal(got[0].line, 17);
    assert.match(got[0].message, /unknown field "imagePolicy" in io\.k8s\.api\.core\.v1\.Container/);
  });

  it('accepts a headless Service without ports and a named targetPort', () => {
    assert.deepEqual(issues(svc('  clusterIP: None\n  selector:\n    app: a\n')), []);
    assert.deepEqual(issues(svc('  ports:\n  - port: 80\n    targetPort: http\n')), []);
  });
});
