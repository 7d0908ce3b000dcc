import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goG, Histogram } from './histogram.ts';
import { goDuration } from './load.ts';

describe('fortio histogram', () => {
  it("formats numbers as Go's %g", () => {
    assert.equal(goG(0.0056869), '0.0056869');
    assert.equal(goG(100), '100');
    assert.equal(goG(0.000012345), '1.2345e-05');
    assert.equal(goG(334.16123, 5), '334.16');
  });

  it("formats durations as Go's time.Duration", () => {
    assert.equal(goDuration(60_000), '1m0s');
    assert.equal(goDuration(5000), '5s');
    assert.equal(goDuration(59.8524), '59.8524ms');
  });

  it('puts values in fortio buckets, clamps the ends to min and max, and interpolates percentiles inside a bucket', () => {
    const h = new Histogram();
    for (const v of [0.0005, 0.0015, 0.0015, 0.0035]) h.record(v);
    assert.deepEqual(h.buckets().map((b) => [b.start, b.end, b.percent, b.count]), [
      [0.0005, 0.001, 25, 1],
      [0.001, 0.002, 75, 2],
      [0.003, 0.0035, 100, 1],
    ]);
    assert.equal(h.percentile(50), 0.0015);
    assert.equal(h.percentile(100), 0.0035);
    assert.match(h.report('Aggregated Function Time', [50]), /^Aggregated Function Time : count 4 avg 0\.00175 \+\/- 0\.001090? min 0\.0005 max 0\.0035 sum 0\.007\n# range, mid point, percentile, count\n>= 0\.0005 <= 0\.001 , 0\.00075 , 25\.00, 1\n> 0\.001 <= 0\.002 , 0\.0015 , 75\.00, 2\n> 0\.003 <= 0\.0035 , 0\.00325 , 100\.00, 1\n# target 50% 0\.0015\n$/);
  });

  it('reports "no data" when nothing was recorded', () => {
    assert.equal(new Histogram().report('Error cases', []), 'Error cases : no data\n');
  });
});
