/**
 * Generators keyed by type URL (Istio's InitGenerators, Envoy's registry.h):
 * one explicit list, duplicates throw, tests swap an entry with `override`
 * and call the restore function it returns.
 */
import { SkiffError } from '@skiff/common';
import type { Generator, GeneratorEntry } from './types.ts';

export class GeneratorRegistry<P> {
  readonly #generators = new Map<string, Generator<P>>();

  constructor(entries: readonly GeneratorEntry<P>[] = []) {
    for (const entry of entries) this.register(entry);
  }

  register(entry: GeneratorEntry<P>): void {
    if (this.#generators.has(entry.typeUrl)) {
      throw new SkiffError('SKIFF_ERR_XDS_DUPLICATE_GENERATOR', `a generator for type URL '${entry.typeUrl}' is already registered`, { typeUrl: entry.typeUrl });
    }
    this.#generators.set(entry.typeUrl, entry.generate);
  }

  get(typeUrl: string): Generator<P> | undefined {
    return this.#generators.get(typeUrl);
  }

  /** Replaces (or adds) the generator for a type; returns the function that restores the previous state. */
  override(entry: GeneratorEntry<P>): () => void {
    const previous = this.#generators.get(entry.typeUrl);
    this.#generators.set(entry.typeUrl, entry.generate);
    return () => {
      if (previous) this.#generators.set(entry.typeUrl, previous);
      else this.#generators.delete(entry.typeUrl);
    };
  }
}
