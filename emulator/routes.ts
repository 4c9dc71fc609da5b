/**
 * The device's HTTP API as a table: one entry per path. Account routes are generated from the
 * account table; a new endpoint is one more entry in {@link deviceRoutes}.
 */
import { ACCOUNTS, ACCOUNT_KEYS, type AccountKey, type AccountStates } from "./accounts";
import { loginProblem, type Credentials, type Tokens } from "./auth";
import { OBJECT_ENVELOPE, STRING_ENVELOPE } from "./envelopes";
import { maybeMalformed } from "./faults";
import type { Registrar } from "./registrar";
import { applyWrite, readView } from "./state";
import type { FaultOptions, RequestKind } from "./types";
import { failures, isPlainObject } from "./validation";
import { json, type DeviceRequest, type Reply } from "./wire";

/** What a route handler may read and change on its device. */
export interface DeviceContext {
  readonly index: number;
  readonly port: number;
  readonly state: AccountStates;
  readonly faults: FaultOptions;
  readonly tokens: Tokens;
  readonly credentials: Credentials;
  /** `/api/info` answer replacing the default one (`EmulatorOptions.info`). */
  readonly info?: Record<string, unknown>;
  readonly registrar: Registrar;
}

export interface Route {
  path: string;
  /** Methods served; any other gets 405 with `Allow`. */
  methods: string[];
  /** How the request log counts a request to this path (by method for accounts). */
  kind: (method: string) => RequestKind;
  account?: AccountKey;
  /** Whether `failNext`/`resetNext`/`hangNext` apply. Default true; false for identification probes. */
  faultable?: boolean;
  /** Called only with one of {@link methods}. */
  handle(req: DeviceRequest, dev: DeviceContext): Reply;
}

const always = (kind: RequestKind) => (): RequestKind => kind;

/** The keys Android panels answer at `GET /api/info`, with emulator values. */
function defaultInfo(dev: DeviceContext): Record<string, unknown> {
  return {
    device_model: "AQ-07L",
    device_type: "panel",
    device_name: `Emulated BAS-IP ${dev.index + 1}`,
    device_serial_number: `EMU-${dev.port}`,
    firmware_version: "2.11.0",
    framework_version: "1.0.0-emulator",
    frontend_version: "2.11.0",
    api_version: "2.x",
    hybrid_enable: false,
    hybrid_version: null,
    commit: "emulator",
  };
}

const INFO: Route = {
  path: "/api/info",
  methods: ["GET"],
  kind: always("info"),
  faultable: false,
  handle: (_req, dev) => json(200, dev.info ?? defaultInfo(dev)),
};

const LOGIN: Route = {
  path: "/api/v1/login",
  methods: ["GET"],
  kind: always("login"),
  handle: (req, dev) => {
    const problem = loginProblem(req.query, dev.credentials);
    if (problem === "missing") return json(400, { error: "Required parameters missed" });
    if (problem === "wrong") return json(400, { error: "Wrong login or password" });
    return json(200, { token: dev.tokens.issue(), account_type: "admin" });
  },
};

const LOGOUT: Route = {
  path: "/api/v1/logout",
  methods: ["GET"],
  kind: always("logout"),
  handle: (req, dev) => {
    const token = dev.tokens.verify(req.authorization);
    if (!token) return json(401, STRING_ENVELOPE.unauthorized);
    dev.tokens.revoke(token);
    return json(200, {});
  },
};

/** Where the device reports its SIP registration (BAS-IP API "Get current SIP registration status"); older firmware has no such path. */
export const SIP_STATUS_PATH = "/api/v1/sip/status";

const SIP_STATUS: Route = {
  path: SIP_STATUS_PATH,
  methods: ["GET"],
  kind: always("read"),
  handle: (req, dev) => {
    if (!dev.tokens.verify(req.authorization)) return json(401, OBJECT_ENVELOPE.unauthorized);
    return json(200, dev.registrar.view());
  },
};

/** GET answers the state with `WebPass`; POST validates, then replaces the state. Both need a token. */
function accountRoute<K extends AccountKey>(key: K, path: string): Route {
  const { rules, envelope, registers } = ACCOUNTS[key];
  return {
    path,
    methods: ["GET", "POST"],
    kind: (method) => (method === "GET" ? "read" : method === "POST" ? "write" : "other"),
    account: key,
    handle: (req, dev) => {
      if (!dev.tokens.verify(req.authorization)) return json(401, envelope.unauthorized);
      if (req.method === "GET") return { status: 200, body: maybeMalformed(dev.faults, JSON.stringify(readView(dev.state[key]))) };
      if (!req.bodyIsJson || !isPlainObject(req.body)) return json(400, envelope.notAnObject);
      const failed = failures(rules, req.body);
      if (failed.length > 0) return json(400, envelope.invalid(failed));
      dev.state[key] = applyWrite(rules, dev.state[key], req.body);
      if (registers) dev.registrar.schedule();
      return json(200, {});
    },
  };
}

/**
 * Every route of one device; account paths may differ per emulator (`secondAccountPath`), and
 * `sipStatus: false` leaves out the status endpoint, as older firmware does (it answers 404).
 */
export function deviceRoutes(accountPaths: Record<AccountKey, string>, { sipStatus = true }: { sipStatus?: boolean } = {}): Map<string, Route> {
  const routes = [INFO, LOGIN, LOGOUT, ...ACCOUNT_KEYS.map((k) => accountRoute(k, accountPaths[k])), ...(sipStatus ? [SIP_STATUS] : [])];
  const byPath = new Map<string, Route>();
  // The first entry wins if a configured path collides with another.
  for (const r of routes) if (!byPath.has(r.path)) byPath.set(r.path, r);
  return byPath;
}

/** The route's answer, or 404 for an unknown path and 405 for a method it does not serve. */
export function dispatch(route: Route | undefined, req: DeviceRequest, dev: DeviceContext): Reply {
  if (!route) return json(404, { error: "Not found" });
  if (!route.methods.includes(req.method)) return json(405, { error: "Method not allowed" }, { Allow: route.methods.join(", ") });
  return route.handle(req, dev);
}
