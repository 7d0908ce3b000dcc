/**
 * The files behind `-f FILE|DIR`: a file given by name is read whatever its
 * extension; a directory contributes its *.yaml, *.yml and *.json files,
 * recursively, in name order (as `kubectl apply -f` and readManifestSources
 * read them). Each file carries a stat fingerprint so a rescan reads only
 * the files whose size, inode or nanosecond mtime/ctime moved.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { SkiffError } from '@skiff/common';

export interface ManifestFile {
  /** Absolute path. */
  readonly path: string;
  /** As shown in messages: relative to the working directory when inside it. */
  readonly shown: string;
  /** size, inode, mtime and ctime in ns; equal fingerprints mean an unchanged file. */
  readonly fingerprint: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** Absolute roots for the `-f` paths; throws SKIFF_ERR_NOT_FOUND for a path that does not exist now. */
export async function resolveRoots(paths: readonly string[], cwd: string): Promise<string[]> {
  const roots: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!(await stat(absolute).catch(() => undefined))) throw new SkiffError('SKIFF_ERR_NOT_FOUND', `the path "${path}" does not exist`, { path });
    roots.push(absolute);
  }
  return roots;
}

/** Every manifest file under the roots, in order, each once. A root that vanished contributes nothing. */
export async function listManifestFiles(roots: readonly string[], cwd: string): Promise<ManifestFile[]> {
  const seen = new Set<string>();
  const out: ManifestFile[] = [];
  const shown = (p: string) => (p.startsWith(cwd) ? relative(cwd, p) || p : p);
  const add = async (path: string) => {
    if (seen.has(path)) return;
    const info = await stat(path, { bigint: true }).catch(() => undefined);
    if (!info?.isFile()) return;
    seen.add(path);
    out.push({ path, shown: shown(path), fingerprint: `${info.size}:${info.ino}:${info.mtimeNs}:${info.ctimeNs}` });
  };
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (!info) continue;
    if (!info.isDirectory()) {
      await add(root);
      continue;
    }
    for (const file of await walk(root)) await add(file);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(full);
  }
  return files;
}
