/**
 * One live progress line per site. On a terminal the lines are redrawn in place (at most every
 * 200 ms); elsewhere (CI logs) a line is printed when a site starts a phase and when it ends.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

interface Line {
  state: string;
  phase: string;
  started?: number;
  steps: number;
  done: number;
  failed: number;
}

export class Progress {
  private readonly lines = new Map<string, Line>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly width: number;

  constructor(
    sites: readonly string[],
    private readonly out: Output,
    private readonly now: () => number = Date.now,
  ) {
    for (const s of sites) this.lines.set(s, { state: "waiting", phase: "", steps: 0, done: 0, failed: 0 });
    this.width = Math.max(4, ...sites.map((s) => s.length));
    if (out.isTTY) {
      this.timer = setInterval(() => this.draw(), 200);
      this.timer.unref();
      this.draw();
    }
  }

  /** A site starts an engine run (`refresh`, `update`, `preview`). */
  phase(site: string, phase: string): void {
    const l = this.lines.get(site)!;
    Object.assign(l, { state: "running", phase, steps: 0, done: 0 });
    l.started ??= this.now();
    if (!this.out.isTTY) this.out.write(`${this.format(site, l)}\n`);
  }

  /** Counts the resource steps of the site's current run. */
  event(site: string, e: EngineEvent): void {
    const l = this.lines.get(site)!;
    const skip = (type: string) => type.startsWith("pulumi:");
    if (e.resourcePreEvent && !skip(e.resourcePreEvent.metadata.type)) l.steps++;
    else if (e.resOutputsEvent && !skip(e.resOutputsEvent.metadata.type)) l.done++;
    else if (e.resOpFailedEvent && !skip(e.resOpFailedEvent.metadata.type)) {
      l.done++;
      l.failed++;
    }
  }

  /** The site ended: `succeeded`, `failed`, `locked`, `error`. */
  finish(site: string, state: string): void {
    const l = this.lines.get(site)!;
    l.state = state;
    if (!this.out.isTTY) this.out.write(`${this.format(site, l)}\n`);
  }

  /** Draws the final lines and stops redrawing. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.out.isTTY) this.draw();
  }

  private format(site: string, l: Line): string {
    const secs = l.started === undefined ? "" : ` ${((this.now() - l.started) / 1000).toFixed(1)}s`;
    const running = l.state === "running";
    const what = running ? `${l.phase}: ${l.done}/${l.steps} steps` : l.state === "waiting" ? "waiting" : `${l.state} (${l.phase})`;
    const failed = l.failed > 0 ? `, ${l.failed} failed` : "";
    return `${site.padEnd(this.width)}  ${what}${failed}${secs}`;
  }

  private draw(): void {
    const text = [...this.lines].map(([site, l]) => `\x1b[2K${this.format(site, l)}`).join("\n");
    this.out.write(`${this.drawn > 0 ? `\x1b[${this.drawn}F` : ""}${text}\n`);
    this.drawn = this.lines.size;
  }
}
