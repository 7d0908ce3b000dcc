/**
 * What a container runs, without Docker: a built-in image (a local program
 * standing in for hashicorp/http-echo, httpbin, ... once @skiff/images is
 * wired in) or the container's own `command` when it names a program that
 * exists on this machine. Anything else is a clear error that says how to
 * run your own process.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { kube } from '@skiff/api';

export interface ResolvedCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** A built-in image: returns the program for `image` with the container's args, or undefined when it is not built in. */
export type BuiltinImages = (image: string, container: kube.Container) => ResolvedCommand | undefined;

export type ImageResolution = { readonly ok: true; readonly value: ResolvedCommand } | { readonly ok: false; readonly reason: 'ErrImagePull' | 'InvalidImageName'; readonly message: string };

export function resolveContainer(container: kube.Container, options: { builtins?: BuiltinImages; path: string; cwd: string }): ImageResolution {
  const command = container.command ?? [];
  if (command.length > 0) {
    const found = findExecutable(command[0], options.path, options.cwd);
    if (found) return { ok: true, value: { command: found, args: [...command.slice(1), ...(container.args ?? [])] } };
  }
  const image = container.image ?? '';
  const builtin = image ? options.builtins?.(image, container) : undefined;
  if (builtin) return { ok: true, value: builtin };
  if (command.length > 0) {
    return { ok: false, reason: 'ErrImagePull', message: `command "${command[0]}" not found on this machine and image "${image}" is not built into Skiff` };
  }
  if (!image) return { ok: false, reason: 'InvalidImageName', message: 'container has neither an image nor a command' };
  return {
    ok: false,
    reason: 'ErrImagePull',
    message: `image "${image}" is not built into Skiff (there is no Docker in the local cluster); to run your own process, set the container's command to a program on this machine, listening on $SKIFF_APP_IP`,
  };
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
