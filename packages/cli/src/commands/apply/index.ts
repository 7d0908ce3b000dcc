/**
 * `skiff apply -f FILE|DIR|- [-n NS] [--dry-run]`: kubectl apply on the
 * local cluster. Manifests are parsed and validated here first (every
 * error with file:line and field path, nothing sent when any is wrong);
 * the server validates again and its errors come back positioned at the
 * object's document. Prints `<kind>/<name> created|configured|unchanged`.
 */
import { formatIssue, parseManifests, readManifestSources, type ParsedResource } from '@skiff/config';
import { validationIssues, type ClusterClient } from '@skiff/client';
import { UsageError, type Command, type CommandIO } from '../../command.ts';
import { cluster, DATA_DIR_FLAG, kindLabel, NAMESPACE_FLAG } from '../../context.ts';

interface ApplyFlags {
  filename?: string[];
  namespace?: string;
  'dry-run'?: boolean;
  'data-dir'?: string;
}

export const applyCommand: Command<ApplyFlags> = {
  name: 'apply',
  summary: 'Apply manifests to the local cluster (create or update)',
  usage: 'skiff apply -f FILE|DIR|- [-n NS] [--dry-run]',
  examples: ['skiff apply -f examples/demo/', 'cat vs.yaml | skiff apply -f -', 'skiff apply -f lab.yaml --dry-run'],
  flags: {
    filename: { type: 'string', short: 'f', multiple: true, valueName: 'FILE', description: 'manifest file, directory or - for stdin; repeatable' },
    namespace: NAMESPACE_FLAG,
    'dry-run': { type: 'boolean', description: 'validate on the server, store nothing' },
    'data-dir': DATA_DIR_FLAG,
  },
  async run({ flags, io }) {
    if (!flags.filename?.length) throw new UsageError('must specify one of -f and -k');
    const { client } = cluster(flags, io);
    return (await applyPaths(client, flags.filename, io, { namespace: flags.namespace, dryRun: flags['dry-run'] })) ? 0 : 1;
  },
};

/** Applies every object in `paths`; returns whether all succeeded. Shared with `skiff up --demo`. */
export async function applyPaths(client: ClusterClient, paths: readonly string[], io: CommandIO, options: { namespace?: string; dryRun?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  const sources = await readManifestSources(paths, { cwd: io.cwd, stdin: io.stdin });
  const resources: ParsedResource[] = [];
  let errors = 0;
  for (const source of sources) {
    const parsed = parseManifests(source.text, source.file);
    for (const issue of parsed.issues) {
      if (issue.severity === 'error') errors++;
      io.stderr.write(`${formatIssue(issue)}\n`);
    }
    resources.push(...parsed.resources);
  }
  if (errors > 0) {
    io.stderr.write(`error: ${errors} error${errors === 1 ? '' : 's'} in the manifests; nothing was applied\n`);
    return false;
  }
  // Namespaces first, as kubectl's users learn to do by hand.
  resources.sort((a, b) => Number(b.definition.kind === 'Namespace') - Number(a.definition.kind === 'Namespace'));
  let ok = true;
  for (const r of resources) {
    const object = structuredClone(r.object);
    if (r.definition.namespaced && options.namespace !== undefined) {
      const declared = (object.metadata as { namespace?: string } | undefined)?.namespace;
      if (declared !== undefined && declared !== options.namespace) {
        io.stderr.write(`${r.source.file}:${r.source.line}: error: the namespace from the provided object "${declared}" does not match the namespace "${options.namespace}". You must pass '--namespace=${declared}' to perform this operation.\n`);
        ok = false;
        continue;
      }
    }
    const name = (object.metadata as { name?: string } | undefined)?.name ?? r.definition.defaultName ?? '';
    try {
      const { action } = await client.apply(object, { namespace: options.namespace, dryRun: options.dryRun });
      if (!options.quiet) io.stdout.write(`${kindLabel(r.definition)}/${name} ${action}${options.dryRun ? ' (server dry run)' : ''}\n`);
    } catch (err) {
      ok = false;
      const issues = validationIssues(err);
      if (issues.length > 0) {
        for (const i of issues) io.stderr.write(`${r.source.file}:${r.source.line}:${r.source.column}: ${i.severity}: ${r.definition.kind} ${name}: ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
      } else {
        io.stderr.write(`${r.source.file}:${r.source.line}: error: ${kindLabel(r.definition)}/${name}: ${(err as Error).message}\n`);
      }
    }
  }
  return ok;
}
