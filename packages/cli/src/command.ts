/**
 * The shape of a CLI verb. Each verb lives in `commands/<verb>/` and is listed
 * in `commands/index.ts`; `main.ts` parses flags with node:util's parseArgs,
 * prints `--help` from the same declaration, and maps failures to exit codes.
 */
import type { ParseArgsOptionDescriptor } from 'node:util';

export interface FlagSpec extends ParseArgsOptionDescriptor {
  readonly description: string;
  /** Shown in help as `--flag VALUE`. */
  readonly valueName?: string;
}

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
}

export interface CommandContext<Flags> {
  readonly flags: Flags;
  readonly args: readonly string[];
  readonly io: CommandIO;
}

export interface Command<Flags = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description?: string;
  readonly examples?: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Returns the process exit code: 0 success, 1 failure found (invalid config, analysis errors), 2 usage error. */
  run(ctx: CommandContext<Flags>): Promise<number>;
}

/** Thrown for bad command-line usage; printed with the verb's usage line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
