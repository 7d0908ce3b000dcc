export { parseManifests, type ParsedResource, type ParseResult, type ParseOptions } from './parse/manifests.ts';
export { type ConfigIssue, type Severity, type SourcePosition, type ResourceRef, IssueCollector, formatIssue, formatResourceRef } from './parse/issue.ts';
export { decodeValue } from './parse/decode.ts';
export { validateResource, type Validator } from './validate/index.ts';
export { readManifestSources, type ManifestSource } from './parse/sources.ts';
export { validateObject } from './validate/validate-object.ts';
export * from './store/types.ts';
export { withDefaults } from './defaults/index.ts';
export { createMemoryStore, type MemoryStoreOptions, parseLabelSelector, matchesLabelSelector, type LabelSelector } from './store/index.ts';
