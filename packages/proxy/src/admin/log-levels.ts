/**
 * The proxy's logger levels by component (Envoy's logger names), which
 * /logging shows and changes at run time. Components read their level
 * through `enabled(component, level)` when they log, so a change takes
 * effect on the next line.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The components Skiff's proxy logs under, named as Envoy's loggers. */
export const LOGGERS = ['admin', 'config', 'connection', 'filter', 'http', 'main', 'router', 'upstream'] as const;

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export class LogLevels {
  readonly #levels = new Map<string, LogLevel>();

  constructor(initial: LogLevel = 'info', loggers: readonly string[] = LOGGERS) {
    for (const name of loggers) this.#levels.set(name, initial);
  }

  get(logger: string): LogLevel | undefined {
    return this.#levels.get(logger);
  }

  /** Sets one logger; false when there is no such logger. */
  set(logger: string, level: LogLevel): boolean {
    if (!this.#levels.has(logger)) return false;
    this.#levels.set(logger, level);
    return true;
  }

  setAll(level: LogLevel): void {
    for (const name of this.#levels.keys()) this.#levels.set(name, level);
  }

  enabled(logger: string, level: LogLevel): boolean {
    const current = this.#levels.get(logger) ?? 'info';
    return level !== 'off' && LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(current);
  }

  /** Sorted by logger name. */
  entries(): readonly [string, LogLevel][] {
    return [...this.#levels].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}
