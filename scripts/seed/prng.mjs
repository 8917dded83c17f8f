// Deterministic randomness for the seed: the same run always writes the same rows (ids included).

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** `count` distinct items of `list`, in list order. */
    sample: (list, count) => list.filter(() => next() < count / list.length).slice(0, count),
  };
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** A prefixed ULID like `newId` in src/lib/ids.ts (time part from `at`, random part from `random`). */
export function seededId(prefix, at, random) {
  let time = '';
  let t = at;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[Math.floor(random.next() * 32)];
  return `${prefix}_${time}${rest}`;
}
