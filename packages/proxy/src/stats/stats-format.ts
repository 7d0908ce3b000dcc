/**
 * Envoy's admin renderings of a StatsRegistry: `/stats` text (`name: value`,
 * sorted; histograms as `P0(..) P25(..) ...` quantiles), `/stats?format=json`
 * (`{"stats":[{"name","value"}]}`, histograms under `histograms`), and
 * `/stats/prometheus` (exposition format 0.0.4: `envoy_` prefix, every
 * non-alphanumeric character as `_`, one `# TYPE` line per family, tags as
 * labels, `{}` when there are none, as Envoy prints it; histograms as
 * `_bucket{le=...}` / `_sum` / `_count`). Stats in a custom namespace
 * (`istiocustom.`, Istio's standard metrics) drop the namespace and the
 * `envoy_` prefix, as Envoy's custom stat namespaces do.
 */
import type { Histogram, Metric } from './stats-registry.ts';

/** Envoy's custom stat namespaces: exported to Prometheus without `envoy_` and without the namespace. */
export const CUSTOM_STAT_NAMESPACES: readonly string[] = ['istiocustom'];

const QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1];

function histogramText(h: Histogram): string {
  if (h.value === 0) return 'No recorded values';
  return QUANTILES.map((q) => {
    const v = h.quantile(q);
    return `P${q * 100}(${v},${v})`;
  }).join(' ');
}

export function formatStatsText(metrics: readonly Metric[], filter?: RegExp): string {
  return metrics.filter((m) => !filter || filter.test(m.stat.name)).map((m) => `${m.stat.name}: ${m.type === 'histogram' ? histogramText(m as Histogram) : m.value}\n`).join('');
}

export function formatStatsJson(metrics: readonly Metric[], filter?: RegExp): { stats: ({ name: string; value: number } | { histograms: unknown })[] } {
  const selected = metrics.filter((m) => !filter || filter.test(m.stat.name));
  const stats: ({ name: string; value: number } | { histograms: unknown })[] = selected.filter((m) => m.type !== 'histogram').map((m) => ({ name: m.stat.name, value: m.value }));
  const histograms = selected.filter((m) => m.type === 'histogram') as Histogram[];
  if (histograms.length > 0) {
    stats.push({
      histograms: {
        supported_quantiles: QUANTILES.map((q) => q * 100),
        computed_quantiles: histograms.map((h) => ({ name: h.stat.name, values: QUANTILES.map((q) => ({ cumulative: Number.isNaN(h.quantile(q)) ? null : h.quantile(q) })) })),
      },
    });
  }
  return { stats };
}

export function prometheusName(name: string): string {
  for (const ns of CUSTOM_STAT_NAMESPACES) {
    if (name.startsWith(`${ns}.`)) return name.slice(ns.length + 1).replace(/[^a-zA-Z0-9_]/g, '_');
  }
  return `envoy_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** A bucket bound as Envoy prints it: `0.5`, `600000`, `1e+06`, `3.6e+06`. */
export function formatBound(v: number): string {
  if (Math.abs(v) < 1e6) return String(v);
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

export function formatStatsPrometheus(metrics: readonly Metric[], filter?: RegExp): string {
  const families = new Map<string, Metric[]>();
  for (const m of metrics) {
    if (filter && !filter.test(m.stat.name)) continue;
    const family = prometheusName(m.stat.tagExtractedName);
    const list = families.get(family) ?? [];
    list.push(m);
    families.set(family, list);
  }
  let out = '';
  for (const family of [...families.keys()].sort()) {
    const list = families.get(family)!;
    out += `# TYPE ${family} ${list[0].type}\n`;
    for (const m of list) {
      const labels = Object.entries(m.stat.tags).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      if (m.type !== 'histogram') {
        out += `${family}{${labels}} ${m.value}\n`;
        continue;
      }
      const h = m as Histogram;
      const sep = labels === '' ? '' : ',';
      const cumulative = h.cumulative();
      h.buckets.forEach((b, i) => {
        out += `${family}_bucket{${labels}${sep}le="${formatBound(b)}"} ${cumulative[i]}\n`;
      });
      out += `${family}_bucket{${labels}${sep}le="+Inf"} ${h.value}\n`;
      out += `${family}_sum{${labels}} ${h.sum}\n`;
      out += `${family}_count{${labels}} ${h.value}\n`;
    }
  }
  return out;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
