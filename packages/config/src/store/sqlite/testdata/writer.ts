/**
 * A child process for durability.int.test.ts. Writes to a SQLite store and
 * acknowledges on stdout only after each call has returned.
 *   create <file> <prefix>            creates <prefix>-0, <prefix>-1, ... until killed: "ack <name> <rv>"
 *   increment <file> <times> <names>  after "go" on stdin, read-modify-write of label "count", retrying conflicts: "done <conflicts>"
 */
import { isSkiffError } from '@skiff/common';
import { openSqliteStore } from '../sqlite-store.ts';
import { StoreErrorCode } from '../../types.ts';
import { gateway, keyOf } from '../../testdata/gateway-fixtures.ts';

const [mode, file, ...rest] = process.argv.slice(2);
const store = openSqliteStore(file, { busyTimeoutMs: 10_000 });
process.stdout.write('ready\n');

if (mode === 'create') {
  const prefix = rest[0];
  for (let i = 0; ; i++) {
    const name = `${prefix}-${i}`;
    const created = await store.create(gateway(name, { host: `${name}.example.com`, labels: { writer: prefix } }));
    process.stdout.write(`ack ${name} ${created.metadata.resourceVersion}\n`);
  }
} else if (mode === 'increment') {
  const times = Number(rest[0]);
  const names = rest.slice(1);
  // Start together: wait for the parent's "go" on stdin so the writers really race.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy();
  let conflicts = 0;
  for (let i = 0; i < times; i++) {
    const key = keyOf(names[i % names.length]);
    for (;;) {
      const current = await store.get(key);
      if (!current) throw new Error(`${key.name} is missing`);
      const count = Number(current.metadata.labels?.count ?? '0');
      current.metadata.labels = { ...current.metadata.labels, count: String(count + 1) };
      try {
        await store.update(current);
        break;
      } catch (err) {
        if (!isSkiffError(err, StoreErrorCode.Conflict)) throw err;
        conflicts++;
      }
    }
  }
  await store.close();
  process.stdout.write(`done ${conflicts}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
