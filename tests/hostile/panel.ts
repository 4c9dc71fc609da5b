/**
 * Hostile and broken "panels" for tests: plain `http.createServer` on 127.0.0.1, ephemeral port. A
 * panel answers like a device (login, GET/POST of the main account) unless a hook takes the request
 * over; every request is recorded with its headers and body, and the peak of requests in flight.
 */
import { createHash } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export const MAIN = "/api/v1/device/sip/settings";
/** Test secrets: the sweep (tests/sweep) and every hostile test look for these in messages. */
export const ADMIN_PASSWORD = "Hostile-Admin-7";
export const ADMIN_HASH = createHash("md5").update(ADMIN_PASSWORD, "utf8").digest("hex");
export const SIP_PASSWORD = "Sip-Secret-4711";
export const TOKEN = "93144b288eb1fdccbe46d6fc0f241a51766ecd3d";
export const SECRETS = [ADMIN_PASSWORD, ADMIN_HASH, ADMIN_HASH.toUpperCase(), SIP_PASSWORD, TOKEN];

/** A request as the panel saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Takes a request over: answer it (or not) and return true, or return false for the normal answer. */
export type Hook = (req: Seen, res: http.ServerResponse, n: number) => boolean | void;

export interface Panel {
  readonly url: string;
  readonly requests: Seen[];
  /** Most requests in flight at once. */
  readonly peak: () => number;
  /** TCP connections accepted. */
  readonly connections: () => number;
  /** The account the panel holds (device keys); POSTs replace it. */
  account: Record<string, unknown>;
  hook?: Hook;
  /** Delay before every normal answer. */
  latencyMs: number;
  close(): Promise<void>;
}

export const DEVICE_ACCOUNT = {
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: "WebPass",
  stun: { ip: "stun.example.com", port: 3478 },
  registration_interval: 300,
  h264: 102,
  transport: "udp",
};

/** Main-account inputs (lifecycle shape) that match {@link DEVICE_ACCOUNT}. */
export const mainInputs = (url: string): Record<string, unknown> => ({
  device: { endpoint: url, retries: 0, timeoutMs: 3000 },
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: SIP_PASSWORD,
  stun: { ip: "stun.example.com", port: 3478 },
  registrationInterval: 300,
  h264: 102,
  transport: "udp",
});

export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const body = typeof value === "string" ? value : JSON.stringify(value);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Starts a panel; `hook` may take any request over. */
export async function startPanel(hook?: Hook): Promise<Panel> {
  let inFlight = 0;
  let peak = 0;
  let connections = 0;
  const requests: Seen[] = [];
  const panel: Panel = {
    url: "",
    requests,
    peak: () => peak,
    connections: () => connections,
    account: { ...DEVICE_ACCOUNT, stun: { ...DEVICE_ACCOUNT.stun } },
    hook,
    latencyMs: 0,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on("close", () => inFlight--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: Seen = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(seen);
      if (panel.hook?.(seen, res, requests.length) === true) return;
      const answer = () => normal(panel, seen, res);
      if (panel.latencyMs > 0) setTimeout(answer, panel.latencyMs);
      else answer();
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(panel, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return panel;
}

/** What a well-behaved device answers. */
function normal(panel: Panel, req: Seen, res: http.ServerResponse): void {
  const path = req.url.split("?")[0];
  if (path === "/api/v1/login") return sendJson(res, 200, { token: TOKEN, account_type: "admin" });
  if (path !== MAIN) return sendJson(res, 404, { error: "Not found" });
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { error: "Log In" });
  if (req.method === "GET") return sendJson(res, 200, { ...panel.account, password: "WebPass" });
  panel.account = JSON.parse(req.body);
  return sendJson(res, 200, {});
}
