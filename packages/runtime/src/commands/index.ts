/** The verbs that start Skiff's servers (`skiff control-plane`, `proxy`, `up`, and the supervisor it runs). */
import type { Command } from '@skiff/cli';
import { controlPlaneCommand } from './control-plane/index.ts';
import { proxyCommand } from './proxy/index.ts';
import { supervisorCommand } from './supervisor/index.ts';
import { upCommand } from './up/index.ts';

export const RUNTIME_COMMANDS: readonly Command<any>[] = [
  controlPlaneCommand,
  proxyCommand,
  supervisorCommand,
  upCommand,
];
