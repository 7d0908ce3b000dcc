import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, seededRandom } from '@skiff/common';
import { StatsRegistry } from '../../stats/index.ts';
import { HealthFlag, Host } from '../host.ts';
import { parseOutlierDetection } from './detector-config.ts';
import { OutlierDetector } from './detector.ts';

function setup(wire: Record<string, unknown>, hostCount: number) {
  const parsed = parseOutlierDetection({ interval: { seconds: '10' }, max_ejection_percent: { value: 100 }, ...wire }, ['outlier_detection']);
  if (!parsed.ok) throw new Error(parsed.errors.join());
  const clock = new FakeClock(0);
  const stats = new StatsRegistry();
  const hosts = Array.from({ length: hostCount }, (_, i) => new Host(`10.0.0.${i + 1}`, 80));
  let published = 0;
  const detector = new OutlierDetector({ config: parsed.value, clusterName: 'c', clock, random: seededRandom(7), stats, hosts: () => hosts, onHealthChanged: () => published++ });
  const counter = (s: string) => stats.counter(`cluster.c.outlier_detection.${s}`).value;
  const active = () => stats.gauge('cluster.c.outlier_detection.ejections_active').value;
  const ejected = () => hosts.map((h) => h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK));
  return { clock, hosts, detector, counter, active, ejected, published: () => published };
}

/** `n` responses to `host`, `failures` of them 500. */
function traffic(d: OutlierDetector, host: Host, n: number, failures: number): void {
  for (let i = 0; i < n; i++) d.putHttpResponseCode(host, i < failures ? 500 : 200);
}

describe('success-rate ejection', () => {
  it("ejects the host below mean − 1.9 × stdev after an interval (Envoy's example: 50 vs four at 100)", () => {
    const t = setup({ consecutive_5xx: { value: 1000 } }, 5);
    traffic(t.detector, t.hosts[0], 100, 50);
    for (const h of t.hosts.slice(1)) traffic(t.detector, h, 100, 0);
    t.clock.advance(9_999);
    assert.deepEqual(t.ejected(), [false, false, false, false, false]);
    t.clock.advance(1); // the interval just ended is judged
    assert.deepEqual(t.ejected(), [true, false, false, false, false]);
    assert.equal(t.counter('ejections_detected_success_rate'), 1);
    assert.equal(t.counter('ejections_enforced_success_rate'), 1);
    assert.equal(t.counter('ejections_enforced_total'), 1);
    assert.equal(t.active(), 1);
    assert.equal(t.hosts[1].outlier.successRate, 100);
  });

  it('needs success_rate_minimum_hosts hosts with success_rate_request_volume requests', () => {
    const t = setup({ consecutive_5xx: { value: 1000 } }, 5);
    traffic(t.detector, t.hosts[0], 100, 50);
    for (const h of t.hosts.slice(1, 4)) traffic(t.detector, h, 100, 0);
    traffic(t.detector, t.hosts[4], 99, 0); // one short of the volume: only 4 hosts qualify
    t.clock.advance(20_000);
    assert.deepEqual(t.ejected(), [false, false, false, false, false]);
    assert.equal(t.counter('ejections_detected_success_rate'), 0);
  });

  it('counts a detection that enforcing_success_rate 0 does not enforce', () => {
    const t = setup({ consecutive_5xx: { value: 1000 }, enforcing_success_rate: { value: 0 }, success_rate_minimum_hosts: { value: 3 }, success_rate_request_volume: { value: 10 } }, 3);
    traffic(t.detector, t.hosts[0], 10, 9);
    traffic(t.detector, t.hosts[1], 10, 0);
    traffic(t.detector, t.hosts[2], 10, 0);
    t.clock.advance(20_000);
    // mean 70, stdev 42.4: threshold −10.6, so nothing is an outlier by success rate here.
    assert.equal(t.counter('ejections_detected_success_rate'), 0);
    const u = setup({ consecutive_5xx: { value: 1000 }, enforcing_success_rate: { value: 0 }, success_rate_minimum_hosts: { value: 3 }, success_rate_request_volume: { value: 10 }, success_rate_stdev_factor: { value: 1000 } }, 3);
    traffic(u.detector, u.hosts[0], 10, 9);
    traffic(u.detector, u.hosts[1], 10, 0);
    traffic(u.detector, u.hosts[2], 10, 0);
    u.clock.advance(20_000);
    assert.equal(u.counter('ejections_detected_success_rate'), 1);
    assert.equal(u.counter('ejections_enforced_success_rate'), 0);
    assert.deepEqual(u.ejected(), [false, false, false]);
  });
});

describe('failure-percentage ejection', () => {
  it('ejects hosts at or over failure_percentage_threshold with enough volume, when enforced', () => {
    const t = setup({ consecutive_5xx: { value: 1000 }, enforcing_failure_percentage: { value: 100 }, failure_percentage_threshold: { value: 50 }, failure_percentage_minimum_hosts: { value: 2 }, failure_percentage_request_volume: { value: 20 } }, 3);
    traffic(t.detector, t.hosts[0], 20, 10); // 50 %: ejected
    traffic(t.detector, t.hosts[1], 20, 9); // 45 %
    traffic(t.detector, t.hosts[2], 19, 19); // 100 % but under the volume
    t.clock.advance(20_000);
    assert.deepEqual(t.ejected(), [true, false, false]);
    assert.equal(t.counter('ejections_enforced_failure_percentage'), 1);
  });

  it('is detected but not enforced by default (enforcing_failure_percentage 0)', () => {
    const t = setup({ consecutive_5xx: { value: 1000 }, failure_percentage_minimum_hosts: { value: 1 }, failure_percentage_request_volume: { value: 10 } }, 1);
    traffic(t.detector, t.hosts[0], 10, 10);
    t.clock.advance(20_000);
    assert.equal(t.counter('ejections_detected_failure_percentage'), 1);
    assert.deepEqual(t.ejected(), [false]);
  });
});

describe('local-origin failures', () => {
  it('with split_external_local_origin_errors, connect failures and timeouts count apart (consecutive_local_origin_failure)', () => {
    const t = setup({ split_external_local_origin_errors: true, consecutive_local_origin_failure: { value: 3 }, consecutive_5xx: { value: 2 } }, 2);
    const [h] = t.hosts;
    t.detector.putResult(h, 'local_origin_connect_failed');
    t.detector.putResult(h, 'local_origin_timeout');
    t.detector.putResult(h, 'local_origin_connect_success'); // resets the local-origin run
    t.detector.putResult(h, 'local_origin_connect_failed');
    t.detector.putResult(h, 'local_origin_connect_failed');
    assert.equal(h.healthy, true, 'and none of them counted as 5xx');
    t.detector.putResult(h, 'local_origin_timeout');
    assert.equal(h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK), true);
    assert.equal(t.counter('ejections_enforced_consecutive_local_origin_failure'), 1);
    assert.equal(t.counter('ejections_detected_consecutive_local_origin_failure'), 1);
    assert.equal(t.counter('ejections_enforced_consecutive_5xx'), 0);
  });

  it('without the split, a connect failure is a 503 and a timeout a 504 (consecutive 5xx and gateway failure)', () => {
    const t = setup({ consecutive_5xx: { value: 3 }, consecutive_gateway_failure: { value: 2 }, enforcing_consecutive_gateway_failure: { value: 100 } }, 2);
    const [h] = t.hosts;
    t.detector.putResult(h, 'local_origin_connect_success'); // not a result by itself
    t.detector.putResult(h, 'local_origin_connect_failed');
    t.detector.putResult(h, 'local_origin_timeout');
    assert.equal(h.hasFlag(HealthFlag.FAILED_OUTLIER_CHECK), true);
    assert.equal(t.counter('ejections_enforced_consecutive_gateway_failure'), 1);
  });
});

describe('ejection time', () => {
  it('is base_ejection_time × backoff, capped by max_ejection_time; the backoff shrinks while the host stays in', () => {
    const t = setup({ consecutive_5xx: { value: 1 }, interval: { seconds: '1' }, base_ejection_time: { seconds: '10' }, max_ejection_time: { seconds: '25' } }, 1);
    const [h] = t.hosts;
    const ejectAndMeasure = (): number => {
      t.detector.putHttpResponseCode(h, 500);
      assert.equal(h.healthy, false);
      let s = 0;
      while (!h.healthy) {
        t.clock.advance(1000);
        s++;
      }
      return s;
    };
    assert.equal(ejectAndMeasure(), 10);
    assert.equal(ejectAndMeasure(), 20);
    assert.equal(ejectAndMeasure(), 25, 'capped by max_ejection_time');
    assert.equal(t.counter('ejections_enforced_consecutive_5xx'), 3);
    assert.equal(t.active(), 0);
    // Three healthy intervals take three steps off the backoff (3 → 0); the next ejection is base again.
    t.clock.advance(3000);
    assert.equal(ejectAndMeasure(), 10);
  });

  it('resets the consecutive counters on return, and returns a host that passes an active health check at once', () => {
    const t = setup({ consecutive_5xx: { value: 2 }, base_ejection_time: { seconds: '30' } }, 1);
    const [h] = t.hosts;
    t.detector.putHttpResponseCode(h, 500);
    t.detector.putHttpResponseCode(h, 500);
    assert.equal(h.healthy, false);
    t.detector.onActiveHealthCheckSuccess(h);
    assert.equal(h.healthy, true);
    assert.equal(t.active(), 0);
    t.detector.putHttpResponseCode(h, 500);
    assert.equal(h.healthy, true, 'one 5xx after return is not two in a row');
  });

  it('never ejects a second host past max_ejection_percent, but always allows one', () => {
    const t = setup({ consecutive_5xx: { value: 1 }, max_ejection_percent: { value: 10 } }, 3);
    t.detector.putHttpResponseCode(t.hosts[0], 500);
    t.detector.putHttpResponseCode(t.hosts[1], 500);
    assert.deepEqual(t.ejected(), [true, false, false]);
    assert.equal(t.counter('ejections_overflow'), 1);
  });
});

describe('outlier detection config', () => {
  it("rejects max_ejection_time under base_ejection_time with Envoy's text, and percentages over 100", () => {
    const r = parseOutlierDetection({ base_ejection_time: { seconds: '60' }, max_ejection_time: { seconds: '30' }, enforcing_success_rate: { value: 101 } }, ['outlier_detection']);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors, [
      "outlier_detection.max_ejection_time: outlier detector's max_ejection_time cannot be smaller than base_ejection_time",
      'outlier_detection.enforcing_success_rate.value: value must be less than or equal to 100',
    ]);
  });
});
