/**
 * The 32-bit hash the hashing balancers and the router's hash policies share
 * (FNV-1a with murmur3's finalizer for avalanche), so a request hash and a
 * ring position are comparable. Envoy uses xxHash64; the distribution, not
 * the exact values, is what matters here.
 */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
