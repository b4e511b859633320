/**
 * A stable pseudo-random bucket in [0, 10000) for (seed, id): FNV-1a, then a murmur3 finalizer
 * to spread close ids. The same seed always keeps the same customers (holdouts stay put).
 */
export function sampleBucket(seed: string, id: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${id}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10000;
}

export function inSample(seed: string, id: string, percent: number): boolean {
  return sampleBucket(seed, id) < Math.round(percent * 100);
}
