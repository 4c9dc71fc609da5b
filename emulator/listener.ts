/** One HTTP(S) listener that can be closed and reopened on the same port, dropping open connections. */
import * as http from "http";
import * as https from "https";
import type * as net from "net";

/** Ports the emulator picks for "port 0": under Linux's default ephemeral range (32768-60999). */
const PICK_MIN = 20000;
const PICK_MAX = 32768;
const PICK_TRIES = 50;
/** Attempts, 100 ms apart, to reopen a fixed port. */
const REOPEN_TRIES = 20;

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Listener {
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private open = false;

  constructor(handler: Handler, tls?: { key: string | Buffer; cert: string | Buffer }) {
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    this.server.on("connection", (s: net.Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  get listening(): boolean {
    return this.open;
  }

  /**
   * Listen; resolves to the bound port, rejects with e.g. EADDRINUSE. Port 0 picks a free port BELOW
   * the kernel's ephemeral range: a device put down and up again reopens its port, and in the
   * ephemeral range another listener or an outgoing connection could have taken it meanwhile.
   */
  async listen(port: number, host: string): Promise<number> {
    if (port !== 0) return this.listenOn(port, host, REOPEN_TRIES);
    for (let i = 0; i < PICK_TRIES; i++) {
      const candidate = PICK_MIN + Math.floor(Math.random() * (PICK_MAX - PICK_MIN));
      try {
        return await this.listenOn(candidate, host, 1);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
      }
    }
    return this.listenOn(0, host, 1);
  }

  /** One listen, retried briefly on EADDRINUSE (a just-closed port can linger for a moment). */
  private async listenOn(port: number, host: string, tries: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listenOnce(port, host);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= tries) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private async listenOnce(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server.off("listening", onListening);
        reject(err);
      };
      const onListening = (): void => {
        this.server.off("error", onError);
        resolve();
      };
      this.server.once("error", onError);
      this.server.once("listening", onListening);
      this.server.listen(port, host);
    });
    this.open = true;
    const addr = this.server.address();
    return addr && typeof addr === "object" ? addr.port : port;
  }

  /** Stop accepting and destroy every connection, including hung requests. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
