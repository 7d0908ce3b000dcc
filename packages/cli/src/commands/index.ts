/** Every `skiff` client verb, in the order `skiff --help` lists them (the runtime adds up, control-plane, proxy). */
import type { Command } from '../command.ts';
import { analyzeCommand } from './analyze/index.ts';
import { applyCommand } from './apply/index.ts';
import { deleteCommand } from './delete/index.ts';
import { describeCommand } from './describe/index.ts';
import { downCommand } from './down/index.ts';
import { getCommand } from './get/index.ts';
import { logsCommand } from './logs/index.ts';
import { rolloutCommand } from './rollout/index.ts';
import { scaleCommand } from './scale/index.ts';
import { validateCommand } from './validate/index.ts';
import { versionCommand } from './version/index.ts';

export const COMMANDS: readonly Command<any>[] = [
  analyzeCommand,
  applyCommand,
  deleteCommand,
  describeCommand,
  downCommand,
  getCommand,
  logsCommand,
  rolloutCommand,
  scaleCommand,
  validateCommand,
  versionCommand,
];
