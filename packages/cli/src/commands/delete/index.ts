/** `skiff delete -f FILE|DIR|-` or `skiff delete KIND NAME... [-n NS]`: kubectl delete on the local cluster. */
import { formatIssue, parseManifests, readManifestSources } from '@skiff/config';
import { UsageError, type Command } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindLabel, kindOf, NAMESPACE_FLAG } from '../../context.ts';

interface DeleteFlags {
  filename?: string[];
  namespace?: string;
  'ignore-not-found'?: boolean;
  'data-dir'?: string;
}

export const deleteCommand: Command<DeleteFlags> = {
  name: 'delete',
  summary: 'Delete objects from the local cluster, by manifest or by kind and name',
  usage: 'skiff delete (-f FILE|DIR|- | KIND NAME...) [-n NS] [--ignore-not-found]',
  examples: ['skiff delete -f examples/demo/30-user-service-canary.yaml', 'skiff delete vs user-service -n backend'],
  flags: {
    filename: { type: 'string', short: 'f', multiple: true, valueName: 'FILE', description: 'manifest file, directory or -; repeatable' },
    namespace: NAMESPACE_FLAG,
    'ignore-not-found': { type: 'boolean', description: 'treat "not found" as success' },
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, args, io }) {
    const targets: { definition: ReturnType<typeof kindOf>; namespace: string; name: string }[] = [];
    if (flags.filename?.length) {
      if (args.length > 0) throw new UsageError('when -f is given, do not name objects as arguments');
      for (const source of await readManifestSources(flags.filename, { cwd: io.cwd, stdin: io.stdin })) {
        const parsed = parseManifests(source.text, source.file);
        for (const issue of parsed.issues.filter((i) => i.severity === 'error' && !i.resource)) io.stderr.write(`${formatIssue(issue)}\n`);
        for (const r of parsed.resources) {
          const m = (r.object.metadata ?? {}) as { name?: string; namespace?: string };
          targets.push({ definition: r.definition, namespace: m.namespace ?? flags.namespace ?? 'default', name: m.name ?? r.definition.defaultName ?? '' });
        }
      }
    } else {
      if (args.length < 2) throw new UsageError('give -f FILE, or a kind and at least one name');
      const definition = kindOf(args[0]);
      for (const name of args.slice(1)) targets.push({ definition, namespace: flags.namespace ?? 'default', name });
    }
    const { client } = cluster(flags, io);
    let failed = false;
    for (const t of targets) {
      try {
        await client.delete(t.definition, t.namespace, t.name);
        io.stdout.write(`${kindLabel(t.definition)} "${t.name}" deleted\n`);
      } catch (err) {
        if ((err as { code?: string }).code === 'SKIFF_ERR_NOT_FOUND' && flags['ignore-not-found']) continue;
        failed = true;
        io.stderr.write(`Error from server (NotFound): ${(err as Error).message}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
