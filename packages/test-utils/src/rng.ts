/**
 * Small, fast, seeded pseudo-random helpers for deterministic tests and simulations. Not cryptographic.
 */

/** A function returning uniformly distributed numbers in [0, 1), deterministic for a given seed. */
export type Rng = () => number;

/** Murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Maps any number (negative, fractional, huge) to an unsigned 32-bit seed. */
function toSeed32(seed: number): number {
  if (Number.isInteger(seed) && Math.abs(seed) <= 0xffffffff) return seed >>> 0;
  return hashString(String(seed));
}

/**
 * Hashes a string to an unsigned 32-bit integer (FNV-1a over UTF-16 code units, then a murmur3 finaliser), so
 * similar strings land far apart. Stable across runs and platforms.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * Combines several numeric seeds (e.g. a test's seed, a hashed case, a sample index) into one unsigned 32-bit
 * seed. Order matters: `combineSeeds(1, 2) !== combineSeeds(2, 1)`.
 */
export function combineSeeds(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = mix32((h ^ toSeed32(part)) + 0x6d2b79f5);
  }
  return h;
}

/**
 * Creates a seeded PRNG (mulberry32): each call returns the next number in [0, 1). The same seed always yields
 * the same sequence. Non-integer seeds are hashed.
 */
export function createRng(seed: number): Rng {
  let a = toSeed32(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
