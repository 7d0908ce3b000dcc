/**
 * Istio's host.Name.Matches: two host names match when they are equal or one
 * is a wildcard (`*.example.com`, `*`) covering the other; two wildcards
 * match when one covers the other.
 */
import { wildcardCovers } from '../../hosts.ts';

export function hostsMatch(a: string, b: string): boolean {
  return a === b || wildcardCovers(a, b) || wildcardCovers(b, a);
}
