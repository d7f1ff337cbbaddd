/** Where the webhooks lib reads the time: injected so retry schedules can be tested. */
export interface Clock {
  now(): Date;
}

/** A source of uniform numbers in `[0, 1)`, like `Math.random`: injected so jitter can be tested. */
export type Random = () => number;

export const systemClock: Clock = { now: () => new Date() };

export const mathRandom: Random = () => Math.random();
