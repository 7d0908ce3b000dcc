/** An in-memory CommandIO for tests of CLI verbs: captures stdout and stderr, feeds stdin from a string. */
import { PassThrough, Readable } from 'node:stream';
import type { CommandIO } from './command.ts';

export interface CapturedIO extends CommandIO {
  out(): string;
  err(): string;
}

export function captureIO(cwd: string, stdinText = ''): CapturedIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => { out += chunk; });
  stderr.on('data', (chunk) => { err += chunk; });
  return { stdout, stderr, stdin: Readable.from([stdinText]), cwd, out: () => out, err: () => err };
}
