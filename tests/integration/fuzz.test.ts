/**
 * A bounded fuzz of the device client: one local server answers 3000 calls with random status codes,
 * content types, envelopes (echoing every secret it was sent), shapes, sizes and encodings
 * (gzip, deflate, broken gzip, gzip bombs), redirects and cut connections. Whatever comes back, the
 * process stays up, every failure is a classified `DeviceError` naming the device, and no secret
 * appears in any message or inspection. The seed is fixed, so a failure replays.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { inspect } from "util";
import * as zlib from "zlib";
import { DeviceClient } from "../../provider/client/client";
import { DeviceErrorKind, isDeviceError } from "../../provider/client/errors";
import { SIP_ACCOUNT_FIELDS, SipAccountWire } from "../../provider/schema/accounts";
import { ADMIN_HASH, ADMIN_PASSWORD, DEVICE_ACCOUNT, MAIN, SIP_PASSWORD } from "../hostile/panel";

const CALLS = 3000;
const SEED = 0x13;

/** mulberry32: small, seeded, good enough to pick answers. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");

/** Every token the client accepted, as seen in its Authorization headers: secrets too. */
const tokens = new Set<string>();
/** Tokens issued (in any answer), to show the fuzz issued plenty. */
let issued = 0;

interface Req {
  url: string;
  method: string;
  auth: string;
  body: string;
}

/** Everything the request carried, the way an echoing device would repeat it. */
const echoOf = (r: Req) => `${r.method} ${r.url} auth=${r.auth} body=${r.body} ${decodeURIComponent(r.url)} ${r.auth.toUpperCase()}`;

const nest = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

function mutatedAccount(): Record<string, unknown> {
  const a: Record<string, unknown> = { ...DEVICE_ACCOUNT, stun: { ...DEVICE_ACCOUNT.stun } };
  const key = pick(Object.keys(a));
  switch (pick(["drop", "type", "long", "control", "extra", "stunExtra", "huge-number", "null", "secret"])) {
    case "drop":
      delete a[key];
      break;
    case "type":
      a[key] = pick([1, "x", true, [], {}, null]);
      break;
    case "long":
      a[key] = "L".repeat(256 + Math.floor(rnd() * 5000));
      break;
    case "control":
      a[key] = `a\r\nbasip: forged\u0000`;
      break;
    case "extra":
      a[`extra_${hex(4)}`] = { deep: nest(50) };
      break;
    case "stunExtra":
      (a.stun as Record<string, unknown>).extra = "x";
      break;
    case "huge-number":
      a[key] = pick([1e9, -1, 1.5, Number.MAX_VALUE]);
      break;
    case "null":
      a[key] = null;
      break;
    case "secret":
      a[key] = SIP_PASSWORD;
      break;
  }
  return a;
}

function bodyFor(r: Req, shape?: string): string | Buffer {
  const token = hex(40);
  switch (shape ?? pick(["login", "login", "account", "account", "mutated", "objEnv", "strEnv", "echo", "bytes", "empty", "huge", "primitive", "deep", "badToken"])) {
    case "login":
      issued++;
      return JSON.stringify({ token, account_type: "admin" });
    case "badToken":
      return JSON.stringify({ token: pick([`${token}\n`, "t".repeat(2000), 42, `${SIP_PASSWORD} x`, ""]) });
    case "account":
      return JSON.stringify(DEVICE_ACCOUNT);
    case "mutated":
      return JSON.stringify(mutatedAccount());
    case "objEnv":
      return JSON.stringify({ error: { code: pick(["not_valid", echoOf(r)]), message: echoOf(r), data: pick([null, { password: echoOf(r) }, { [echoOf(r)]: echoOf(r) }]) } });
    case "strEnv":
      return JSON.stringify({ error: `Wrong JSON body: \`${echoOf(r)}\`` });
    case "echo":
      return echoOf(r);
    case "bytes":
      return Buffer.from(Array.from({ length: Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)));
    case "empty":
      return "";
    case "huge":
      return Buffer.alloc(1024 * 1024 + 1 + Math.floor(rnd() * 1024 * 1024), 0x7b);
    case "primitive":
      return pick(["null", "42", '"str"', "[]", "true", "{}"]);
    case "deep":
      return nest(pick([100, 10_000, 200_000]));
    default:
      return "";
  }
}

const STATUSES = [200, 200, 200, 200, 200, 201, 204, 301, 302, 307, 308, 400, 401, 403, 404, 405, 413, 500, 502, 503, 599];

function answer(r: Req, res: http.ServerResponse): void {
  // Often enough a sane answer, so that calls get past the login and successes are part of the mix.
  if (rnd() < 0.4) {
    const body = r.url.startsWith("/api/v1/login") ? bodyFor({ ...r, url: "login" }, "login") : r.method === "GET" ? JSON.stringify(DEVICE_ACCOUNT) : "{}";
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
    return;
  }
  const status = pick(STATUSES);
  const raw = bodyFor(r);
  const headers: http.OutgoingHttpHeaders = {};
  const type = pick(["application/json", "text/plain", "text/html", undefined, "application/octet-stream"]);
  if (type !== undefined) headers["Content-Type"] = type;
  if (status >= 300 && status < 400 && rnd() < 0.8) headers.Location = pick([`http://127.0.0.1:1/x?${r.url}`, `/${ADMIN_HASH}/${r.auth}`, "::not a url::", `${echoOf(r)}`.replace(/[^\x21-\x7e]/g, "")]);
  let body: Buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, "utf8");
  const encoding = pick(["none", "none", "none", "gzip", "deflate", "broken-gzip", "bomb"]);
  if (encoding === "gzip") body = zlib.gzipSync(body);
  if (encoding === "deflate") body = zlib.deflateSync(body);
  if (encoding === "broken-gzip") body = Buffer.concat([zlib.gzipSync(body).subarray(0, 12), Buffer.from("garbage")]);
  if (encoding === "bomb") body = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x30));
  if (encoding !== "none") headers["Content-Encoding"] = encoding === "deflate" ? "deflate" : "gzip";
  const cut = rnd() < 0.05;
  if (!cut) headers["Content-Length"] = body.length;
  res.writeHead(status, headers);
  if (cut) {
    // Part of the body, then the connection dies.
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.end(body);
}

const KINDS: DeviceErrorKind[] = ["http", "timeout", "network", "protocol", "refused"];

test(`fuzz: ${CALLS} random answers never crash the client, every failure is classified and names the device, no secret leaks`, async () => {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? "");
    if (bearer) tokens.add(bearer[1]);
    req.on("end", () => answer({ url: req.url ?? "/", method: req.method ?? "GET", auth: String(req.headers.authorization ?? ""), body: Buffer.concat(chunks).toString("utf8") }, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secrets = () => [ADMIN_PASSWORD, ADMIN_HASH, SIP_PASSWORD, ...tokens].map((s) => s.toLowerCase());

  const outcomes: Record<string, number> = {};
  const leaks: string[] = [];
  const unclassified: string[] = [];
  const clients: DeviceClient[] = [];
  let c: DeviceClient | undefined;
  const fresh = () => {
    c = new DeviceClient({ endpoint: url, username: "admin", password: ADMIN_PASSWORD, timeoutMs: 2000, retries: pick([0, 0, 1]), retryDelayMs: 0 });
    clients.push(c);
    return c;
  };

  try {
    for (let done = 0; done < CALLS; ) {
      const batch = Array.from({ length: Math.min(4, CALLS - done) }, () => {
        const client = c === undefined || rnd() < 0.2 ? fresh() : c;
        const call =
          rnd() < 0.5
            ? client.get("read SIP account", MAIN, SipAccountWire, [SIP_PASSWORD]).then((v) => {
                // A success holds the table's keys only, with nothing but declared keys in stun.
                // (`enabled` lives on the SIP enable endpoint, not in the account object.)
                const keys = Object.values(SIP_ACCOUNT_FIELDS).filter((f) => f.endpoint === "settings").map((f) => f.wire);
                expect(Object.keys(v).sort()).toEqual([...keys].sort());
                expect(Object.keys(v.stun).sort()).toEqual(["ip", "port"]);
              })
            : client.post("write SIP account", MAIN, { ...DEVICE_ACCOUNT, password: SIP_PASSWORD });
        return call.then(
          () => {
            outcomes.ok = (outcomes.ok ?? 0) + 1;
          },
          (e: unknown) => {
            if (!isDeviceError(e) || !KINDS.includes(e.kind) || !e.message.includes(url)) {
              unclassified.push(inspect(e).slice(0, 300));
              return;
            }
            outcomes[e.kind] = (outcomes[e.kind] ?? 0) + 1;
            const shown = `${e.message}\n${inspect(e, { depth: Infinity })}\n${JSON.stringify(e)}`.toLowerCase();
            const hit = secrets().find((s) => shown.includes(s));
            if (hit !== undefined) leaks.push(`${e.kind}: ${e.message.slice(0, 200)}`);
          },
        );
      });
      await Promise.all(batch);
      done += batch.length;
    }
  } finally {
    for (const x of clients) x.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  expect(unclassified).toEqual([]);
  expect(leaks).toEqual([]);
  const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
  expect(total).toBe(CALLS);
  // The answers were varied enough to reach every kind a device can cause, and successes too.
  expect(Object.keys(outcomes).sort()).toEqual(expect.arrayContaining(["http", "network", "ok", "protocol"]));
  expect(issued).toBeGreaterThan(100);
  expect(tokens.size).toBeGreaterThan(10);
}, 60_000);
