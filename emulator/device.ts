/**
 * One emulated intercom: its state, tokens, faults and request log, and the pipeline every
 * request goes through (control endpoints, serial queue, latency, faults, route, log line).
 */
import type * as http from "http";
import type { AccountKey, AccountStates, MainAccountState, SecondAccountState, SipEnableState } from "./accounts";
import { Tokens, type Credentials } from "./auth";
import type { EmulatorClock } from "./clock";
import { CONTROL_PREFIX, control } from "./control";
import { Delays, SerialQueue, takeFault } from "./faults";
import { Listener } from "./listener";
import { maskDeep, maskQuery, queryText } from "./masking";
import { Registrar, type RegistrarOptions, type RegistrationState } from "./registrar";
import { dispatch, type DeviceContext, type Route } from "./routes";
import { initialStates } from "./state";
import { WEB_PASS, type EmulatedDevice, type EmulatorOptions, type FaultOptions, type RecordedRequest, type RequestArrival } from "./types";
import { isPlainObject } from "./validation";
import { MAX_REQUEST_BYTES, send, readRequest, type DeviceRequest } from "./wire";

/** Entries a device's request log keeps by default; older ones are dropped first. */
export const MAX_REQUEST_LOG = 10_000;

/** What the log keeps of a body: masked JSON, or only the size of anything else (it may hold a password in any form). */
function bodyForLog(req: DeviceRequest): unknown {
  if (req.tooLarge) return `[over ${MAX_REQUEST_BYTES} bytes, not read]`;
  if (req.raw.length === 0) return undefined;
  return req.bodyIsJson ? maskDeep(req.body) : `[not JSON, ${Buffer.byteLength(req.raw)} bytes, not kept]`;
}

/** Everything one device is built from; the factory resolves defaults. */
export interface DeviceConfig {
  index: number;
  /** Port to listen on; 0 = a free one the OS picks, kept until stop() (also while the device is down). */
  port: number;
  host: string;
  credentials: Credentials;
  tokenTtlMs: number;
  /** Shared by the devices of one emulator: routes are built once. */
  routes: Map<string, Route>;
  tls?: { key: string | Buffer; cert: string | Buffer };
  faults: FaultOptions;
  log?: (line: string) => void;
  seed?: EmulatorOptions["seed"];
  /** Default {@link MAX_REQUEST_LOG}. */
  requestLogLimit?: number;
  info?: EmulatorOptions["info"];
  /** This device's own copy; the factory resolves defaults. */
  registrar: RegistrarOptions;
  clock: EmulatorClock;
}

export class Device implements EmulatedDevice, DeviceContext {
  readonly index: number;
  readonly requests: RecordedRequest[] = [];
  faults: FaultOptions;
  state: AccountStates;
  readonly tokens: Tokens;
  readonly credentials: Credentials;
  /** Replaces the default `/api/info` answer; mutable so tests can play another family. */
  info?: Record<string, unknown>;
  readonly registrar: Registrar;

  private _port: number;
  private readonly listener: Listener;
  private readonly delays: Delays;
  private readonly queue = new SerialQueue();
  private readonly arrivalListeners = new Set<(arrival: RequestArrival) => void>();
  private webPassSeen = false;
  private stopped = false;

  constructor(private readonly cfg: DeviceConfig) {
    this.index = cfg.index;
    this._port = cfg.port;
    this.faults = { ...cfg.faults };
    this.state = initialStates(cfg.seed);
    this.tokens = new Tokens(cfg.tokenTtlMs, cfg.clock);
    this.delays = new Delays(cfg.clock);
    this.credentials = cfg.credentials;
    this.info = cfg.info;
    this.registrar = new Registrar(cfg.registrar, () => this.state, cfg.clock);
    this.listener = new Listener((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the emulator must be visible, not a hung client.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`emulator error: ${String(err)}`);
        }
      });
    }, cfg.tls);
  }

  get main(): MainAccountState {
    return this.state.main;
  }
  set main(v: MainAccountState) {
    this.state.main = v;
  }
  get second(): SecondAccountState {
    return this.state.second;
  }
  set second(v: SecondAccountState) {
    this.state.second = v;
  }
  get sipEnable(): SipEnableState {
    return this.state.sipEnable;
  }
  set sipEnable(v: SipEnableState) {
    this.state.sipEnable = v;
  }
  get registration(): RegistrationState {
    return this.registrar.view();
  }

  get port(): number {
    return this._port;
  }

  get url(): string {
    const host = this.cfg.host.includes(":") ? `[${this.cfg.host}]` : this.cfg.host;
    return `${this.cfg.tls ? "https" : "http"}://${host}:${this._port}`;
  }

  async listen(): Promise<void> {
    this._port = await this.listener.listen(this._port, this.cfg.host);
    // A device registers when it comes up, as after a write.
    if (!this.stopped) this.registrar.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.registrar.cancel();
    this.delays.cancelAll();
    await this.listener.close();
  }

  injectFaults(f: Partial<FaultOptions>): void {
    Object.assign(this.faults, f);
  }

  clearRequests(): void {
    this.requests.length = 0;
    this.webPassSeen = false;
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  counts(): { login: number; read: number; write: number; info: number; total: number } {
    const c = { login: 0, read: 0, write: 0, info: 0, total: this.requests.length };
    for (const r of this.requests) {
      if (r.kind === "login" || r.kind === "read" || r.kind === "write" || r.kind === "info") c[r.kind]++;
    }
    return c;
  }

  receivedWebPass(): boolean {
    return this.webPassSeen;
  }

  async setDown(down: boolean): Promise<void> {
    if (this.stopped || down === this.listener.isDown) return;
    this.listener.setDown(down);
    // A device registers when it comes up, as after a write.
    if (!down) this.registrar.schedule();
  }

  onRequest(listener: (arrival: RequestArrival) => void): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  private async handle(incoming: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = this.cfg.clock.now();
    const req = await readRequest(incoming);
    if (req.tooLarge) {
      // Answered at once; the connection closes so the rest of the upload is not read.
      send(res, { status: 413, body: JSON.stringify({ error: "Request body too large" }), headers: { Connection: "close" } });
      this.record(req, { at, status: 413, webPass: false, kind: "other" });
      return;
    }
    if (req.path.startsWith(CONTROL_PREFIX)) {
      send(res, control(req, this));
      return;
    }

    const route = this.cfg.routes.get(req.path);
    const kind = route?.kind(req.method) ?? "other";
    for (const listener of this.arrivalListeners) listener({ method: req.method, path: req.path, kind });

    const release = this.faults.serial ? await this.queue.acquire() : () => undefined;
    try {
      if (this.faults.latencyMs > 0) await this.delays.sleep(this.faults.latencyMs);
      if (this.stopped) return;

      const webPass = req.method === "POST" && isPlainObject(req.body) && req.body.password === WEB_PASS;
      if (webPass) this.webPassSeen = true;
      const record = (status: number): void => this.record(req, { at, status, webPass, kind, account: route?.account });

      const fault = route?.faultable === false ? undefined : takeFault(this.faults);
      if (fault?.kind === "reset") {
        record(0);
        incoming.socket.destroy();
        return;
      }
      if (fault?.kind === "hang") {
        // Never answered; stop()/setDown(true) destroys the socket.
        record(0);
        return;
      }
      if (fault?.kind === "fail") {
        send(res, { status: fault.status, body: `Emulated failure ${fault.status}`, contentType: "text/plain" });
        record(fault.status);
        return;
      }

      const reply = dispatch(route, req, this);
      send(res, reply);
      record(reply.status);
    } finally {
      release();
    }
  }

  private record(req: DeviceRequest, r: Pick<RecordedRequest, "at" | "status" | "kind"> & { webPass: boolean; account?: AccountKey }): void {
    if (this.requests.length >= (this.cfg.requestLogLimit ?? MAX_REQUEST_LOG)) this.requests.shift();
    this.requests.push({
      method: req.method,
      path: req.path,
      query: maskQuery(req.query),
      body: bodyForLog(req),
      status: r.status,
      at: r.at,
      receivedWebPass: r.webPass,
      kind: r.kind,
      ...(r.account ? { account: r.account } : {}),
    });
    const ms = this.cfg.clock.now() - r.at;
    this.cfg.log?.(`device ${this.index + 1} :${this._port} ${req.method} ${req.path}${queryText(req.query)} -> ${r.status || "no answer"} ${ms}ms`);
  }
}
