/** Help text, generated from each command's declaration so it cannot drift. */
import type { Command } from './command.ts';

export function rootHelp(commands: readonly Command<any>[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Skiff: a service mesh that speaks Istio\'s APIs and Envoy\'s xDS.',
    '',
    'Usage:',
    '  skiff COMMAND [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Use "skiff COMMAND --help" for more about a command.',
    '',
  ].join('\n');
}

export function commandHelp(command: Command<any>): string {
  const lines = [command.summary, '', 'Usage:', `  ${command.usage}`];
  if (command.description) lines.push('', command.description);
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  const rendered = Object.entries(command.flags).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  rendered.push(['  -h, --help', `help for ${command.name}`]);
  const width = Math.max(...rendered.map(([l]) => l.length)) + 2;
  lines.push('', 'Flags:', ...rendered.map(([l, d]) => `${l.padEnd(width)}${d}`), '');
  return lines.join('\n');
}
