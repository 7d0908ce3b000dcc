/** The verbs that start Skiff's servers (`skiff control-plane`, later `proxy` and `up`). */
import type { Command } from '@skiff/cli';

export const RUNTIME_COMMANDS: readonly Command<any>[] = [
];
