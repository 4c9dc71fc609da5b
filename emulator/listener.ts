/**
 * One HTTP(S) listener whose device can be put down and up again. The port is the one the OS gave
 * (or the one asked for) and is kept until the listener closes: a device that is down still holds it
 * and resets every connection, so no other listener, test worker or outgoing socket can take it in
 * between and make the device's comeback fail.
 */
import * as http from "http";
import * as https from "https";
import type * as net from "net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Listener {
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private open = false;
  private down = false;

  constructor(handler: Handler, tls?: { key: string | Buffer; cert: string | Buffer }) {
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    this.server.on("connection", (s: net.Socket) => {
      // Down: the connection is reset at once (the client sees ECONNRESET), nothing is read.
      if (this.down) {
        s.resetAndDestroy();
        return;
      }
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  /** Listen; resolves to the bound port (port 0: the one the OS picked), rejects with e.g. EADDRINUSE. */
  async listen(port: number, host: string): Promise<number> {
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

  /** true: reset every open and every new connection, keeping the port; false: serve again. */
  setDown(down: boolean): void {
    this.down = down;
    if (!down) return;
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
  }

  get isDown(): boolean {
    return this.down;
  }

  /** Stop accepting and destroy every connection, including hung requests; the port is released. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
