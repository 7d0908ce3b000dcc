/**
 * The catalogue of built-in images: which image references (any registry
 * prefix, tag or digest) run which local program. A pod's container runs
 * `node <entry> ...args`, where args follow Kubernetes' rules against the
 * image's own ENTRYPOINT and CMD: `args` replace the CMD, a `command` naming
 * the image's program (`curl`, `/usr/bin/fortio`) replaces the ENTRYPOINT.
 */
import { fileURLToPath } from 'node:url';

export interface BuiltinImage {
  /** The reference as the manifest wrote it. */
  readonly image: string;
  /** Repository without registry and tag, e.g. `fortio/fortio`. */
  readonly repository: string;
  /** Absolute path of the program, run as `node entry ...containerArgs`. */
  readonly entry: string;
  readonly description: string;
  /** The image's CMD: the arguments when the container gives none. */
  readonly defaultArgs: readonly string[];
  /** Names of the image's ENTRYPOINT program; a container `command` naming one of them runs this image's program. */
  readonly programs: readonly string[];
}

interface CatalogEntry {
  readonly match: RegExp;
  readonly file: string;
  readonly description: string;
  readonly defaultArgs?: readonly string[];
  readonly programs: readonly string[];
}

const CATALOG: readonly CatalogEntry[] = [
  { match: /^hashicorp\/http-echo$/, file: 'http-echo/main.ts', description: "hashicorp/http-echo: answers with -text on -listen (default :5678)", programs: ['http-echo', '/http-echo'] },
  { match: /^(kennethreitz|istio)\/httpbin$/, file: 'httpbin/kennethreitz.ts', description: 'kennethreitz/httpbin: the httpbin API on port 80', programs: ['gunicorn'] },
  { match: /^mccutchen\/go-httpbin$/, file: 'httpbin/go-httpbin.ts', description: 'mccutchen/go-httpbin: the httpbin API on port 8080 (PORT, -port)', programs: ['go-httpbin', '/bin/go-httpbin'] },
  { match: /^(fortio|istio)\/fortio$/, file: 'fortio/main.ts', description: 'fortio/fortio: `server` (echo on 8080) by default; `load`, `curl`', defaultArgs: ['server'], programs: ['fortio', '/usr/bin/fortio'] },
  { match: /^curlimages\/curl$/, file: 'curl/main.ts', description: 'curlimages/curl: curl over HTTP_PROXY', defaultArgs: ['curl'], programs: ['curl', '/usr/bin/curl', '/entrypoint.sh'] },
  { match: /^istio\/examples-bookinfo-productpage-v[\w-]*$/, file: 'bookinfo/productpage/main.ts', description: "Istio's Bookinfo productpage on 9080", programs: ['python', 'python3'] },
  { match: /^istio\/examples-bookinfo-details-v\d+$/, file: 'bookinfo/details/main.ts', description: "Istio's Bookinfo details on 9080", programs: ['ruby'] },
  { match: /^istio\/examples-bookinfo-ratings-v\d+$/, file: 'bookinfo/ratings/main.ts', description: "Istio's Bookinfo ratings on 9080", programs: ['node'] },
  { match: /^istio\/examples-bookinfo-reviews-v1$/, file: 'bookinfo/reviews/reviews-v1.ts', description: "Istio's Bookinfo reviews v1 (no stars) on 9080", programs: [] },
  { match: /^istio\/examples-bookinfo-reviews-v2$/, file: 'bookinfo/reviews/reviews-v2.ts', description: "Istio's Bookinfo reviews v2 (black stars) on 9080", programs: [] },
  { match: /^istio\/examples-bookinfo-reviews-v3$/, file: 'bookinfo/reviews/reviews-v3.ts', description: "Istio's Bookinfo reviews v3 (red stars) on 9080", programs: [] },
];

/** `docker.io/library/x:1.2@sha256:...` → `x`; `gcr.io/proj/a/b:tag` → `proj/a/b` (the registry is a first part with a dot, a colon or `localhost`). */
export function imageRepository(image: string): string {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

export function resolveImage(image: string): BuiltinImage | undefined {
  const repository = imageRepository(image);
  const entry = CATALOG.find((e) => e.match.test(repository));
  if (!entry) return undefined;
  return {
    image,
    repository,
    entry: fileURLToPath(new URL(entry.file, import.meta.url)),
    description: entry.description,
    defaultArgs: entry.defaultArgs ?? [],
    programs: entry.programs,
  };
}

export function unknownImageMessage(image: string): string {
  const known = CATALOG.map((e) => e.description.split(':')[0]).join(', ');
  return `image "${image}" is not built into Skiff (there is no Docker in the local cluster; built in: ${known}); to run your own process, set the container's command to a program that exists on this machine, listening on $SKIFF_APP_IP`;
}

/** Bookinfo's images carry curl (Istio's docs run `kubectl exec <ratings pod> -- curl productpage:9080/...`); that curl is the built-in one. */
function imageTool(builtin: BuiltinImage, program: string): string | undefined {
  if (!builtin.repository.startsWith('istio/examples-bookinfo-')) return undefined;
  if (program !== 'curl' && program !== '/usr/bin/curl') return undefined;
  return fileURLToPath(new URL('curl/main.ts', import.meta.url));
}

/**
 * The process for a container of a built-in image: `{ command: node, args: [entry, ...] }`,
 * or undefined when the image is not built in or the container's `command`
 * names a program the image does not stand in for.
 */
export function builtinCommand(image: string, container: { readonly command?: readonly string[]; readonly args?: readonly string[] }): { command: string; args: string[] } | undefined {
  const builtin = resolveImage(image);
  if (!builtin) return undefined;
  const command = container.command ?? [];
  let programArgs: readonly string[];
  const tool = command.length > 0 ? imageTool(builtin, command[0]) : undefined;
  if (tool) return { command: process.execPath, args: [tool, ...command.slice(1), ...(container.args ?? [])] };
  if (command.length > 0) {
    if (!builtin.programs.includes(command[0]) && !builtin.programs.some((p) => p.endsWith(`/${command[0]}`))) return undefined;
    programArgs = [...command.slice(1), ...(container.args ?? [])];
  } else {
    programArgs = container.args && container.args.length > 0 ? container.args : builtin.defaultArgs;
  }
  // curlimages/curl's entrypoint: `curl ARGS` and `-flags` both run curl.
  if (builtin.repository === 'curlimages/curl' && programArgs[0] === 'curl') programArgs = programArgs.slice(1);
  return { command: process.execPath, args: [builtin.entry, ...programArgs] };
}
