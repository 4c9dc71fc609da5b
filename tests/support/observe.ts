/** Waiting on events instead of time: a device's request arrivals, and whether a promise has settled. */
import type { EmulatedDevice, RequestArrival } from "../../emulator";

/** Resolves once `n` more requests (matching `which`, if given) have arrived at `dev`. */
export function arrivals(dev: EmulatedDevice, n: number, which: (a: RequestArrival) => boolean = () => true): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = dev.onRequest((a) => {
      if (which(a) && ++seen === n) {
        off();
        resolve();
      }
    });
  });
}

/** The promise, with a flag that says whether it has settled yet. */
export function watched<T>(p: Promise<T>): { p: Promise<T>; settled: () => boolean } {
  let done = false;
  const settle = () => (done = true);
  p.then(settle, settle);
  return { p, settled: () => done };
}
