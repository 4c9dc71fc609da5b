/**
 * A clock that moves only when a test says so: the emulator's `clock` option, the client's `clock`
 * option and the registration wait's `Clock` all accept it. Tests then check "not before N ms" and
 * "after N ms" exactly, instead of measuring wall-clock time.
 */
interface Timer {
  readonly id: number;
  readonly due: number;
  readonly ms: number;
  readonly fn: () => void;
}

export class ManualClock {
  private t: number;
  private nextId = 1;
  private timers: Timer[] = [];
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];

  /** Starts at `start` ms since the epoch (default: a fixed instant, so runs are reproducible). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, due: this.t + Math.max(0, ms), ms, fn });
    this.wake();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
    this.wake();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** The delays (ms, as scheduled) of the timers not yet fired, in the order they were set. */
  get pending(): number[] {
    return this.timers.map((x) => x.ms);
  }

  /** How many timers of exactly `ms` are pending. */
  pendingOf(ms: number): number {
    return this.pending.filter((x) => x === ms).length;
  }

  /** Resolves once `ready()` holds; checked now and whenever a timer is set or cleared. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  /** Moves time on by `ms`, firing every timer that falls due, in due order, each at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.due;
      next.fn();
    }
    this.t = end;
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.ready());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** Lets pending I/O callbacks and promise continuations run (several event-loop turns). */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}
