/** Reads manifests and checks them, printing each issue to stderr; shared by `validate` and `up --demo`. */
import { formatIssue, parseManifests, readManifestSources } from '@skiff/config';
import type { CommandIO } from '../../command.ts';

export interface ManifestCheck {
  readonly objects: number;
  readonly errors: number;
}

export async function checkManifests(paths: readonly string[], io: CommandIO): Promise<ManifestCheck> {
  const sources = await readManifestSources(paths, { cwd: io.cwd, stdin: io.stdin });
  let objects = 0;
  let errors = 0;
  for (const source of sources) {
    const result = parseManifests(source.text, source.file);
    objects += result.resources.length;
    for (const issue of result.issues) {
      if (issue.severity === 'error') errors++;
      io.stderr.write(`${formatIssue(issue)}\n`);
    }
  }
  return { objects, errors };
}
