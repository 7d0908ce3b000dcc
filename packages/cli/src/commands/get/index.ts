/**
 * `skiff get KIND [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name] [--show-labels]`:
 * kubectl get on the local cluster, with kubectl's columns (pods: NAME
 * READY STATUS RESTARTS AGE) and its "No resources found" message.
 */
import { stringify } from 'yaml';
import type { KindDefinition } from '@skiff/api';
import type { StoredResource } from '@skiff/client';
import { UsageError, type Command, type CommandIO } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindLabel, kindOf, NAMESPACE_FLAG } from '../../context.ts';
import { COLUMNS, DEFAULT_COLUMNS } from '../../writers/columns.ts';
import { formatTable } from '../../writers/table.ts';

interface GetFlags {
  namespace?: string;
  'all-namespaces'?: boolean;
  selector?: string;
  output?: string;
  'show-labels'?: boolean;
  'data-dir'?: string;
}

export const getCommand: Command<GetFlags> = {
  name: 'get',
  summary: 'List objects of the local cluster (pods, svc, deploy, ns, vs, dr, gw, se, pa, ap, ra, ...)',
  usage: 'skiff get KIND[,KIND] [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name] [--show-labels]',
  examples: ['skiff get pods -n backend', 'skiff get vs,dr -A', 'skiff get pod user-service-v1-7c9f8d-abcde -n backend -o yaml'],
  flags: {
    namespace: NAMESPACE_FLAG,
    'all-namespaces': { type: 'boolean', short: 'A', description: 'list across all namespaces' },
    selector: { type: 'string', short: 'l', valueName: 'SELECTOR', description: 'label selector, e.g. app=reviews,version!=v1' },
    output: { type: 'string', short: 'o', valueName: 'FORMAT', description: 'wide, yaml, json or name' },
    'show-labels': { type: 'boolean', description: 'add a LABELS column' },
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, args, io }) {
    if (args.length === 0) throw new UsageError('You must specify the type of resource to get.');
    const output = flags.output;
    if (output !== undefined && !['wide', 'yaml', 'json', 'name'].includes(output)) throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`);
    const kinds = args[0].split(',').map(kindOf);
    const names = args.slice(1);
    if (names.length > 0 && kinds.length > 1) throw new UsageError('you may only specify a single resource type when naming objects');
    const { client } = cluster(flags, io);
    const all = flags['all-namespaces'] === true && names.length === 0;
    const namespace = flags.namespace ?? 'default';
    const found: { definition: KindDefinition; items: StoredResource[] }[] = [];
    let failed = false;
    for (const definition of kinds) {
      if (names.length > 0) {
        const items: StoredResource[] = [];
        for (const name of names) {
          try {
            items.push(await client.get(definition, namespace, name));
          } catch (err) {
            io.stderr.write(`Error from server (NotFound): ${(err as Error).message}\n`);
            failed = true;
          }
        }
        found.push({ definition, items });
      } else {
        const list = await client.list(definition, { ...(all || !definition.namespaced ? {} : { namespace }), ...(flags.selector ? { labelSelector: flags.selector } : {}) });
        found.push({ definition, items: list.items });
      }
    }
    const items = found.flatMap((f) => f.items);
    if (output === 'json' || output === 'yaml') {
      const body = items.length === 1 && names.length === 1 ? items[0] : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
      io.stdout.write(output === 'json' ? `${JSON.stringify(body, null, 4)}\n` : stringify(body));
      return failed ? 1 : 0;
    }
    if (output === 'name') {
      for (const f of found) for (const o of f.items) io.stdout.write(`${kindLabel(f.definition)}/${o.metadata.name}\n`);
      return failed ? 1 : 0;
    }
    if (items.length === 0 && !failed) {
      io.stderr.write(all ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
      return 0;
    }
    printTables(io, found, { wide: output === 'wide', allNamespaces: all, showLabels: flags['show-labels'] === true, prefixKind: kinds.length > 1 });
    return failed ? 1 : 0;
  },
};

function printTables(io: CommandIO, found: { definition: KindDefinition; items: StoredResource[] }[], o: { wide: boolean; allNamespaces: boolean; showLabels: boolean; prefixKind: boolean }): void {
  const now = Date.now();
  let first = true;
  for (const { definition, items } of found) {
    if (items.length === 0) continue;
    const columns = COLUMNS[definition.kind] ?? DEFAULT_COLUMNS;
    const header = [...columns.header, ...(o.wide && columns.wideHeader ? columns.wideHeader : []), ...(o.showLabels ? ['LABELS'] : [])];
    const rows = items.map((item) => {
      const row = columns.row(item, now);
      if (o.prefixKind) row[0] = `${kindLabel(definition)}/${row[0]}`;
      if (o.wide && columns.wide) row.push(...columns.wide(item, now));
      if (o.showLabels) row.push(Object.entries(item.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>');
      return o.allNamespaces && definition.namespaced ? [item.metadata.namespace ?? '', ...row] : row;
    });
    if (!first) io.stdout.write('\n');
    first = false;
    io.stdout.write(formatTable(o.allNamespaces && definition.namespaced ? ['NAMESPACE', ...header] : header, rows));
  }
}
