/**
 * What a container runs, without Docker: a built-in image (@skiff/images:
 * local programs standing in for hashicorp/http-echo, httpbin, fortio,
 * curl, Bookinfo; a `command` naming the image's own program stays inside
 * the image, as in a container), else the container's own `command` when it
 * names a program that exists on this machine. Anything else is a clear
 * error that says how to run your own process.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { kube } from '@skiff/api';
import { builtinCommand, unknownImageMessage } from '@skiff/images';

export interface ResolvedCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** A built-in image: returns the program for `image` with the container's args, or undefined when it is not built in. */
export type BuiltinImages = (image: string, container: kube.Container) => ResolvedCommand | undefined;

export const BUILTIN_IMAGES: BuiltinImages = (image, container) => builtinCommand(image, container);

export type ImageResolution = { readonly ok: true; readonly value: ResolvedCommand } | { readonly ok: false; readonly reason: 'ErrImagePull' | 'InvalidImageName'; readonly message: string };

export function resolveContainer(container: kube.Container, options: { builtins?: BuiltinImages; path: string; cwd: string }): ImageResolution {
  const image = container.image ?? '';
  const builtin = image ? options.builtins?.(image, container) : undefined;
  if (builtin) return { ok: true, value: builtin };
  const command = container.command ?? [];
  if (command.length > 0) {
    const found = findExecutable(command[0], options.path, options.cwd);
    if (found) return { ok: true, value: { command: found, args: [...command.slice(1), ...(container.args ?? [])] } };
    return { ok: false, reason: 'ErrImagePull', message: `command "${command[0]}" was not found on this machine, and ${unknownImageMessage(image)}` };
  }
  if (!image) return { ok: false, reason: 'InvalidImageName', message: 'container has neither an image nor a command' };
  return { ok: false, reason: 'ErrImagePull', message: unknownImageMessage(image) };
}

export function findExecutable(name: string, path: string, cwd: string): string | undefined {
  const candidates = name.includes('/') ? [isAbsolute(name) ? name : resolve(cwd, name)] : path.split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}
