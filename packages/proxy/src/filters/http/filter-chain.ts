/**
 * An HCM's http_filters at config time (STYLE.md §3 wiring rules): each
 * resolved by type URL through the registry (TypedStruct unwrapped there);
 * an unregistered filter is skipped when is_optional, else NACKed in
 * Envoy's words; each config parsed with its field path; exactly one
 * terminal filter, last; then the factories. Also the RDS-time parser for
 * typed_per_filter_config, so a bad per-route config NACKs the route
 * configuration.
 */
import { fail, formatFieldPath, ok, type FieldPath, type Result } from '@skiff/common';
import { unknownExtensionMessage, type ExtensionRegistry } from '../../extensions/registry.ts';
import type { PerFilterConfigParser } from '../../http/route-table/index.ts';
import type { HttpFilterRefConfig } from '../../xds-client/types.ts';
import type { AnyHttpFilterExtension, FilterFactory, FilterFactoryContext } from './extension.ts';

export interface HttpFilterChain {
  readonly names: readonly string[];
  readonly factories: readonly FilterFactory[];
}

interface ParsedFilter {
  readonly name: string;
  readonly ext: AnyHttpFilterExtension;
  readonly config: unknown;
}

function parseFilters(refs: readonly HttpFilterRefConfig[], at: FieldPath, registry: ExtensionRegistry<AnyHttpFilterExtension>): Result<ParsedFilter[]> {
  const errors: string[] = [];
  const parsed: ParsedFilter[] = [];
  refs.forEach((ref, i) => {
    const fAt = [...at, 'http_filters', i];
    const resolved = registry.resolve(ref);
    if (!resolved.ok) {
      if (resolved.error !== undefined) errors.push(`${formatFieldPath([...fAt, 'typed_config'])}: ${resolved.error}`);
      else if (!ref.isOptional) errors.push(`${formatFieldPath(fAt)}: ${unknownExtensionMessage(ref.name, resolved.typeUrl)}`);
      return;
    }
    const config = resolved.ext.parseConfig(resolved.config, [...fAt, 'typed_config']);
    if (!config.ok) errors.push(...config.errors);
    else parsed.push({ name: ref.name, ext: resolved.ext, config: config.value });
  });
  const terminals = parsed.filter((p) => p.ext.terminal === true);
  if (errors.length === 0 && (terminals.length !== 1 || parsed[parsed.length - 1].ext.terminal !== true)) {
    errors.push(`${formatFieldPath([...at, 'http_filters'])}: exactly one terminal filter (the router) must come last`);
  }
  return errors.length > 0 ? fail(...errors) : ok(parsed);
}

/** NACK reasons for an HCM's http_filters (the xDS validation hook). */
export function validateHttpFilters(refs: readonly HttpFilterRefConfig[], at: FieldPath, registry: ExtensionRegistry<AnyHttpFilterExtension>): readonly string[] {
  const r = parseFilters(refs, at, registry);
  return r.ok ? [] : r.errors;
}

export function compileHttpFilterChain(
  refs: readonly HttpFilterRefConfig[],
  at: FieldPath,
  registry: ExtensionRegistry<AnyHttpFilterExtension>,
  ctx: Omit<FilterFactoryContext, 'filterName'>,
): Result<HttpFilterChain> {
  const parsed = parseFilters(refs, at, registry);
  if (!parsed.ok) return parsed;
  return ok({
    names: parsed.value.map((p) => p.name),
    factories: parsed.value.map((p) => p.ext.createFactory(p.config, { ...ctx, filterName: p.name })),
  });
}

/** typed_per_filter_config → the filter's parsed per-route config, resolved by the per-route type URL. */
export function perFilterConfigParser(registry: ExtensionRegistry<AnyHttpFilterExtension>): PerFilterConfigParser {
  return (filterName, value) => {
    const typeUrl = typeof value['@type'] === 'string' ? value['@type'] : '';
    const config: Record<string, unknown> = { ...value };
    delete config['@type'];
    const resolved = registry.resolve({ typeUrl, config }, (u) => registry.getBySecondary(u));
    if (!resolved.ok) return { ok: false, errors: [resolved.error ?? unknownExtensionMessage(filterName, resolved.typeUrl)] };
    const parse = resolved.ext.parsePerRouteConfig;
    if (parse === undefined) return { ok: false, errors: [`filter ${resolved.ext.name} does not support per-route config`] };
    return parse(resolved.config, []);
  };
}
