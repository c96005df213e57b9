/** A source of uniform numbers in [0, 1): the seam for jitter (STYLE.md principle 5). */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();
