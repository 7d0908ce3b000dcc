/**
 * Istio's percentages on the wire: a Percent (double) becomes parts per
 * million, the deprecated integer percents stay in hundredths.
 */
import type { Percent } from '@skiff/api';
import type { FractionalPercentWire } from './wire.ts';

/** translatePercentToFractionalPercent: `value × 10000` per MILLION. */
export function percentToFractional(p: Percent): FractionalPercentWire {
  return { numerator: Math.trunc((p.value ?? 0) * 10000), denominator: 'MILLION' };
}

/** translateIntegerToFractionalPercent: `value` per HUNDRED. */
export function integerToFractional(value: number): FractionalPercentWire {
  return { numerator: value, denominator: 'HUNDRED' };
}
