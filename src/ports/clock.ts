/** Time and identity are passed in, never read from globals, so tests control them. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
