/**
 * A stateful fake BAS-IP intercom: login/logout, `/api/info`, and the two SIP accounts with the
 * validation, error envelopes and password masking described in `shared/reference/basip-api.md`.
 *
 * Deliberately independent of `provider/`: it plays the device, so it must be able to catch
 * client and schema bugs instead of sharing them.
 */
import * as crypto from "crypto";
import * as http from "http";
import * as https from "https";
import type * as net from "net";

/** The placeholder real Android panels return instead of a stored SIP password. */
export const WEB_PASS = "WebPass";
/** Where the emulator serves the second account. The real path is unpublished, so this is a guess. */
export const DEFAULT_SECOND_ACCOUNT_PATH = "/api/v1/device/sip/settings/second";
/** Path of the main (first / single) account, as used by working public clients. */
export const MAIN_ACCOUNT_PATH = "/api/v1/device/sip/settings";
/** Default token lifetime: 2 h, as documented for Camdroid devices. */
export const DEFAULT_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
/** Value used wherever a secret is masked (request log, state endpoint). */
export const MASK = "***";

/** Main account state (Camdroid "device SIP settings" field set). */
export type MainAccountState = {
  proxy: string;
  realm: string;
  user: string;
  password: string;
  stun: { ip: string; port: number };
  registration_interval: number;
  h264: number;
  transport: string;
};

/** Second account state (Android panels API 2.x field set, no stun/h264). */
export type SecondAccountState = {
  proxy: string;
  realm: string;
  user: string;
  password: string;
  transport: string;
  user_id: string;
  registration_interval: number;
  outbound: string;
};

/** Misbehaviours a device can be told to show. Counters are consumed as requests arrive. */
export interface FaultOptions {
  /** Delay (ms) before each response. */
  latencyMs: number;
  /** One request at a time per device; others queue (like embedded web servers). */
  serial: boolean;
  /** The next N requests (excluding `/__emulator/*` and `/api/info`) answer `failStatus` with a plain-text body. */
  failNext: number;
  /** Status used by `failNext`; default 500. */
  failStatus: number;
  /** The next N requests (same exclusions) get their socket destroyed without an answer. */
  resetNext: number;
  /** The next N authorised GETs of an account answer 200 with truncated JSON. */
  malformedNext: number;
  /** The next N requests (same exclusions) never answer; the socket stays open until the client gives up or the emulator stops. */
  hangNext: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** First port; device i listens on port+i. 0 = an ephemeral port for every device. Default 0. */
  port?: number;
  /** Bind address; default "127.0.0.1". */
  host?: string;
  /** Number of devices; default 1. */
  devices?: number;
  /** Admin user name; default "admin". */
  username?: string;
  /** Admin password in clear; the login expects its MD5 hex. Default "123456". */
  password?: string;
  /** Token lifetime; default 2 h. */
  tokenTtlMs?: number;
  /** Path of the second account; default {@link DEFAULT_SECOND_ACCOUNT_PATH}. */
  secondAccountPath?: string;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Initial faults for every device. */
  faults?: Partial<FaultOptions>;
  /** Receives one masked line per request. */
  log?: (line: string) => void;
  /** Initial account state, merged over the factory defaults. */
  seed?: { main?: Partial<MainAccountState>; second?: Partial<SecondAccountState> };
}

/** One entry of a device's request log. Secrets are masked. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters; `password` and `token` masked. */
  query: Record<string, string>;
  /** Parsed JSON body with every `password` masked, the raw text if it is not JSON, or undefined if empty. */
  body: unknown;
  /** Status sent; 0 when the request was reset or left hanging. */
  status: number;
  /** Arrival time (ms since epoch). */
  at: number;
  /** The body carried the literal password "WebPass". */
  receivedWebPass: boolean;
  kind: "login" | "logout" | "info" | "read" | "write" | "other";
  account?: "main" | "second";
}

/** One emulated intercom. */
export interface EmulatedDevice {
  /** 0-based position in {@link Emulator.devices}; the device name and CLI use index+1. */
  readonly index: number;
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Live state with the REAL password; tests may mutate it directly to simulate drift. */
  main: MainAccountState;
  /** Live state with the REAL password; tests may mutate it directly to simulate drift. */
  second: SecondAccountState;
  /** Request log, oldest first; passwords masked. `/__emulator/*` calls are not logged. */
  readonly requests: RecordedRequest[];
  /** Live, mutable faults. */
  faults: FaultOptions;
  /** Merge faults into {@link faults}. */
  injectFaults(f: Partial<FaultOptions>): void;
  /** Empty the request log and reset the {@link receivedWebPass} flag. */
  clearRequests(): void;
  /** Invalidate every token issued so far. */
  expireTokens(): void;
  /** Counts over the request log. */
  counts(): { login: number; read: number; write: number; info: number; total: number };
  /** Whether any POST since start (or the last {@link clearRequests}) carried password "WebPass". */
  receivedWebPass(): boolean;
  /** true: close the listener (connections refused); false: listen again on the same port. */
  setDown(down: boolean): Promise<void>;
}

/** A running set of devices. */
export interface Emulator {
  readonly devices: EmulatedDevice[];
  /** Device by 0-based index (default 0). */
  device(i?: number): EmulatedDevice;
  /** Close every listener and connection; pending responses are dropped. */
  stop(): Promise<void>;
}

const DEFAULT_FAULTS: FaultOptions = {
  latencyMs: 0,
  serial: false,
  failNext: 0,
  failStatus: 500,
  resetNext: 0,
  malformedNext: 0,
  hangNext: 0,
};

const DEFAULT_MAIN: MainAccountState = {
  proxy: "sip:sip.bas-ip.com",
  realm: "sip.bas-ip.com",
  user: "100",
  password: "factory1",
  stun: { ip: "stun.l.google.com", port: 19302 },
  registration_interval: 60,
  h264: 102,
  transport: "udp",
};

const DEFAULT_SECOND: SecondAccountState = {
  proxy: "sip:sip.bas-ip.com",
  realm: "sip.bas-ip.com",
  user: "101",
  password: "factory2",
  transport: "udp",
  user_id: "",
  registration_interval: 60,
  outbound: "",
};

// ---------------------------------------------------------------------------------------------
// Validation by intent (reference §6.3). The published regexes are not compiled: the user/password
// one is not a valid JS regex and the host ones are loosely anchored (§6.2).

const IPV4_OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
// The spec's host pattern allows '_' in names as well as letters, digits and '-'.
const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
/**
 * Allowed characters of user/password/user_id: letters, digits, space, tab and
 * ``~`!@#$%^&*()_-+={[}]|"<,>.?/`` plus `;`. The `&;` in the vendor text looks like an HTML
 * escaping artefact, but accepting `;` is the lenient choice: a client that sends it is not
 * rejected here and a stricter device would answer 400, which the client must handle anyway.
 */
const ALLOWED_TEXT = /^[A-Za-z0-9 \t~`!@#$%^&*()_\-+={[}\]|"<,>.?/;]*$/;

function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** Dot-separated labels of letters/digits/hyphen/underscore; single labels (`localhost`) allowed. */
function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split(".");
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  // An all-numeric last label would make "300.1.1.1" a "DNS name"; such strings are bad IPv4.
  return !/^\d+$/.test(labels[labels.length - 1]);
}

function isHost(s: string): boolean {
  return isIpv4(s) || isDnsName(s);
}

/** Host with an optional `:port` (1..65535). */
function isHostPort(s: string): boolean {
  const colon = s.lastIndexOf(":");
  if (colon < 0) return isHost(s);
  const port = s.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port)) return false;
  const n = Number(port);
  return n >= 1 && n <= 65535 && isHost(s.slice(0, colon));
}

function isAllowedText(s: string, min: number, max: number): boolean {
  return s.length >= min && s.length <= max && ALLOWED_TEXT.test(s);
}

function isIntIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

const TRANSPORTS = ["udp", "tcp", "tls"];

/** A field rule: expected JSON type and value check, with the object-envelope rule text. */
interface FieldRule {
  type: "string" | "number" | "integer" | "object";
  required: boolean;
  check?: (v: never) => boolean;
  rule?: string;
}

type Rules = Record<string, FieldRule>;

const MAIN_RULES: Rules = {
  proxy: {
    type: "string",
    required: true,
    check: (v: string) => isHostPort(v.startsWith("sip:") ? v.slice(4) : v),
    rule: "must be an IPv4 address or DNS name, optionally prefixed sip: and followed by :port",
  },
  realm: { type: "string", required: true, check: isHostPort, rule: "must be an IPv4 address or DNS name with optional :port" },
  user: { type: "string", required: true, check: (v: string) => isAllowedText(v, 1, 31), rule: "must be 1 to 31 allowed characters" },
  password: { type: "string", required: true, check: (v: string) => isAllowedText(v, 1, 31), rule: "must be 1 to 31 allowed characters" },
  stun: { type: "object", required: true },
  // The spec types it as "number"; the emulator still demands an integer (seconds) — see README.
  registration_interval: { type: "number", required: false, check: (v: number) => isIntIn(v, 30, 900), rule: "must be an integer from 30 to 900" },
  h264: { type: "integer", required: true, check: (v: number) => isIntIn(v, 99, 127), rule: "must be an integer from 99 to 127" },
  transport: { type: "string", required: false, check: (v: string) => TRANSPORTS.includes(v), rule: "must be one of udp, tcp, tls" },
};

const STUN_RULES: Rules = {
  ip: { type: "string", required: true, check: isHost, rule: "must be an IPv4 address or DNS name without port" },
  port: { type: "integer", required: true, check: (v: number) => isIntIn(v, 1, 65535), rule: "must be an integer from 1 to 65535" },
};

const SECOND_RULES: Rules = {
  proxy: { type: "string", required: true, check: (v: string) => v.startsWith("sip:") && isHostPort(v.slice(4)) },
  realm: { type: "string", required: true, check: isHostPort },
  user: { type: "string", required: true, check: (v: string) => isAllowedText(v, 1, 31) },
  password: { type: "string", required: true, check: (v: string) => isAllowedText(v, 6, 31) },
  transport: { type: "string", required: false, check: (v: string) => TRANSPORTS.includes(v) },
  user_id: { type: "string", required: false, check: (v: string) => isAllowedText(v, 0, 31) },
  registration_interval: { type: "integer", required: false, check: (v: number) => isIntIn(v, 30, 900) },
  outbound: { type: "string", required: false, check: (v: string) => v === "" || isHostPort(v) },
};

type Problem = "missing" | "type" | "rule";

function typeOk(type: FieldRule["type"], v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "object":
      return isPlainObject(v);
  }
}

function checkField(rule: FieldRule, v: unknown): Problem | undefined {
  if (v === undefined) return rule.required ? "missing" : undefined;
  if (!typeOk(rule.type, v)) return "type";
  if (rule.check && !(rule.check as (x: unknown) => boolean)(v)) return "rule";
  return undefined;
}

function typeText(rule: FieldRule): string {
  switch (rule.type) {
    case "string":
      return "must be a string";
    case "number":
      return "must be a number";
    case "object":
      return "must be an object";
    case "integer":
      return rule.rule ?? "must be an integer";
  }
}

function problemText(rule: FieldRule, p: Problem): string {
  if (p === "missing") return "is required";
  if (p === "type") return typeText(rule);
  return rule.rule ?? "is not valid";
}

/** Object-envelope validation: every failing field, keyed by wire name (dot path inside stun). */
function validateMain(body: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, rule] of Object.entries(MAIN_RULES)) {
    const p = checkField(rule, body[name]);
    if (p) errors[name] = problemText(rule, p);
    else if (name === "stun") {
      const stun = body.stun as Record<string, unknown>;
      for (const [sub, subRule] of Object.entries(STUN_RULES)) {
        const sp = checkField(subRule, stun[sub]);
        if (sp) errors[`stun.${sub}`] = problemText(subRule, sp);
      }
    }
  }
  return errors;
}

/** String-envelope validation: the first failing field in schema order, as the device's message. */
function validateSecond(body: Record<string, unknown>): string | undefined {
  for (const [name, rule] of Object.entries(SECOND_RULES)) {
    const p = checkField(rule, body[name]);
    if (p === "missing") return `Wrong JSON body: no value for \`${name}\``;
    if (p === "type") return `Wrong JSON body: value \`${name}\` was of the wrong type`;
    if (p === "rule") return `Wrong JSON body: value \`${name}\` is not valid`;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Masking

function maskDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskDeep);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = k === "password" ? MASK : maskDeep(val);
  return out;
}

function maskQuery(q: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) out[k] = k === "password" || k === "token" ? MASK : v;
  return out;
}

function md5Hex(s: string): string {
  return crypto.createHash("md5").update(s, "utf8").digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Device

interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), headers };
}

const OBJ_UNAUTHORIZED = { error: { code: "invalid_authentication", message: "Log In" } };
const STR_UNAUTHORIZED = { error: "Log In" };

function objNotValid(data: Record<string, string>): Reply {
  return json(400, { error: { code: "not_valid", message: "Data validation error", data } });
}

interface DeviceConfig {
  index: number;
  port: number;
  host: string;
  username: string;
  password: string;
  tokenTtlMs: number;
  secondPath: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  faults: FaultOptions;
  log?: (line: string) => void;
  seed?: EmulatorOptions["seed"];
}

class Device implements EmulatedDevice {
  readonly index: number;
  main: MainAccountState;
  second: SecondAccountState;
  readonly requests: RecordedRequest[] = [];
  faults: FaultOptions;

  private _port: number;
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tokens = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private webPassSeen = false;
  private listening = false;
  private stopped = false;

  constructor(private readonly cfg: DeviceConfig) {
    this.index = cfg.index;
    this._port = cfg.port;
    this.faults = { ...cfg.faults };
    this.main = { ...DEFAULT_MAIN, ...cfg.seed?.main, stun: { ...DEFAULT_MAIN.stun, ...cfg.seed?.main?.stun } };
    this.second = { ...DEFAULT_SECOND, ...cfg.seed?.second };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.onRequest(req, res).catch((err: unknown) => {
        // A bug in the emulator must be visible, not a hung client.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`emulator error: ${String(err)}`);
        }
      });
    };
    this.server = cfg.tls ? https.createServer({ key: cfg.tls.key, cert: cfg.tls.cert }, handler) : http.createServer(handler);
    this.server.on("connection", (s: net.Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  get port(): number {
    return this._port;
  }

  get url(): string {
    const host = this.cfg.host.includes(":") ? `[${this.cfg.host}]` : this.cfg.host;
    return `${this.cfg.tls ? "https" : "http"}://${host}:${this._port}`;
  }

  async listen(): Promise<void> {
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
      this.server.listen(this._port, this.cfg.host);
    });
    this.listening = true;
    const addr = this.server.address();
    if (addr && typeof addr === "object") this._port = addr.port;
  }

  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.close();
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
    if (down) await this.close();
    else if (!this.listening && !this.stopped) await this.listen();
  }

  // -------------------------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Serial mode: wait for the previous request to finish; returns the release function. */
  private acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const prev = this.queue;
    this.queue = prev.then(() => mine);
    return prev.then(() => release);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? "/", "http://device");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);

    if (path.startsWith("/__emulator/")) {
      send(res, this.inspect(method, path, raw));
      return;
    }

    const release = this.faults.serial ? await this.acquire() : () => undefined;
    try {
      if (this.faults.latencyMs > 0) await this.sleep(this.faults.latencyMs);
      if (this.stopped) return;

      const { kind, account } = this.classify(method, path);
      let parsed: unknown;
      let bodyIsJson = false;
      if (raw.length > 0) {
        try {
          parsed = JSON.parse(raw);
          bodyIsJson = true;
        } catch {
          parsed = undefined;
        }
      }
      const webPass = method === "POST" && isPlainObject(parsed) && parsed.password === WEB_PASS;
      if (webPass) this.webPassSeen = true;
      const record = (status: number): void => {
        this.requests.push({
          method,
          path,
          query: maskQuery(query),
          body: raw.length === 0 ? undefined : bodyIsJson ? maskDeep(parsed) : raw,
          status,
          at,
          receivedWebPass: webPass,
          kind,
          ...(account ? { account } : {}),
        });
        this.cfg.log?.(`device ${this.index + 1} :${this._port} ${method} ${path}${queryText(query)} -> ${status || "no answer"} ${Date.now() - at}ms`);
      };

      const faultable = path !== "/api/info";
      if (faultable && this.faults.resetNext > 0) {
        this.faults.resetNext--;
        record(0);
        req.socket.destroy();
        return;
      }
      if (faultable && this.faults.hangNext > 0) {
        // Never answered; stop()/setDown(true) destroys the socket.
        this.faults.hangNext--;
        record(0);
        return;
      }
      if (faultable && this.faults.failNext > 0) {
        this.faults.failNext--;
        const status = this.faults.failStatus;
        send(res, { status, body: `Emulated failure ${status}`, contentType: "text/plain" });
        record(status);
        return;
      }

      const reply = this.route(method, path, query, req.headers.authorization, raw, parsed, bodyIsJson);
      send(res, reply);
      record(reply.status);
    } finally {
      release();
    }
  }

  private classify(method: string, path: string): Pick<RecordedRequest, "kind" | "account"> {
    const account = path === MAIN_ACCOUNT_PATH ? "main" : path === this.cfg.secondPath ? "second" : undefined;
    if (account) return { kind: method === "GET" ? "read" : method === "POST" ? "write" : "other", account };
    if (path === "/api/v1/login") return { kind: "login" };
    if (path === "/api/v1/logout") return { kind: "logout" };
    if (path === "/api/info") return { kind: "info" };
    return { kind: "other" };
  }

  private bearer(authorization: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const token = m[1];
    const expires = this.tokens.get(token);
    if (expires === undefined) return undefined;
    if (expires <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return token;
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    authorization: string | undefined,
    raw: string,
    parsed: unknown,
    bodyIsJson: boolean,
  ): Reply {
    const allow = (methods: string[]): Reply | undefined =>
      methods.includes(method) ? undefined : json(405, { error: "Method not allowed" }, { Allow: methods.join(", ") });

    switch (path) {
      case "/api/info":
        return allow(["GET"]) ?? json(200, this.info());
      case "/api/v1/login":
        return allow(["GET"]) ?? this.login(query);
      case "/api/v1/logout": {
        const bad = allow(["GET"]);
        if (bad) return bad;
        const token = this.bearer(authorization);
        if (!token) return json(401, STR_UNAUTHORIZED);
        this.tokens.delete(token);
        return json(200, {});
      }
      case MAIN_ACCOUNT_PATH: {
        const bad = allow(["GET", "POST"]);
        if (bad) return bad;
        if (!this.bearer(authorization)) return json(401, OBJ_UNAUTHORIZED);
        if (method === "GET") return this.readReply({ ...this.main, stun: { ...this.main.stun }, password: WEB_PASS });
        if (!bodyIsJson || !isPlainObject(parsed)) return objNotValid({ body: "must be a JSON object" });
        const errors = validateMain(parsed);
        if (Object.keys(errors).length > 0) return objNotValid(errors);
        this.main = applyMain(this.main, parsed);
        return json(200, {});
      }
      case this.cfg.secondPath: {
        const bad = allow(["GET", "POST"]);
        if (bad) return bad;
        if (!this.bearer(authorization)) return json(401, STR_UNAUTHORIZED);
        if (method === "GET") return this.readReply({ ...this.second, password: WEB_PASS });
        if (raw.length === 0 || !bodyIsJson || !isPlainObject(parsed)) return json(400, { error: "Wrong JSON body" });
        const error = validateSecond(parsed);
        if (error) return json(400, { error });
        this.second = applySecond(this.second, parsed);
        return json(200, {});
      }
      default:
        return json(404, { error: "Not found" });
    }
  }

  private readReply(view: unknown): Reply {
    const body = JSON.stringify(view);
    if (this.faults.malformedNext > 0) {
      this.faults.malformedNext--;
      return { status: 200, body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
    }
    return { status: 200, body };
  }

  private info(): Record<string, string> {
    return {
      firmware_version: "2.11.0",
      framework_version: "1.0.0-emulator",
      frontend_version: "2.11.0",
      api_version: "2.x",
      device_name: `Emulated BAS-IP ${this.index + 1}`,
      device_type: "panel",
      device_serial_number: `EMU-${this._port}`,
    };
  }

  private login(query: Record<string, string>): Reply {
    const { username, password } = query;
    if (!username || !password) return json(400, { error: "Required parameters missed" });
    if (username !== this.cfg.username || password.toLowerCase() !== md5Hex(this.cfg.password)) {
      return json(400, { error: "Wrong login or password" });
    }
    const token = crypto.randomBytes(20).toString("hex");
    this.tokens.set(token, Date.now() + this.cfg.tokenTtlMs);
    return json(200, { token, account_type: "admin" });
  }

  private inspect(method: string, path: string, raw: string): Reply {
    if (path === "/__emulator/requests" && method === "GET") return json(200, this.requests);
    if (path === "/__emulator/state" && method === "GET") {
      return json(200, { main: { ...this.main, password: MASK }, second: { ...this.second, password: MASK }, faults: this.faults });
    }
    if (path === "/__emulator/reset-log" && method === "POST") {
      this.clearRequests();
      return json(200, {});
    }
    if (path === "/__emulator/expire-tokens" && method === "POST") {
      this.expireTokens();
      return json(200, {});
    }
    if (path === "/__emulator/faults" && method === "POST") {
      try {
        const f: unknown = JSON.parse(raw);
        if (!isPlainObject(f)) throw new Error("not an object");
        this.injectFaults(f as Partial<FaultOptions>);
        return json(200, this.faults);
      } catch {
        return json(400, { error: "Wrong JSON body" });
      }
    }
    return json(404, { error: "Not found" });
  }
}

/** Only known wire fields are stored (unknown ones ignored); omitted optional fields keep their value. */
function applyMain(old: MainAccountState, b: Record<string, unknown>): MainAccountState {
  const stun = b.stun as { ip: string; port: number };
  return {
    proxy: b.proxy as string,
    realm: b.realm as string,
    user: b.user as string,
    password: b.password as string,
    stun: { ip: stun.ip, port: stun.port },
    registration_interval: (b.registration_interval as number | undefined) ?? old.registration_interval,
    h264: b.h264 as number,
    transport: (b.transport as string | undefined) ?? old.transport,
  };
}

function applySecond(old: SecondAccountState, b: Record<string, unknown>): SecondAccountState {
  return {
    proxy: b.proxy as string,
    realm: b.realm as string,
    user: b.user as string,
    password: b.password as string,
    transport: (b.transport as string | undefined) ?? old.transport,
    user_id: (b.user_id as string | undefined) ?? old.user_id,
    registration_interval: (b.registration_interval as number | undefined) ?? old.registration_interval,
    outbound: (b.outbound as string | undefined) ?? old.outbound,
  };
}

function queryText(q: Record<string, string>): string {
  const masked = maskQuery(q);
  const s = new URLSearchParams(masked).toString().replace(/%2A/g, "*");
  return s ? `?${s}` : "";
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // An aborted upload still gets handled; the answer then goes nowhere.
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function send(res: http.ServerResponse, r: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const body = Buffer.from(r.body, "utf8");
  res.writeHead(r.status, {
    "Content-Type": r.contentType ?? "application/json",
    "Content-Length": String(body.length),
    ...r.headers,
  });
  res.end(body);
}

/**
 * Start one or more emulated devices. Resolves once every device listens; if one cannot listen,
 * the others are stopped and the promise rejects with the listen error (e.g. EADDRINUSE).
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const count = opts.devices ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`devices must be a positive integer, got ${count}`);
  const basePort = opts.port ?? 0;
  const faults: FaultOptions = { ...DEFAULT_FAULTS, ...opts.faults };
  const devices: Device[] = [];
  for (let i = 0; i < count; i++) {
    devices.push(
      new Device({
        index: i,
        port: basePort === 0 ? 0 : basePort + i,
        host: opts.host ?? "127.0.0.1",
        username: opts.username ?? "admin",
        password: opts.password ?? "123456",
        tokenTtlMs: opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
        secondPath: opts.secondAccountPath ?? DEFAULT_SECOND_ACCOUNT_PATH,
        tls: opts.tls,
        faults,
        log: opts.log,
        seed: opts.seed,
      }),
    );
  }
  try {
    for (const d of devices) await d.listen();
  } catch (err) {
    await Promise.all(devices.map((d) => d.stop()));
    throw err;
  }
  return {
    devices,
    device(i = 0): EmulatedDevice {
      const d = devices[i];
      if (!d) throw new RangeError(`no device ${i}; there are ${devices.length}`);
      return d;
    },
    async stop(): Promise<void> {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
}
