/**
 * The local cluster's API server: Kubernetes-style REST over the durable
 * store on 127.0.0.1 (JSON; list, watch as newline-delimited events, get,
 * create, replace, delete, pod logs), with the store's validation (every
 * issue with its field path, as a 422 Status) and Istio's sidecar injection
 * on Pod creation. Status is owned by the cluster: a PUT keeps the stored
 * status, as the status subresource does in Kubernetes. `/skiff/v1/*`
 * carries what kubectl has no path for (cluster info, shutdown).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiVersionOf, lookupKind, ALL_KINDS, type kube, type ResourceObject } from '@skiff/api';
import { SkiffError } from '@skiff/common';
import { validateObject, withDefaults, StoreErrorCode, type ConfigStore, type StoredObject } from '@skiff/config';
import { admitPod } from '../pods/admit-pod.ts';
import { containerLogFile } from '../pods/pod-worker.ts';
import { parseResourcePath, type ResourcePath } from './resource-path.ts';
import { streamLog } from './pod-logs.ts';
import { badRequest, HttpError, statusOf, toStatus } from './status.ts';

export interface ApiServerOptions {
  readonly store: ConfigStore;
  /** `host:port`; port 0 picks a free one. */
  readonly address: { readonly host: string; readonly port: number };
  readonly logsDir: string;
  /** What GET /skiff/v1/cluster returns. */
  readonly clusterInfo: () => Record<string, unknown>;
  /** POST /skiff/v1/shutdown: `skiff down`. */
  readonly onShutdown: () => void;
  readonly log: (line: string) => void;
}

const MAX_BODY = 8 * 1024 * 1024;

export class ApiServer {
  readonly #o: ApiServerOptions;
  readonly #server: Server;
  readonly #closing: Promise<void>;
  #close!: () => void;

  constructor(o: ApiServerOptions) {
    this.#o = o;
    this.#closing = new Promise((r) => {
      this.#close = r;
    });
    this.#server = createServer((req, res) => {
      void this.#handle(req, res).catch((err) => this.#fail(res, err));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.address.port, this.#o.address.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const a = this.#server.address() as AddressInfo;
    return `${a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    this.#close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (url.pathname === '/skiff/v1/cluster' && method === 'GET') return send(res, 200, this.#o.clusterInfo());
    if (url.pathname === '/skiff/v1/shutdown' && method === 'POST') {
      send(res, 202, { kind: 'Status', apiVersion: 'v1', status: 'Success', message: 'shutting down' });
      this.#o.onShutdown();
      return;
    }
    const path = parseResourcePath(url.pathname);
    const { definition } = path;
    const kindRef = { group: definition.group, kind: definition.kind };
    const store = this.#o.store;
    if (path.subresource === 'log' && definition.kind === 'Pod' && method === 'GET') return this.#logs(res, path, url);
    if (path.subresource !== undefined) throw new HttpError(statusOf(404, 'NotFound', `the server could not find the requested resource (${path.subresource})`));

    if (path.name === undefined) {
      if (method === 'GET') {
        const labelSelector = url.searchParams.get('labelSelector') ?? undefined;
        if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
          return this.#watch(res, path, labelSelector, url.searchParams.get('resourceVersion') ?? '');
        }
        const list = await store.list(kindRef, { ...(path.namespace !== undefined ? { namespace: path.namespace } : {}), ...(labelSelector ? { labelSelector } : {}) });
        return send(res, 200, { apiVersion: apiVersionOf(definition.group, definition.versions[0]), kind: `${definition.kind}List`, metadata: { resourceVersion: list.resourceVersion }, items: list.items });
      }
      if (method === 'POST') {
        const body = this.#checkBody(await readJson(req), path);
        const dryRun = url.searchParams.get('dryRun') === 'All';
        if (dryRun) return send(res, 201, dryRunAdmit(body));
        const object = definition.kind === 'Pod' ? await admitPod(store, body as unknown as kube.Pod) : body;
        return send(res, 201, await store.create(object));
      }
      throw methodNotAllowed(method);
    }

    const key = { ...kindRef, namespace: definition.namespaced ? (path.namespace ?? 'default') : '', name: path.name };
    if (method === 'GET') {
      const object = await store.get(key);
      if (!object) throw notFound(definition.plural, definition.group, path.name);
      return send(res, 200, object);
    }
    if (method === 'PUT') {
      const body = this.#checkBody(await readJson(req), path);
      if ((body.metadata as { name?: string }).name !== path.name) throw badRequest(`the name of the object (${String((body.metadata as { name?: string }).name)}) does not match the name on the URL (${path.name})`);
      if (url.searchParams.get('dryRun') === 'All') return send(res, 200, dryRunAdmit(body));
      const existing = await store.get(key);
      if (!existing) throw notFound(definition.plural, definition.group, path.name);
      const { status: _ignored, ...rest } = body;
      const next = existing.status === undefined ? rest : { ...rest, status: existing.status };
      return send(res, 200, await store.update(next as ResourceObject));
    }
    if (method === 'DELETE') {
      const deleted = await store.delete(key);
      if (definition.kind === 'Namespace') await this.#deleteNamespaceContents(path.name);
      return send(res, 200, deleted);
    }
    throw methodNotAllowed(method);
  }

  /** The body names this path's kind and namespace (filled in when omitted). */
  #checkBody(body: unknown, path: ResourcePath): ResourceObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
    const object = body as ResourceObject & { metadata?: Record<string, unknown> };
    const lookup = typeof object.apiVersion === 'string' && typeof object.kind === 'string' ? lookupKind(object.apiVersion, object.kind) : undefined;
    if (lookup?.ok && (lookup.kind.group !== path.definition.group || lookup.kind.kind !== path.definition.kind)) {
      throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(path.definition.group, path.version)}) or kind ${object.kind} is not ${path.definition.kind}`);
    }
    const metadata = (object.metadata ??= {});
    if (path.namespace !== undefined) {
      if (metadata.namespace !== undefined && metadata.namespace !== path.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      metadata.namespace = path.namespace;
    }
    return object;
  }

  async #watch(res: ServerResponse, path: ResourcePath, labelSelector: string | undefined, resourceVersion: string): Promise<void> {
    const store = this.#o.store;
    const kindRef = { group: path.definition.group, kind: path.definition.kind };
    const scope = { ...(path.namespace !== undefined ? { namespace: path.namespace } : {}), ...(labelSelector ? { labelSelector } : {}) };
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    let from = resourceVersion;
    if (from === '' || from === '0') {
      const list = await store.list(kindRef, scope);
      for (const item of list.items) res.write(`${JSON.stringify({ type: 'ADDED', object: item })}\n`);
      from = list.resourceVersion;
    }
    const stop = store.watch({ ...scope, resourceVersion: from, kinds: [kindRef] }, {
      onEvent: (e) => res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`),
      onError: (err) => {
        const status = toStatus(err);
        res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      },
    });
    res.once('close', stop);
    void this.#closing.then(() => {
      stop();
      res.end();
    });
  }

  async #logs(res: ServerResponse, path: ResourcePath, url: URL): Promise<void> {
    const namespace = path.namespace ?? 'default';
    const pod = await this.#o.store.get({ group: '', kind: 'Pod', namespace, name: path.name ?? '' }) as (StoredObject & kube.Pod) | undefined;
    if (!pod) throw notFound('pods', '', path.name ?? '');
    const names = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
    let container = url.searchParams.get('container') ?? undefined;
    if (container === undefined) {
      container = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? (names.length === 1 ? names[0] : undefined);
      if (container === undefined) throw badRequest(`a container name must be specified for pod ${path.name}, choose one of: [${names.join(' ')}]`);
    }
    if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${path.name}`);
    const tail = url.searchParams.get('tailLines');
    const deleted = new Promise<void>((resolve) => {
      const stop = this.#o.store.watch({ resourceVersion: pod.metadata.resourceVersion, kinds: [{ group: '', kind: 'Pod' }], namespace }, {
        onEvent: (e) => {
          if (e.type === 'DELETED' && e.object.metadata.uid === pod.metadata.uid) {
            stop();
            resolve();
          }
        },
        onError: () => resolve(),
      });
      void this.#closing.then(() => {
        stop();
        resolve();
      });
    });
    await streamLog(res, {
      file: containerLogFile(this.#o.logsDir, namespace, pod.metadata.name, container),
      follow: url.searchParams.get('follow') === 'true',
      ...(tail !== null && /^\d+$/.test(tail) ? { tailLines: Number(tail) } : {}),
      until: deleted,
      pollMs: 200,
    });
  }

  async #deleteNamespaceContents(namespace: string): Promise<void> {
    for (const kind of ALL_KINDS.filter((k) => k.namespaced)) {
      const { items } = await this.#o.store.list({ group: kind.group, kind: kind.kind }, { namespace });
      for (const item of items) {
        try {
          await this.#o.store.delete({ group: kind.group, kind: kind.kind, namespace, name: item.metadata.name });
        } catch (err) {
          if ((err as SkiffError).code !== StoreErrorCode.NotFound) throw err;
        }
      }
    }
  }

  #fail(res: ServerResponse, err: unknown): void {
    const status = toStatus(err);
    if (status.code >= 500) this.#o.log(`api-server: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    send(res, status.code, status);
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(plural: string, group: string, name: string): HttpError {
  const resource = group === '' ? plural : `${plural}.${group}`;
  return new HttpError(statusOf(404, 'NotFound', `${resource} "${name}" not found`, { name, group, kind: plural }));
}

function methodNotAllowed(method: string): HttpError {
  return new HttpError(statusOf(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(statusOf(413, 'RequestEntityTooLarge', 'the request body is too large'));
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validation and defaults without storing: `apply --dry-run=server`. */
function dryRunAdmit(object: ResourceObject): ResourceObject {
  const issues = validateObject(object);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const lookup = lookupKind(String(object.apiVersion), String(object.kind));
    const name = String((object.metadata as { name?: string } | undefined)?.name ?? '');
    const what = lookup.ok && lookup.kind.group !== '' ? `${object.kind}.${lookup.kind.group}` : String(object.kind);
    const parts = errors.map((i) => `${i.field ? `${i.field}: ` : ''}${i.message}`);
    throw new SkiffError(StoreErrorCode.Invalid, `${what} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`, { issues });
  }
  const lookup = lookupKind(String(object.apiVersion), String(object.kind));
  return lookup.ok ? withDefaults(lookup.kind, object) : object;
}
