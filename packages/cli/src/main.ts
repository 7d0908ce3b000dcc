/**
 * Entry point of the `skiff` CLI: finds the verb, parses its flags, prints
 * help, and turns failures into a message and an exit code — never a stack
 * trace (set SKIFF_DEBUG=1 to see one).
 */
import { parseArgs } from 'node:util';
import { isSkiffError } from '@skiff/common';
import { COMMANDS } from './commands/index.ts';
import { UsageError, type Command, type CommandIO } from './command.ts';
import { commandHelp, rootHelp } from './help.ts';

/**
 * `commands`: the verbs to offer. The client verbs live here; `@skiff/runtime`
 * adds the ones that run servers (control-plane, proxy, up) and owns the bin.
 */
export async function main(argv: readonly string[], io: CommandIO = processIO(), commands: readonly Command<any>[] = COMMANDS): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    const target = verb === 'help' && rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(target ? commandHelp(target) : rootHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr.write(`Error: unknown command "${verb}" for "skiff"\nRun 'skiff --help' for usage.\n`);
    return 2;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command<any>, argv: readonly string[], io: CommandIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: command.flags, allowPositionals: true, strict: true });
    return await command.run({ flags: values, args: positionals, io });
  } catch (err) {
    if (process.env.SKIFF_DEBUG) io.stderr.write(`${(err as Error)?.stack}\n`);
    if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`Error: ${(err as Error).message}\nUsage: ${command.usage}\nRun 'skiff ${command.name} --help' for more.\n`);
      return 2;
    }
    if (isSkiffError(err)) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`Error: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

function processIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() };
}
