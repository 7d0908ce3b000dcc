import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { serviceEntryAddressesAnalyzer } from './addresses.ts';

runAnalyzerGrid('serviceentry.Analyzer', [serviceEntryAddressesAnalyzer], [
  {
    title: 'reports each TCP or protocol-less port of a ServiceEntry without addresses, at the port',
    file: new URL('testdata/addresses.yaml', import.meta.url),
    expected: [
      ['IST0134', 'ServiceEntry default/mongo'],
      ['IST0134', 'ServiceEntry default/mongo'],
    ],
    lines: [11, 11],
  },
  {
    title: 'reports nothing when proxies capture DNS and auto-allocate addresses',
    file: new URL('testdata/addresses-auto-allocated.yaml', import.meta.url),
    expected: [],
  },
]);
