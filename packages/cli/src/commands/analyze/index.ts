/**
 * `skiff analyze`: Istio's analyzers over manifests (istioctl analyze
 * --use-kube=false). Messages go to stdout in Istio's text, JSON or YAML
 * form; the summary goes to stderr. Exit code 79 (istioctl's
 * ExitAnalyzerFoundIssues) when any Error is reported, 0 otherwise.
 */
import { analysis, readManifestSources } from '@skiff/config';
import { UsageError, type Command } from '../../command.ts';

interface Flags {
  filename?: string[];
  namespace?: string;
  'all-namespaces'?: boolean;
  output?: string;
  suppress?: string[];
  'list-analyzers'?: boolean;
}

/** istioctl's exit code when analyzers found issues at or above the failure threshold. */
export const EXIT_ANALYZER_FOUND_ISSUES = 79;

const FORMATS: readonly analysis.OutputFormat[] = ['text', 'json', 'yaml'];

export const analyzeCommand: Command<Flags> = {
  name: 'analyze',
  summary: 'Analyze Istio configuration and print validation messages (IST codes)',
  usage: 'skiff analyze -f FILE|DIR|- [-f ...] [-A | -n NS] [-o text|json|yaml] [--suppress CODE=Kind ns/name] [--list-analyzers]',
  description: [
    'Runs Istio\'s analyzers over the given manifests and prints each finding as Istio does:',
    '  Error [IST0101] (VirtualService default/reviews vs.yaml:12) Referenced host not found: "reviewz"',
    'Objects without a namespace are placed in -n NS (default "default"), and only that namespace is',
    'reported unless -A is given. Exits 79 when any Error is reported.',
  ].join('\n'),
  examples: [
    'skiff analyze -f examples/demo/',
    'skiff analyze -A -f samples/ -o json',
    'skiff analyze -f vs.yaml --suppress "IST0101=VirtualService default/reviews"',
    'skiff analyze -f ns.yaml --suppress "IST0102=Namespace *"',
  ],
  flags: {
    filename: { type: 'string', short: 'f', multiple: true, valueName: 'FILE', description: 'file, directory or - (stdin) to analyze; repeatable (positional arguments work too)' },
    namespace: { type: 'string', short: 'n', valueName: 'NS', description: 'namespace for objects without one, and the namespace reported on (default "default")' },
    'all-namespaces': { type: 'boolean', short: 'A', description: 'analyze and report all namespaces' },
    output: { type: 'string', short: 'o', valueName: 'FORMAT', description: 'output format: text, json or yaml (default text)' },
    suppress: { type: 'string', short: 'S', multiple: true, valueName: 'CODE=Kind ns/name', description: 'suppress a message code on a resource; repeatable; * matches any characters; Istio\'s "CODE=Kind name.namespace" also works' },
    'list-analyzers': { type: 'boolean', short: 'L', description: 'list the analyzers and exit' },
  },
  async run({ flags, args, io }) {
    if (flags['list-analyzers']) {
      io.stdout.write(listAnalyzers(analysis.ALL_ANALYZERS));
      return 0;
    }
    const format = (flags.output ?? 'text').toLowerCase() as analysis.OutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`${flags.output} not a valid option for format; use one of ${FORMATS.join(', ')}`);
    const paths = [...(flags.filename ?? []), ...args];
    if (paths.length === 0) throw new UsageError('must specify files to analyze with -f (a file, a directory, or - for stdin)');
    const suppressions: analysis.Suppression[] = [];
    for (const text of flags.suppress ?? []) {
      const parsed = analysis.parseSuppression(text);
      if (!parsed.ok) throw new UsageError(parsed.errors.join('; '));
      if (!analysis.ALL_MESSAGE_TYPES.some((t) => t.code === parsed.value.code)) {
        io.stderr.write(`Warning: Supplied message code '${parsed.value.code}' is an unknown message code and will not have any effect.\n`);
      }
      suppressions.push(parsed.value);
    }
    const namespace = flags.namespace ?? 'default';
    const allNamespaces = flags['all-namespaces'] === true;
    const sources = await readManifestSources(paths, { cwd: io.cwd, stdin: io.stdin });
    const result = analysis.analyzeSources(sources, { namespace, allNamespaces, suppressions });
    const target = allNamespaces ? 'all namespaces' : `namespace: ${namespace}`;
    if (result.messages.length > 0 || format !== 'text') io.stdout.write(analysis.formatMessages(result.messages, format));
    if (result.messages.length === 0) io.stderr.write(`\u2714 No validation issues found when analyzing ${target}.\n`);
    if (analysis.hasMessagesAtLeast(result.messages, 'Error')) {
      io.stderr.write(`Error: Analyzers found issues when analyzing ${target}.\nSee ${analysis.DOCUMENTATION_BASE} for more information about causes and resolutions.\n`);
      return EXIT_ANALYZER_FOUND_ISSUES;
    }
    return 0;
  },
};

/** istioctl's AnalyzersAsString: sorted by name, description indented below. */
export function listAnalyzers(analyzers: readonly analysis.Analyzer[]): string {
  return [...analyzers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `* ${a.name}:\n    ${a.description}\n`).join('');
}
