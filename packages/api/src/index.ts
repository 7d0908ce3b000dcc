export * from './schema/index.ts';
export * from './meta/object-meta.ts';
export * from './kind.ts';
export * from './kinds.ts';
export * from './istio/networking/gateway.ts';
