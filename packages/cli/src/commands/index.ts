/** Every `skiff` verb, in the order `skiff --help` lists them. */
import type { Command } from '../command.ts';
import { analyzeCommand } from './analyze/index.ts';
import { upCommand } from './up/index.ts';
import { validateCommand } from './validate/index.ts';
import { versionCommand } from './version/index.ts';

export const COMMANDS: readonly Command<any>[] = [
  analyzeCommand,
  upCommand,
  validateCommand,
  versionCommand,
];
