/** One HTTP(S) listener that can be closed and reopened on the same port, dropping open connections. */
import * as http from "http";
import * as https from "https";
import type * as net from "net";

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

  /** Listen; resolves to the bound port (the ephemeral one when port is 0), rejects with e.g. EADDRINUSE. */
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
