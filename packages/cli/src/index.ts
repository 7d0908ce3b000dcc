export { main } from './main.ts';
export { COMMANDS } from './commands/index.ts';
export { UsageError, type Command, type CommandContext, type CommandIO, type FlagSpec } from './command.ts';
export { captureIO, type CapturedIO } from './testing-io.ts';
