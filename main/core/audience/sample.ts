/**
 * A 32-bit hash of `text` with a numeric seed: FNV-1a, then murmur3's finalizer to spread
 * close inputs. Not cryptographic; stable across runs and platforms.
 */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
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

/** A stable bucket in [0, 10000) for (seed, id): the same seed always keeps the same customers. */
export function sampleBucket(seed: string, id: string): number {
  return hash32(`${seed}\u0000${id}`) % 10000;
}

export function inSample(seed: string, id: string, percent: number): boolean {
  return sampleBucket(seed, id) < Math.round(percent * 100);
}
