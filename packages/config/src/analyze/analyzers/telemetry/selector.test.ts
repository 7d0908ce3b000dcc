import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { telemetrySelectorAnalyzer } from './selector.ts';

runAnalyzerGrid('telemetry.SelectorAnalyzer', [telemetrySelectorAnalyzer], [
  {
    title: 'reports Telemetry selectors matching no workload in their namespace as IST0101, and nothing for matching or selectorless ones',
    file: new URL('testdata/selector.yaml', import.meta.url),
    expected: [
      ['IST0101', 'Telemetry bookinfo/ratings-tracing'],
      ['IST0101', 'Telemetry other/reviews-elsewhere'],
    ],
    lines: [30, 42],
  },
  {
    title: "reports nothing for a selector that matches or no selector",
    file: new URL('testdata/selector-matching.yaml', import.meta.url),
    expected: [],
  },
]);
