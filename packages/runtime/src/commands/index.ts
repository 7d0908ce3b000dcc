/** The verbs that start Skiff's servers (`skiff control-plane`, later `proxy` and `up`). */
import type { Command } from '@skiff/cli';
import { controlPlaneCommand } from './control-plane/index.ts';
import { proxyCommand } from './proxy/index.ts';

export const RUNTIME_COMMANDS: readonly Command<any>[] = [
  controlPlaneCommand,
  proxyCommand,
];
