/**
 * The proxy's stats store: counters and gauges under Envoy's names
 * (`cluster_manager.cds.update_success`), each optionally carrying the tags
 * Envoy extracts for Prometheus (`cluster.<name>.upstream_rq_total` →
 * `envoy_cluster_upstream_rq_total{envoy_cluster_name="<name>"}`). Components
 * declare their names in their own stats.ts and create the metrics once, at
 * config time; the hot path only bumps a number.
 */

export interface StatName {
  /** The full Envoy name, as /stats prints it. */
  readonly name: string;
  /** The name with the tag values taken out, as Prometheus sees it; default `name`. */
  readonly tagExtractedName?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export type MetricType = 'counter' | 'gauge';

export interface Metric {
  readonly type: MetricType;
  readonly stat: Required<StatName>;
  readonly value: number;
}

export class Counter implements Metric {
  readonly type = 'counter' as const;
  readonly stat: Required<StatName>;
  #value = 0;

  constructor(stat: Required<StatName>) {
    this.stat = stat;
  }

  get value(): number {
    return this.#value;
  }

  inc(by = 1): void {
    this.#value += by;
  }
}

export class Gauge implements Metric {
  readonly type = 'gauge' as const;
  readonly stat: Required<StatName>;
  #value = 0;

  constructor(stat: Required<StatName>) {
    this.stat = stat;
  }

  get value(): number {
    return this.#value;
  }

  set(value: number): void {
    this.#value = value;
  }

  inc(by = 1): void {
    this.#value += by;
  }

  dec(by = 1): void {
    this.#value -= by;
  }
}

export class StatsRegistry {
  readonly #metrics = new Map<string, Counter | Gauge>();

  /** The counter of this name, created on first use; the same object afterwards. */
  counter(stat: string | StatName): Counter {
    return this.#get(stat, 'counter', (s) => new Counter(s)) as Counter;
  }

  gauge(stat: string | StatName): Gauge {
    return this.#get(stat, 'gauge', (s) => new Gauge(s)) as Gauge;
  }

  /** Every metric, sorted by name (Envoy's /stats order). */
  metrics(): readonly Metric[] {
    return [...this.#metrics.values()].sort((a, b) => (a.stat.name < b.stat.name ? -1 : a.stat.name > b.stat.name ? 1 : 0));
  }

  #get(stat: string | StatName, type: MetricType, create: (s: Required<StatName>) => Counter | Gauge): Counter | Gauge {
    const s = typeof stat === 'string' ? { name: stat } : stat;
    const existing = this.#metrics.get(s.name);
    if (existing) {
      if (existing.type !== type) throw new TypeError(`stat '${s.name}' is already a ${existing.type}, not a ${type}`);
      return existing;
    }
    const metric = create({ name: s.name, tagExtractedName: s.tagExtractedName ?? s.name, tags: s.tags ?? {} });
    this.#metrics.set(s.name, metric);
    return metric;
  }
}
