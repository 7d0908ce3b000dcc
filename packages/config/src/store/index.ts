/**
 * The config store: the contract (`types.ts`), its backends and the label
 * selector both use. Open the durable store for local mode, the in-memory
 * one for tests.
 */
export * from './types.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memory/memory-store.ts';
export { parseLabelSelector, matchesLabelSelector, type LabelSelector, type LabelRequirement, type LabelOperator } from './label-selector.ts';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
