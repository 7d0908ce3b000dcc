/** Gateway objects (networking.istio.io/v1) for the store's tests and the durability writer. */
import type { ResourceObject } from '@skiff/api';

export const GATEWAY = { group: 'networking.istio.io', kind: 'Gateway' } as const;

export function gateway(name: string, options: { namespace?: string; labels?: Record<string, string>; host?: string; apiVersion?: string } = {}): ResourceObject {
  return {
    apiVersion: options.apiVersion ?? 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [options.host ?? '*'] }],
    },
  };
}

export const keyOf = (name: string, namespace = 'default') => ({ ...GATEWAY, namespace, name });

