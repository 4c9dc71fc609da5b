/**
 * Fault injection: the counters consumed per request, malformed reads, latency timers and the
 * serial queue. The device decides which requests are subject to them.
 */
import type { EmulatorClock } from "./clock";
import type { FaultOptions } from "./types";

export const DEFAULT_FAULTS: FaultOptions = {
  latencyMs: 0,
  serial: false,
  failNext: 0,
  failStatus: 500,
  resetNext: 0,
  malformedNext: 0,
  hangNext: 0,
};

/** Longest latency accepted: Node timers silently turn anything past 2^31-1 ms into 1 ms. */
export const MAX_LATENCY_MS = 600_000;

/** Why a latency is unusable, or undefined. */
export function latencyProblem(ms: number): string | undefined {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_LATENCY_MS ? undefined : `latency must be an integer from 0 to ${MAX_LATENCY_MS} ms, got ${ms}`;
}

/** What a faulted request gets instead of its answer. */
export type FaultAction = { kind: "reset" } | { kind: "hang" } | { kind: "fail"; status: number };

/** Consume one pending request fault, if any: reset first, then hang, then fail. */
export function takeFault(f: FaultOptions): FaultAction | undefined {
  if (f.resetNext > 0) {
    f.resetNext--;
    return { kind: "reset" };
  }
  if (f.hangNext > 0) {
    f.hangNext--;
    return { kind: "hang" };
  }
  if (f.failNext > 0) {
    f.failNext--;
    return { kind: "fail", status: f.failStatus };
  }
  return undefined;
}

/** An account GET body, truncated to about half if a malformed read is pending (consumes it). */
export function maybeMalformed(f: FaultOptions, body: string): string {
  if (f.malformedNext <= 0) return body;
  f.malformedNext--;
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}

/** Latency timers that can all be cancelled when the device stops. */
export class Delays {
  private readonly timers = new Set<unknown>();

  constructor(private readonly clock: EmulatorClock) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.clock.setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Clear pending timers; their sleepers never resume, so their requests are dropped. */
  cancelAll(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}

/** Serial mode: one request at a time, in arrival order. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Wait for the previous holder; resolves to the release function. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => mine);
    return prev.then(() => release);
  }
}
