/**
 * The `skiff` command as a whole: the client verbs from @skiff/cli plus the
 * verbs that run Skiff's servers, which only the runtime may compose.
 */
import { COMMANDS as CLIENT_COMMANDS, main as runCli, type Command, type CommandIO } from '@skiff/cli';
import { RUNTIME_COMMANDS } from './commands/index.ts';

export const ALL_COMMANDS: readonly Command<any>[] = [...CLIENT_COMMANDS, ...RUNTIME_COMMANDS];

export function main(argv: readonly string[], io?: CommandIO): Promise<number> {
  return runCli(argv, io, ALL_COMMANDS);
}
