/** Every `skiff` verb, in the order `skiff --help` lists them. */
import type { Command } from '../command.ts';
import { upCommand } from './up/index.ts';
import { validateCommand } from './validate/index.ts';
import { versionCommand } from './version/index.ts';

export const COMMANDS: readonly Command<any>[] = [
  upCommand,
  validateCommand,
  versionCommand,
];
