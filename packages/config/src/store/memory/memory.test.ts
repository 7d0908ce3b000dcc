import { runConfigStoreConformance } from '../conformance.test-suite.ts';
import { createMemoryStore } from './memory-store.ts';

runConfigStoreConformance('memory', ({ clock, historyLimit }) => createMemoryStore({ clock, historyLimit }));
