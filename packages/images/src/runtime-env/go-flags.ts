/**
 * Go's `flag` package syntax, which http-echo, fortio and go-httpbin use:
 * `-name value`, `-name=value`, `--name=value`; booleans take no value
 * unless written `-b=false`; parsing stops at the first non-flag argument or
 * `--`. Repeatable flags (fortio's `-H`) collect every value.
 */
export interface FlagSpec {
  readonly boolean?: readonly string[];
  readonly repeatable?: readonly string[];
  readonly known: readonly string[];
}

export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly rest: readonly string[];
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export function parseGoFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const known = new Set([...spec.known, ...(spec.boolean ?? []), ...(spec.repeatable ?? [])]);
  const booleans = new Set(spec.boolean ?? []);
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (!known.has(name)) throw new FlagError(`flag provided but not defined: -${name}`);
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (booleans.has(name)) value = 'true';
    else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[++i];
    }
    if (spec.repeatable?.includes(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
    else values.set(name, value);
  }
  return { values, lists, rest: argv.slice(i) };
}

/** Go's time.ParseDuration for the units these tools use: `5s`, `250ms`, `1m30s`, `1.5s`, `100us`; a bare number is seconds when `bareSeconds`. */
export function parseGoDuration(text: string, bareSeconds = false): number | undefined {
  if (bareSeconds && /^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}
