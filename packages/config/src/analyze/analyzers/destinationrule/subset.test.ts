import { runAnalyzerGrid } from '../../analyzer-test-grid.ts';
import { subsetSelectPodAnalyzer } from './subset.ts';

runAnalyzerGrid('destinationrule.SubsetSelectPodAnalyzer', [subsetSelectPodAnalyzer], [
  {
    title: 'reports unknown hosts (IST0174) and subsets that select no workload of the service (IST0173), and nothing for known hosts and matching subsets',
    file: new URL('testdata/subsets.yaml', import.meta.url),
    expected: [
      ['IST0173', 'DestinationRule default/reviews'],
      ['IST0174', 'DestinationRule default/fake-host'],
      ['IST0174', 'DestinationRule other/short-elsewhere'],
      ['IST0173', 'DestinationRule default/legacy'],
    ],
    lines: [51, 61, 90, 144],
  },
  {
    title: "reports nothing for known hosts (Service, wildcard, FQDN, ServiceEntry, the mesh's own) and subsets that select workloads",
    file: new URL('testdata/subsets-matching.yaml', import.meta.url),
    expected: [],
  },
]);
