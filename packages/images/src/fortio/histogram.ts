/**
 * Fortio's latency histogram and its text report: the same fixed buckets
 * (in units of -r, 1 ms by default), `# range, mid point, percentile, count`
 * rows and `# target P% value` lines interpolated inside a bucket as fortio's
 * CalcPercentile does, and Go's %g number formatting so the output reads
 * like fortio's.
 */
const BUCKETS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000];

/** Go's %g (shortest form up to `precision` significant digits, trailing zeros dropped). */
export function goG(value: number, precision = 6): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const exp = Math.floor(Math.log10(Math.abs(value)));
  if (exp < -4 || exp >= precision) {
    const [m, e] = value.toExponential(precision - 1).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const fixed = value.toPrecision(precision);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

export class Counter {
  count = 0;
  sum = 0;
  sumOfSquares = 0;
  min = 0;
  max = 0;

  record(v: number): void {
    if (this.count === 0 || v < this.min) this.min = v;
    if (this.count === 0 || v > this.max) this.max = v;
    this.count++;
    this.sum += v;
    this.sumOfSquares += v * v;
  }

  avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  stdDev(): number {
    if (this.count === 0) return 0;
    const a = this.avg();
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.count - a * a));
  }

  /** `count 20 avg 0.0056869 +/- 0.003869 min 0.000499 max 0.0144329 sum 0.113738` */
  summary(): string {
    return `count ${this.count} avg ${goG(this.avg(), 8)} +/- ${goG(this.stdDev(), 4)} min ${goG(this.min)} max ${goG(this.max)} sum ${goG(this.sum, 9)}`;
  }
}

export class Histogram extends Counter {
  readonly #divider: number;
  readonly #hits = new Array<number>(BUCKETS.length + 1).fill(0);

  constructor(divider = 0.001) {
    super();
    this.#divider = divider;
  }

  override record(v: number): void {
    super.record(v);
    const scaled = v / this.#divider;
    let idx = BUCKETS.findIndex((b) => scaled < b);
    if (idx < 0) idx = BUCKETS.length;
    this.#hits[idx]++;
  }

  /** Non-empty buckets as [start, end, percentile, count], with the first start and last end clamped to min and max. */
  buckets(): { start: number; end: number; percent: number; count: number }[] {
    const out: { start: number; end: number; percent: number; count: number }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.#hits.length; i++) {
      const n = this.#hits[i];
      if (n === 0) continue;
      cumulative += n;
      const start = Math.max(this.min, i === 0 ? 0 : BUCKETS[i - 1] * this.#divider);
      const end = Math.min(this.max, i < BUCKETS.length ? BUCKETS[i] * this.#divider : this.max);
      out.push({ start, end, percent: (100 * cumulative) / this.count, count: n });
    }
    return out;
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (p >= 100) return this.max;
    let prevPercent = 0;
    for (const b of this.buckets()) {
      if (b.percent >= p) {
        if (b.percent === prevPercent) return b.end;
        return b.start + ((p - prevPercent) * (b.end - b.start)) / (b.percent - prevPercent);
      }
      prevPercent = b.percent;
    }
    return this.max;
  }

  /** The block fortio prints after `Aggregated Function Time :`. */
  report(title: string, percentiles: readonly number[]): string {
    if (this.count === 0) return `${title} : no data\n`;
    const lines = [`${title} : ${this.summary()}`, '# range, mid point, percentile, count'];
    this.buckets().forEach((b, i) => {
      lines.push(`${i === 0 ? '>=' : '>'} ${goG(b.start)} <= ${goG(b.end)} , ${goG((b.start + b.end) / 2)} , ${b.percent.toFixed(2)}, ${b.count}`);
    });
    for (const p of percentiles) lines.push(`# target ${goG(p)}% ${goG(this.percentile(p))}`);
    return `${lines.join('\n')}\n`;
  }
}
