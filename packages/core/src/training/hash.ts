/**
 * A fast, non-cryptographic 53-bit string hash (cyrb53, public domain), for the bounded-memory tables of the
 * training-data checks. Two independent 32-bit lanes make accidental collisions between distinct examples
 * negligible at the sizes we meet (about n² / 2^54: one in a few thousand million for a million examples); it
 * is not meant to resist crafted collisions, which only a file's own author could build.
 */
export function computeStringHash(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The low 32 bits of a hash from `computeStringHash` (a table's slot and fingerprint come from here). */
export function lowBits(hash: number): number {
  return hash >>> 0;
}

/** The high 21 bits of a hash from `computeStringHash`. */
export function highBits(hash: number): number {
  return Math.floor(hash / 4294967296);
}
