import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { unreachableRulesAnalyzer } from './unreachable-rules.ts';

runAnalyzerGrid('virtualservice.UnreachableRulesAnalyzer', [unreachableRulesAnalyzer], [
  {
    title: 'reports rules after a match-all rule, rules whose matches all repeat earlier ones (IST0130), and each repeated match (IST0131); nothing for distinct matches with the catch-all last',
    file: new URL('testdata/unreachable-rules.yaml', import.meta.url),
    expected: [
      ['IST0130', 'VirtualService default/catch-all-first'],
      ['IST0130', 'VirtualService default/catch-all-first'],
      ['IST0130', 'VirtualService default/duplicates'],
      ['IST0131', 'VirtualService default/duplicates'],
      ['IST0131', 'VirtualService default/duplicates'],
      ['IST0130', 'VirtualService default/tcp'],
      ['IST0131', 'VirtualService default/tcp'],
    ],
    lines: [13, 13, 36, 38, 38, 67, 68],
  },
  {
    title: "reports nothing for distinct matches with the catch-all last, in http, tcp and tls",
    file: new URL('testdata/unreachable-rules-distinct.yaml', import.meta.url),
    expected: [],
  },
]);
