/**
 * A cap on the requests in flight to one device. Panels serve one request at a time; a fleet's
 * concurrent resources (or a burst of retries) must not open hundreds of sockets to one panel.
 * Callers beyond the cap queue in arrival order.
 */

/** Requests one device may have in flight at once, across every client of that device. */
export const MAX_IN_FLIGHT_PER_DEVICE = 2;

export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Highest number of holders seen at once (tests read it). */
  peak = 0;

  constructor(readonly limit: number) {}

  /** Runs `task` once a slot is free; the slot is released when it settles. */
  async run<A>(task: () => Promise<A>): Promise<A> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never drops below the queue's demand.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}

const gates = new Map<string, Gate>();

/** The gate of a device (by normalized endpoint), shared by every client of that device in this process. */
export function gateFor(endpoint: string): Gate {
  let gate = gates.get(endpoint);
  if (gate === undefined) {
    gate = new Gate(MAX_IN_FLIGHT_PER_DEVICE);
    gates.set(endpoint, gate);
  }
  return gate;
}
