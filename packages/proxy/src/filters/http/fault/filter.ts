/**
 * One request through the fault filter: the route's typed_per_filter_config
 * (else the filter's own config) decides; a delay is rolled first and held
 * on the injected clock (flag DI), then an abort is rolled and answered with
 * Envoy's `fault filter abort` body (flag FI). Per-stream state only.
 */
import type { Cancel, Clock, Random } from '@skiff/common';
import type { HeadersStatus, HttpFilter, StreamContext } from '../filter.ts';
import type { FaultConfig, FractionalPercentConfig } from './config.ts';
import type { FaultStats } from './stats.ts';

export interface FaultShared {
  readonly config: FaultConfig;
  readonly filterName: string;
  readonly stats: FaultStats;
  readonly clock: Clock;
  readonly random: Random;
}

function roll(random: Random, p: FractionalPercentConfig): boolean {
  return p.numerator > 0 && Math.floor(random.next() * p.denominator) < p.numerator;
}

export class FaultFilter implements HttpFilter {
  readonly #s: FaultShared;
  readonly #stream: StreamContext;
  #timer: Cancel | null = null;
  #active = false;

  constructor(shared: FaultShared, stream: StreamContext) {
    this.#s = shared;
    this.#stream = stream;
  }

  decodeHeaders(): HeadersStatus {
    const config = this.#stream.perRouteConfig<FaultConfig>(this.#s.filterName) ?? this.#s.config;
    if (config.delay === undefined && config.abort === undefined) return 'Continue';
    const { stats, random } = this.#s;
    if (stats.activeFaults.value >= config.maxActiveFaults) {
      stats.counters.faults_overflow.inc();
      return 'Continue';
    }
    if (config.delay !== undefined && roll(random, config.delay.percentage)) {
      stats.counters.delays_injected.inc();
      this.#stream.info.setResponseFlag('DI');
      this.#begin();
      this.#timer = this.#s.clock.setTimeout(() => {
        this.#timer = null;
        if (!this.#maybeAbort(config)) {
          this.#end();
          this.#stream.continueDecoding();
        }
      }, config.delay.fixedDelayMs);
      return 'StopIteration';
    }
    return this.#maybeAbort(config) ? 'StopIteration' : 'Continue';
  }

  onDestroy(): void {
    this.#timer?.();
    this.#timer = null;
    this.#end();
  }

  #maybeAbort(config: FaultConfig): boolean {
    if (config.abort === undefined || !roll(this.#s.random, config.abort.percentage)) return false;
    this.#s.stats.counters.aborts_injected.inc();
    this.#end();
    this.#stream.sendLocalReply(config.abort.httpStatus, 'fault filter abort', { responseFlag: 'FI', details: 'fault_filter_abort' });
    return true;
  }

  #begin(): void {
    if (this.#active) return;
    this.#active = true;
    this.#s.stats.activeFaults.inc();
  }

  #end(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#s.stats.activeFaults.dec();
  }
}
