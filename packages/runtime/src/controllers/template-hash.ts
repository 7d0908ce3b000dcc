/**
 * Kubernetes' pod-template-hash: FNV-32a over the template, rendered in
 * decimal and passed through SafeEncodeString (no vowels, no look-alike
 * digits), and the five random characters of a generated pod name.
 */
import { randomInt, type Random } from '@skiff/common';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(stableJson(template))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncode(String(hash >>> 0));
}

export function safeEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text)) out += ALPHANUMS[byte % ALPHANUMS.length];
  return out;
}

export function randomSuffix(random: Random, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[randomInt(random, ALPHANUMS.length)];
  return out;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
