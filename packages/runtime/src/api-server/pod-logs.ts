/**
 * `GET .../pods/{name}/log`: a container's log file, whole or its last
 * `tailLines`, and with `follow=true` every line appended after, until the
 * client goes away or the pod is deleted (kubectl's `logs -f`).
 */
import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

export interface LogRequest {
  readonly file: string;
  readonly follow: boolean;
  readonly tailLines?: number;
  /** Resolves when following should stop (pod deleted, server closing). */
  readonly until: Promise<void>;
  readonly pollMs: number;
}

export async function streamLog(res: ServerResponse, req: LogRequest): Promise<void> {
  let text = '';
  try {
    text = await readFile(req.file, 'utf8');
  } catch {
    // No output yet.
  }
  let offset = Buffer.byteLength(text);
  if (req.tailLines !== undefined) {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    text = lines.slice(Math.max(0, lines.length - req.tailLines)).map((l) => `${l}\n`).join('');
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.write(text);
  if (!req.follow) {
    res.end();
    return;
  }
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  res.once('close', stop);
  void req.until.then(stop);
  while (!stopped) {
    await new Promise((r) => setTimeout(r, req.pollMs));
    let size = 0;
    try {
      size = statSync(req.file).size;
    } catch {
      continue;
    }
    if (size < offset) offset = 0;
    if (size > offset) {
      const end = size;
      await new Promise<void>((resolve) => {
        const s = createReadStream(req.file, { start: offset, end: end - 1 });
        s.on('data', (chunk) => res.write(chunk));
        s.on('end', resolve);
        s.on('error', () => resolve());
      });
      offset = end;
    }
  }
  res.end();
}
