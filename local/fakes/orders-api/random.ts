// Seeded randomness for the fake orders API: a sequential generator for building and mutating the shop,
// and a stateless hash so that every rendered field is a pure function of (seed, order, version, salt).

/** Mixes integers into one well-spread 32-bit value (murmur3's finaliser applied per part). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Parts above 2^32 (microsecond times) would lose their high bits in `| 0`: fold them in too.
    if (part > 0xffffffff || part < -0x80000000) h = Math.imul(h ^ Math.floor(part / 0x100000000), 0x27d4eb2f);
  }
  return h >>> 0;
}

/** A hash as a float in [0, 1). */
export function unit(hash: number): number {
  return hash / 0x100000000;
}

/** mulberry32: small, fast, good enough for test data; the same seed always gives the same sequence. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed) || 1;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
