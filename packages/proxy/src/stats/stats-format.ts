/**
 * Envoy's admin renderings of a StatsRegistry: `/stats` text (`name: value`,
 * sorted), `/stats?format=json` (`{"stats":[{"name","value"}]}`), and
 * `/stats/prometheus` (exposition format 0.0.4: `envoy_` prefix, every
 * non-alphanumeric character as `_`, one `# TYPE` line per family, tags as
 * labels, `{}` when there are none, as Envoy prints it).
 */
import type { Metric } from './stats-registry.ts';

export function formatStatsText(metrics: readonly Metric[], filter?: RegExp): string {
  return metrics.filter((m) => !filter || filter.test(m.stat.name)).map((m) => `${m.stat.name}: ${m.value}\n`).join('');
}

export function formatStatsJson(metrics: readonly Metric[], filter?: RegExp): { stats: { name: string; value: number }[] } {
  return { stats: metrics.filter((m) => !filter || filter.test(m.stat.name)).map((m) => ({ name: m.stat.name, value: m.value })) };
}

export function prometheusName(name: string): string {
  return `envoy_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
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
      out += `${family}{${labels}} ${m.value}\n`;
    }
  }
  return out;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
