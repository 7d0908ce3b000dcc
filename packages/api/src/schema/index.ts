export * from './schema.ts';
export * from './builders.ts';
