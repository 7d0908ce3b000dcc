/**
 * Where access log lines go: one sink per path, shared by every logger
 * that names it (Envoy's AccessLogManager). Writes never block the data
 * path: lines are appended to a pending buffer and handed to an fs
 * WriteStream (the libuv thread pool does the I/O) one batch at a time, the
 * next batch when the previous write completed. A sink that cannot keep up
 * drops lines beyond maxPendingBytes and counts them, as Envoy's
 * access_log_file.write_failed / ...buffered do for a stuck file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export interface LogSink {
  write(line: string): void;
  /** Resolves when everything written so far reached the file. */
  flush(): Promise<void>;
  readonly dropped: number;
}

const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;

export class FileLogSink implements LogSink {
  readonly path: string;
  readonly #maxPendingBytes: number;
  #stream: WriteStream | null = null;
  #pending: string[] = [];
  #pendingBytes = 0;
  #writing = false;
  #waiters: (() => void)[] = [];
  #dropped = 0;
  #failed = false;

  constructor(path: string, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES) {
    this.path = path;
    this.#maxPendingBytes = maxPendingBytes;
  }

  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): void {
    if (this.#failed || this.#pendingBytes + line.length > this.#maxPendingBytes) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (!this.#writing) this.#writeBatch();
  }

  flush(): Promise<void> {
    if (!this.#writing && this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #open(): WriteStream {
    if (this.#stream === null) {
      this.#stream = createWriteStream(this.path, { flags: 'a' });
      this.#stream.on('error', () => {
        // An unwritable path costs the lines, never the proxy.
        this.#failed = true;
        this.#dropped += this.#pending.length;
        this.#pending = [];
        this.#pendingBytes = 0;
        this.#writing = false;
        this.#release();
      });
    }
    return this.#stream;
  }

  #writeBatch(): void {
    if (this.#pending.length === 0 || this.#failed) {
      this.#writing = false;
      this.#release();
      return;
    }
    const batch = this.#pending.length === 1 ? this.#pending[0] : this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing = true;
    this.#open().write(batch, (err) => {
      if (err) return;
      this.#writeBatch();
    });
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  close(): Promise<void> {
    return this.flush().then(() => new Promise<void>((resolve) => {
      if (this.#stream === null) return resolve();
      this.#stream.end(() => resolve());
    }));
  }
}

/** One sink per path for the whole proxy. */
export class LogSinks {
  readonly #sinks = new Map<string, FileLogSink>();

  get(path: string): FileLogSink {
    let s = this.#sinks.get(path);
    if (s === undefined) this.#sinks.set(path, (s = new FileLogSink(path)));
    return s;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sinks.values()].map((s) => s.close()));
    this.#sinks.clear();
  }
}
