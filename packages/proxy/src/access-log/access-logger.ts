/**
 * `access_log` entries (config.accesslog.v3.AccessLog) on an HCM or
 * tcp_proxy, parsed and compiled once per config: envoy.access_loggers.file
 * (FileAccessLog: path — /dev/stdout included — and log_format
 * text_format_source / text_format / json_format, or the legacy format /
 * json_format fields; none: Envoy's default format), and
 * envoy.access_loggers.stdout / stderr (StdoutAccessLog / StderrAccessLog).
 * An optional filter decides per request. Writing goes through the
 * proxy-wide, non-blocking sinks.
 */
import { TypeUrl } from '@skiff/api';
import { structToJson } from '@skiff/api/envoy/struct.ts';
import type { StructWire } from '@skiff/api/envoy/discovery-types.ts';
import { fail, ok, type FieldPath, type Result } from '@skiff/common';
import { ParseErrors, WireReader, type WireObject } from '../http/route-table/wire-reader.ts';
import { parseAccessLogFilter, type AccessLogFilter } from './access-log-filter.ts';
import type { AccessLogContext } from './context.ts';
import { compileJsonFormat, compileTextFormat, ENVOY_DEFAULT_FORMAT, type LogFormatter } from './format.ts';
import type { LogSink } from './log-sink.ts';

export interface AccessLoggerConfig {
  readonly name: string;
  readonly path: string;
  readonly format: LogFormatter;
  readonly filter: AccessLogFilter | undefined;
}

/** Where a path's lines go (the proxy's LogSinks). */
export type SinkLookup = (path: string) => LogSink;

export class AccessLogs {
  static readonly EMPTY = new AccessLogs([], () => {
    throw new TypeError('no sinks');
  });

  readonly #loggers: readonly { readonly config: AccessLoggerConfig; readonly sink: LogSink }[];

  constructor(configs: readonly AccessLoggerConfig[], sinks: SinkLookup) {
    this.#loggers = configs.map((config) => ({ config, sink: sinks(config.path) }));
  }

  get size(): number {
    return this.#loggers.length;
  }

  log(c: AccessLogContext): void {
    for (const { config, sink } of this.#loggers) {
      if (config.filter !== undefined && !config.filter(c)) continue;
      sink.write(config.format(c));
    }
  }
}

function readFormat(r: WireReader, logFormat: WireObject, at: FieldPath): LogFormatter | undefined {
  const omit = r.bool(logFormat, 'omit_empty_values', at) ?? false;
  const source = r.object(logFormat, 'text_format_source', at);
  let result: Result<LogFormatter> | undefined;
  if (source) {
    const inline = r.string(source, 'inline_string', [...at, 'text_format_source']);
    if (inline === undefined) r.errors.add([...at, 'text_format_source'], 'only inline_string data sources are supported');
    else result = compileTextFormat(inline, omit);
  } else if (typeof logFormat.text_format === 'string') result = compileTextFormat(logFormat.text_format, omit);
  else if (logFormat.json_format !== undefined) result = compileJsonFormat(structToJson(logFormat.json_format as StructWire), omit);
  else r.errors.add(at, 'format: value is required');
  if (result !== undefined && !result.ok) for (const e of result.errors) r.errors.add(at, e);
  return result?.ok ? result.value : undefined;
}

function readFileLog(r: WireReader, c: WireObject, at: FieldPath, fixedPath?: string): { path: string; format: LogFormatter } {
  const path = fixedPath ?? r.string(c, 'path', at) ?? '';
  if (path === '') r.errors.add([...at, 'path'], 'value length must be at least 1 characters');
  let format: LogFormatter | undefined;
  const logFormat = r.object(c, 'log_format', at);
  if (logFormat) format = readFormat(r, logFormat, [...at, 'log_format']);
  else if (typeof c.format === 'string') format = compile(r, compileTextFormat(c.format), [...at, 'format']);
  else if (c.json_format !== undefined) format = compile(r, compileJsonFormat(structToJson(c.json_format as StructWire)), [...at, 'json_format']);
  else if (c.typed_json_format !== undefined) format = compile(r, compileJsonFormat(structToJson(c.typed_json_format as StructWire)), [...at, 'typed_json_format']);
  const fallback = compileTextFormat(ENVOY_DEFAULT_FORMAT);
  return { path, format: format ?? (fallback.ok ? fallback.value : () => '') };
}

function compile(r: WireReader, result: Result<LogFormatter>, at: FieldPath): LogFormatter | undefined {
  if (result.ok) return result.value;
  for (const e of result.errors) r.errors.add(at, e);
  return undefined;
}

/** `access_log` of an HCM or tcp_proxy → compiled loggers; every error with its field path (NACK). */
export function parseAccessLogs(list: unknown, at: FieldPath): Result<AccessLoggerConfig[]> {
  const r = new WireReader(new ParseErrors());
  const holder = { access_log: list ?? [] };
  const out: AccessLoggerConfig[] = [];
  r.objects(holder, 'access_log', at.slice(0, -1)).forEach((entry, i) => {
    const eAt = [...at, i];
    const name = r.string(entry, 'name', eAt) ?? '';
    const typed = r.object(entry, 'typed_config', eAt);
    if (!typed) {
      r.errors.add([...eAt, 'config_type'], 'value is required');
      return;
    }
    const tAt = [...eAt, 'typed_config'];
    const filterWire = r.object(entry, 'filter', eAt);
    const filter = filterWire ? parseAccessLogFilter(r, filterWire, [...eAt, 'filter']) : undefined;
    const typeUrl = typeof typed['@type'] === 'string' ? typed['@type'] : '';
    let file: { path: string; format: LogFormatter };
    switch (typeUrl) {
      case TypeUrl.FileAccessLog:
        file = readFileLog(r, typed, tAt);
        break;
      case TypeUrl.StdoutAccessLog:
        file = readFileLog(r, typed, tAt, '/dev/stdout');
        break;
      case TypeUrl.StderrAccessLog:
        file = readFileLog(r, typed, tAt, '/dev/stderr');
        break;
      default:
        r.errors.add(eAt, `Didn't find a registered implementation for '${name}' with type URL: '${typeUrl.slice(typeUrl.lastIndexOf('/') + 1)}'`);
        return;
    }
    out.push({ name, path: file.path, format: file.format, filter });
  });
  return r.errors.list.length > 0 ? fail(...r.errors.list) : ok(out);
}
