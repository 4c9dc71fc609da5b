/** The time source of the devices: token expiry, latency, the registrar's delay and clock, log times. */

/**
 * What the devices read the time from and schedule with. The default is the real clock; tests pass a
 * manual one to move time on by hand instead of sleeping.
 */
export interface EmulatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once `ms` have passed; the handle goes to {@link clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: EmulatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
