/**
 * The typed client of the local cluster's API server (what kubectl's
 * client-go is to Kubernetes): get, list, create, replace, apply
 * (create-or-update), delete, watch, pod logs, cluster info and shutdown.
 * Errors come back as SkiffErrors with the server's message and its Status
 * (validation causes with field paths included), never as raw HTTP.
 */
import { request, type IncomingMessage } from 'node:http';
import { lookupKind, type KindDefinition, type ResourceObject } from '@skiff/api';
import { SkiffError } from '@skiff/common';

export interface StoredResource extends ResourceObject {
  metadata: NonNullable<ResourceObject['metadata']> & { name: string; namespace?: string; uid: string; resourceVersion: string; creationTimestamp: string; generation?: number };
}

export interface ListOptions {
  /** All namespaces when unset (namespaced kinds). */
  readonly namespace?: string;
  readonly labelSelector?: string;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';
  readonly object: StoredResource;
}

export interface LogOptions {
  readonly container?: string;
  readonly follow?: boolean;
  readonly tailLines?: number;
}

/** The API server's error codes, mapped to the store's (so callers match one set). */
const CODES: Readonly<Record<string, string>> = {
  NotFound: 'SKIFF_ERR_NOT_FOUND',
  AlreadyExists: 'SKIFF_ERR_ALREADY_EXISTS',
  Conflict: 'SKIFF_ERR_CONFLICT',
  Invalid: 'SKIFF_ERR_INVALID',
  Expired: 'SKIFF_ERR_GONE',
  BadRequest: 'SKIFF_ERR_BAD_REQUEST',
};

export interface ValidationIssue {
  readonly severity: 'error' | 'warning';
  readonly field: string;
  readonly message: string;
}

/** The issues of a 422 from the server, with their field paths (empty for other errors). */
export function validationIssues(err: unknown): ValidationIssue[] {
  const status = (err as SkiffError)?.details?.status as { details?: { issues?: ValidationIssue[] } } | undefined;
  return status?.details?.issues ?? [];
}

export class ClusterClient {
  readonly #host: string;
  readonly #port: number;

  /** `address`: the API server's `host:port` (cluster.json's apiAddress). */
  constructor(address: string) {
    const colon = address.lastIndexOf(':');
    this.#host = address.slice(0, colon);
    this.#port = Number(address.slice(colon + 1));
  }

  static pathFor(definition: KindDefinition, namespace?: string, name?: string): string {
    const root = definition.group === '' ? `/api/${definition.versions[0]}` : `/apis/${definition.group}/${definition.versions[0]}`;
    const ns = definition.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${root}${ns}/${definition.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  info(): Promise<Record<string, unknown>> {
    return this.#json('GET', '/skiff/v1/cluster');
  }

  async shutdown(): Promise<void> {
    await this.#json('POST', '/skiff/v1/shutdown');
  }

  get(definition: KindDefinition, namespace: string, name: string): Promise<StoredResource> {
    return this.#json('GET', ClusterClient.pathFor(definition, namespace, name));
  }

  async list(definition: KindDefinition, options: ListOptions = {}): Promise<{ items: StoredResource[]; resourceVersion: string }> {
    const query = options.labelSelector ? `?labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
    const list = await this.#json<{ items: StoredResource[]; metadata: { resourceVersion: string } }>('GET', `${ClusterClient.pathFor(definition, options.namespace)}${query}`);
    return { items: list.items, resourceVersion: list.metadata.resourceVersion };
  }

  async create(object: ResourceObject, options: { dryRun?: boolean } = {}): Promise<StoredResource> {
    const { definition, namespace } = this.#target(object);
    return this.#json('POST', `${ClusterClient.pathFor(definition, namespace)}${options.dryRun ? '?dryRun=All' : ''}`, object);
  }

  async update(object: ResourceObject, options: { dryRun?: boolean } = {}): Promise<StoredResource> {
    const { definition, namespace, name } = this.#target(object);
    return this.#json('PUT', `${ClusterClient.pathFor(definition, namespace, name)}${options.dryRun ? '?dryRun=All' : ''}`, object);
  }

  /** kubectl apply's outcome, without its three-way merge: the manifest replaces what it declares; status stays the cluster's. */
  async apply(object: ResourceObject, options: { dryRun?: boolean; namespace?: string } = {}): Promise<{ action: ApplyAction; object: StoredResource }> {
    const target = this.#target(object, options.namespace);
    const copy = structuredClone(object);
    if (target.definition.namespaced) copy.metadata = { ...copy.metadata, namespace: target.namespace };
    let existing: StoredResource | undefined;
    try {
      existing = await this.get(target.definition, target.namespace ?? '', target.name);
    } catch (err) {
      if ((err as SkiffError).code !== 'SKIFF_ERR_NOT_FOUND') throw err;
    }
    if (!existing) return { action: 'created', object: await this.create(copy, options) };
    const updated = await this.update(copy, options);
    return { action: updated.metadata.resourceVersion === existing.metadata.resourceVersion ? 'unchanged' : 'configured', object: updated };
  }

  delete(definition: KindDefinition, namespace: string, name: string): Promise<StoredResource> {
    return this.#json('DELETE', ClusterClient.pathFor(definition, namespace, name));
  }

  /**
   * Watches a kind from `resourceVersion` (or from a fresh list when unset,
   * which arrives as ADDED events). Returns `stop`; `done` settles when the
   * stream ends.
   */
  watch(definition: KindDefinition, options: ListOptions & { resourceVersion?: string }, onEvent: (event: WatchEvent) => void): { stop: () => void; done: Promise<void> } {
    const params = new URLSearchParams({ watch: 'true' });
    if (options.labelSelector) params.set('labelSelector', options.labelSelector);
    if (options.resourceVersion) params.set('resourceVersion', options.resourceVersion);
    let buffered = '';
    return this.#stream(`${ClusterClient.pathFor(definition, options.namespace)}?${params}`, (chunk) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
      }
    });
  }

  /** Streams a container's log to `onChunk`; with `follow` until stopped or the pod is deleted. */
  logs(namespace: string, pod: string, options: LogOptions, onChunk: (text: string) => void): { stop: () => void; done: Promise<void> } {
    const params = new URLSearchParams();
    if (options.container) params.set('container', options.container);
    if (options.follow) params.set('follow', 'true');
    if (options.tailLines !== undefined) params.set('tailLines', String(options.tailLines));
    return this.#stream(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${params}`, onChunk);
  }

  #target(object: ResourceObject, namespace?: string): { definition: KindDefinition; namespace?: string; name: string } {
    const lookup = typeof object?.apiVersion === 'string' && typeof object?.kind === 'string' ? lookupKind(object.apiVersion, object.kind) : undefined;
    if (!lookup?.ok) throw new SkiffError('SKIFF_ERR_BAD_REQUEST', `unknown kind ${String(object?.kind)} in ${String(object?.apiVersion)}`);
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const name = metadata.name ?? lookup.kind.defaultName ?? '';
    return { definition: lookup.kind, namespace: lookup.kind.namespaced ? (metadata.namespace ?? namespace ?? 'default') : undefined, name };
  }

  #send(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request({
        host: this.#host, port: this.#port, method, path,
        headers: { accept: 'application/json', ...(text !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) },
      }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) => reject(new SkiffError('SKIFF_ERR_UNREACHABLE', `cannot reach the cluster's API server at ${this.#host}:${this.#port}: ${err.code === 'ECONNREFUSED' ? 'connection refused (is the cluster running? try `skiff up`)' : err.message}`)));
      req.end(text);
    });
  }

  async #json<T = StoredResource>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.#send(method, path, body);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new SkiffError('SKIFF_ERR_BAD_RESPONSE', `the API server answered ${res.statusCode} with a body that is not JSON`);
    }
    if ((res.statusCode ?? 500) >= 400) throw statusError(parsed, res.statusCode ?? 500);
    return parsed as T;
  }

  #stream(path: string, onChunk: (text: string) => void): { stop: () => void; done: Promise<void> } {
    let response: IncomingMessage | undefined;
    let stopped = false;
    const done = (async () => {
      const res = await this.#send('GET', path);
      response = res;
      if (stopped) res.destroy();
      if ((res.statusCode ?? 500) >= 400) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        let parsed: unknown = {};
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not a Status
        }
        throw statusError(parsed, res.statusCode ?? 500);
      }
      res.setEncoding('utf8');
      try {
        for await (const chunk of res) onChunk(chunk as string);
      } catch (err) {
        if (!stopped) throw err;
      }
    })();
    return {
      stop: () => {
        stopped = true;
        response?.destroy();
      },
      done,
    };
  }
}

function statusError(body: unknown, code: number): SkiffError {
  const status = body as { message?: string; reason?: string };
  const reason = status?.reason ?? '';
  return new SkiffError(CODES[reason] ?? `SKIFF_ERR_HTTP_${code}`, status?.message ?? `the API server answered ${code}`, { status: body, code });
}


