/**
 * Reads manifests from files, directories (recursively, *.yaml, *.yml and
 * *.json, in name order) and standard input (`-`), as `kubectl apply -f` does.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { text as readStream } from 'node:stream/consumers';
import { SkiffError } from '@skiff/common';

export interface ManifestSource {
  /** As shown in messages: relative to the working directory when inside it, `<stdin>` for `-`. */
  readonly file: string;
  readonly text: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

export async function readManifestSources(paths: readonly string[], options: { cwd: string; stdin?: NodeJS.ReadableStream }): Promise<ManifestSource[]> {
  const sources: ManifestSource[] = [];
  for (const path of paths) {
    if (path === '-') {
      if (!options.stdin) throw new SkiffError('SKIFF_ERR_USAGE', 'cannot read "-": no standard input');
      sources.push({ file: '<stdin>', text: await readStream(options.stdin) });
      continue;
    }
    const absolute = resolve(options.cwd, path);
    const shown = (p: string) => (p.startsWith(options.cwd) ? relative(options.cwd, p) || p : p);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new SkiffError('SKIFF_ERR_NOT_FOUND', `the path "${path}" does not exist`);
    if (info.isDirectory()) {
      for (const file of await listManifestFiles(absolute)) sources.push({ file: shown(file), text: await readFile(file, 'utf8') });
    } else {
      sources.push({ file: shown(absolute), text: await readFile(absolute, 'utf8') });
    }
  }
  return sources;
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listManifestFiles(full)));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(full);
  }
  return files;
}
