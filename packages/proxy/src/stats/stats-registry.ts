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

export type MetricType = 'counter' | 'gauge' | 'histogram';

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

/** Envoy's default histogram buckets (ms for durations). */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/**
 * A histogram with fixed bucket bounds (Envoy's histogram_bucket_settings):
 * per-bucket counts, sum and count, as Prometheus exposes them. `value` is
 * the number of samples.
 */
export class Histogram implements Metric {
  readonly type = 'histogram' as const;
  readonly stat: Required<StatName>;
  readonly buckets: readonly number[];
  /** Non-cumulative counts per bucket; the last slot is above every bound. */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(stat: Required<StatName>, buckets: readonly number[]) {
    this.stat = stat;
    this.buckets = buckets;
    this.#counts = new Array<number>(buckets.length + 1).fill(0);
  }

  get value(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  record(v: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.#counts[i]++;
    this.#sum += v;
    this.#count++;
  }

  /** Cumulative counts for each bound (Prometheus `_bucket{le=...}`), without +Inf. */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) out.push((acc += this.#counts[i]));
    return out;
  }

  /** The bucket bound at or above quantile q (0..1); NaN with no samples. */
  quantile(q: number): number {
    if (this.#count === 0) return Number.NaN;
    const target = q * this.#count;
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += this.#counts[i];
      if (acc >= target && acc > 0) return this.buckets[i];
    }
    return this.buckets[this.buckets.length - 1];
  }
}

export class StatsRegistry {
  readonly #metrics = new Map<string, Counter | Gauge | Histogram>();

  /** The counter of this name, created on first use; the same object afterwards. */
  counter(stat: string | StatName): Counter {
    return this.#get(stat, 'counter', (s) => new Counter(s)) as Counter;
  }

  gauge(stat: string | StatName): Gauge {
    return this.#get(stat, 'gauge', (s) => new Gauge(s)) as Gauge;
  }

  /** The histogram of this name, created on first use with these bucket bounds. */
  histogram(stat: string | StatName, buckets: readonly number[] = DEFAULT_HISTOGRAM_BUCKETS): Histogram {
    return this.#get(stat, 'histogram', (s) => new Histogram(s, buckets)) as Histogram;
  }

  /** Every metric, sorted by name (Envoy's /stats order). */
  metrics(): readonly Metric[] {
    return [...this.#metrics.values()].sort((a, b) => (a.stat.name < b.stat.name ? -1 : a.stat.name > b.stat.name ? 1 : 0));
  }

  #get(stat: string | StatName, type: MetricType, create: (s: Required<StatName>) => Counter | Gauge | Histogram): Counter | Gauge | Histogram {
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
