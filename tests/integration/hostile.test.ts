/**
 * Issue 13, item by item: the client, the lifecycle, `check` and the emulator against hostile and
 * broken devices (plain HTTP servers on 127.0.0.1 started here). Each failure must be a classified
 * `DeviceError` (or `ResourceError`) naming the device, and no secret may reach any message.
 */
import { execFile } from "child_process";
import * as http from "http";
import * as path from "path";
import { inspect, promisify } from "util";
import * as zlib from "zlib";
import { startEmulator, type Emulator } from "../../emulator";
import { MAX_TOKENS, Tokens } from "../../emulator/auth";
import { MAX_REQUEST_LOG } from "../../emulator/device";
import { readAccount, writeAccount } from "../support/accounts";
import { MAX_ANSWER_BYTES } from "../../provider/client/body";
import { DeviceClient, type ClientOptions } from "../../provider/client/client";
import { DeviceError } from "../../provider/client/errors";
import { ResourceError } from "../../provider/resources/resource-errors";
import { MAX_IN_FLIGHT_PER_DEVICE } from "../../provider/client/gate";
import { closeAllClients } from "../../provider/client/sessions";
import { check, create, read } from "../../provider/resources/lifecycle";
import { SIP_ACCOUNT, SipAccountWire } from "../../provider/schema/accounts";
import {
  ADMIN_HASH,
  ADMIN_PASSWORD,
  MAIN,
  mainInputs,
  type Panel,
  SECRETS,
  SIP_PASSWORD,
  sendJson,
  startPanel,
  TOKEN,
} from "../hostile/panel";

const panels: Panel[] = [];
const clients: DeviceClient[] = [];

async function panel(hook?: Parameters<typeof startPanel>[0]): Promise<Panel> {
  const p = await startPanel(hook);
  panels.push(p);
  return p;
}

function client(p: { url: string }, opts: Partial<ClientOptions> = {}): DeviceClient {
  const c = new DeviceClient({ endpoint: p.url, username: "admin", password: ADMIN_PASSWORD, timeoutMs: 3000, retries: 2, retryDelayMs: 1, ...opts });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  closeAllClients();
  await Promise.all(panels.splice(0).map((p) => p.close()));
});

/** Every text a person or a log could see of an error: message, full inspection, own properties. */
function textsOf(e: unknown): string {
  return [String((e as Error)?.message), inspect(e, { depth: Infinity }), JSON.stringify(e)].join("\n");
}

/** Fails if any test secret (hex ones in either case) is in `text`. */
function expectNoSecret(text: string, extra: string[] = []): void {
  const lower = text.toLowerCase();
  for (const s of [...SECRETS, ...extra]) expect(lower).not.toContain(s.toLowerCase());
}

/** The DeviceError a promise rejects with; fails if it resolves or rejects with anything else. */
async function deviceFailure(p: Promise<unknown>): Promise<DeviceError> {
  const e = await p.then(
    (v) => new Error(`expected a DeviceError, got success ${JSON.stringify(v)}`),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeviceError);
  return e as DeviceError;
}

const paths = (p: Panel) => p.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`);

// ---- 1. bounded bodies ---------------------------------------------------------------------------

describe("1. answers are bounded", () => {
  test("a 5 MB answer is a protocol error naming the limit, read no further and not retried", async () => {
    let sent = 0;
    const p = await panel((req, res) => {
      if (!req.url.startsWith(MAIN)) return false;
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const push = () => {
        while (sent < 5 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 5 * 1024 * 1024) res.once("drain", push);
        else res.end();
      };
      push();
      return true;
    });
    const err = await deviceFailure(client(p).get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("protocol");
    expect(err.message).toContain(`more than the ${MAX_ANSWER_BYTES} bytes allowed`);
    expect(err.message).toContain(p.url);
    expect(paths(p).filter((x) => x === `GET ${MAIN}`)).toHaveLength(1);
  });

  test("a gzip bomb (50 MB of zeros in ~50 KB) is stopped at the limit after decompression", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(MAX_ANSWER_BYTES);
    const p = await panel((req, res) => {
      if (!req.url.startsWith(MAIN)) return false;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": bomb.length });
      res.end(bomb);
      return true;
    });
    const before = process.memoryUsage().rss;
    const err = await deviceFailure(client(p).get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("protocol");
    expect(err.message).toContain(`${MAX_ANSWER_BYTES} bytes`);
    // Not a timing: the whole 50 MB was never held at once.
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  test("an endless answer is cut at the limit and the connection closed, long before the timeout", async () => {
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const p = await panel((req, res) => {
      if (!req.url.startsWith(MAIN)) return false;
      res.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024, 0x61)), 1);
      res.on("close", () => {
        markClosed();
        clearInterval(timer);
      });
      return true;
    });
    const err = await deviceFailure(client(p, { timeoutMs: 60_000 }).get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("protocol");
    // The client hung up itself: without that the panel would stream until the 60 s timeout,
    // far past this test's own limit.
    await closed;
  });

  test.each([
    ["600 characters", "a".repeat(600)],
    ["a trailing newline", `${TOKEN}\n`],
    ["a CR/LF header injection", `${TOKEN}\r\nX-Evil: 1`],
    ["a space", `${TOKEN} x`],
    ["empty", ""],
  ])("a login token of %s is refused at login, never sent, never printed", async (_name, token) => {
    const p = await panel((req, res) => {
      if (!req.url.startsWith("/api/v1/login")) return false;
      sendJson(res, 200, { token, account_type: "admin" });
      return true;
    });
    const err = await deviceFailure(client(p).get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("protocol");
    expect(err.message).toContain("login token that cannot be sent as a header");
    expect(paths(p)).toEqual(["GET /api/v1/login"]);
    expectNoSecret(textsOf(err), token === "" ? [] : [token.trim()]);
  });
});

// ---- 2. no redirects -----------------------------------------------------------------------------

describe("2. redirects are refused, never followed", () => {
  test.each([307, 308, 302, 301, 303])("a %i on the write sends nothing to the other server and names the redacted Location", async (status) => {
    const other = await panel();
    const p = await panel((req, res) => {
      if (req.method !== "POST") return false;
      res.writeHead(status, { Location: `${other.url}/steal?password=${ADMIN_HASH}&token=${TOKEN}` });
      res.end();
      return true;
    });
    const err = await deviceFailure(client(p).post("write SIP account", MAIN, { user: "1", password: SIP_PASSWORD }));
    expect(err.kind).toBe("http");
    expect(err.status).toBe(status);
    expect(err.message).toContain(`redirect refused (Location ${other.url}/steal?password=[REDACTED]&token=[REDACTED])`);
    expect(err.attempts).toBe(1);
    expect(other.requests).toHaveLength(0);
    expectNoSecret(textsOf(err));
  });

  test("a 302 on the read-back is a failure, not verification against another server's data", async () => {
    const other = await panel();
    const p = await panel((req, res, n) => {
      if (req.method === "GET" && req.url.startsWith(MAIN) && n > 3) {
        res.writeHead(302, { Location: `${other.url}${MAIN}` });
        res.end();
        return true;
      }
      return false;
    });
    const e = await create(SIP_ACCOUNT, mainInputs(p.url), {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ResourceError);
    expect((e as ResourceError).message).toContain("reading it back failed");
    expect((e as ResourceError).status).toBe(302);
    expect(other.requests).toHaveLength(0);
  });

  test("the Bearer token never goes to another port of the same host", async () => {
    const other = await panel();
    const p = await panel((req, res) => {
      if (!req.url.startsWith(MAIN)) return false;
      res.writeHead(307, { Location: `${other.url}${MAIN}` });
      res.end();
      return true;
    });
    await deviceFailure(client(p).get("read SIP account", MAIN, SipAccountWire));
    expect(other.requests).toHaveLength(0);
  });
});

// ---- 3. echoed secrets are scrubbed --------------------------------------------------------------

describe("3. secrets a device echoes never reach a message", () => {
  const echo = (make: (req: { body: string; url: string; auth: string }) => [number, string]) =>
    panel((req, res) => {
      if (req.url.startsWith("/api/v1/login")) return false;
      const [status, body] = make({ body: req.body, url: req.url, auth: String(req.headers.authorization) });
      if (status === 0) return false;
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(body);
      return true;
    });

  test.each<[string, (r: { body: string; url: string; auth: string }) => [number, string]]>([
    ["a plain-text 400 echoing the body", (r) => (r.body ? [400, `bad body: ${r.body}`] : [0, ""])],
    ["the string envelope", (r) => (r.body ? [400, JSON.stringify({ error: `Wrong JSON body: ${r.body}` })] : [0, ""])],
    [
      "data.password of the object envelope",
      (r) => (r.body ? [400, JSON.stringify({ error: { code: "not_valid", message: "Data validation error", data: { password: `bad ${JSON.parse(r.body).password}` } } })] : [0, ""]),
    ],
    ["error.message of the object envelope", (r) => (r.body ? [400, JSON.stringify({ error: { code: "x", message: `no ${JSON.parse(r.body).password} here` } })] : [0, ""])],
    ["an echoed Authorization header", (r) => (r.body ? [400, `unauthorized: ${r.auth}`] : [0, ""])],
    ["an echoed Authorization header on a 500, with retries", (r) => (r.body ? [500, `${r.auth} ${r.auth.toUpperCase()}`] : [0, ""])],
    ["the SIP password URL-encoded", (r) => (r.body ? [400, encodeURIComponent(r.body)] : [0, ""])],
  ])("%s", async (_name, make) => {
    const p = await echo(make);
    const err = await deviceFailure(client(p).post("write SIP account", MAIN, { user: "1", password: SIP_PASSWORD }));
    expect(err.kind).toBe("http");
    expect(err.message).toContain(p.url);
    expect(err.message).toContain("[REDACTED]");
    expectNoSecret(textsOf(err));
  });

  test("the admin hash echoed from the login query, in upper case, and the username's forged line", async () => {
    const p = await panel((req, res) => {
      sendJson(res, 400, { error: `Wrong login or password ${req.url} ${req.url.toUpperCase()}\nbasip: forged line` });
      return true;
    });
    const err = await deviceFailure(client(p).get("read SIP account", MAIN, SipAccountWire));
    expect(err.message).toContain("log in as admin failed");
    expect(err.message).not.toContain("\n");
    expectNoSecret(textsOf(err));
  });

  test("a SIP password echoed on the read-back reaches no ResourceError (the lifecycle passes it as a secret)", async () => {
    const p = await panel((req, res, n) => {
      if (req.method === "GET" && req.url.startsWith(MAIN) && n > 3) {
        sendJson(res, 200, { ...p.account, user: `x${SIP_PASSWORD}`, password: "WebPass" });
        return true;
      }
      return false;
    });
    const e = await create(SIP_ACCOUNT, mainInputs(p.url), {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ResourceError);
    expect((e as ResourceError).kind).toBe("unapplied");
    expectNoSecret(textsOf(e));
  });
});

// ---- 4. a 2xx carrying an error envelope ---------------------------------------------------------

describe("4. a 2xx with an error envelope is a failure", () => {
  test.each([
    ["object envelope", { error: { code: "not_valid", message: "Data validation error", data: { password: "must be a string" } } }],
    ["string envelope", { error: "Wrong JSON body: no value for `password`" }],
  ])("%s on the write: create fails, nothing is recorded as applied", async (_name, envelope) => {
    const p = await panel((req, res) => {
      if (req.method !== "POST") return false;
      sendJson(res, 200, envelope);
      return true;
    });
    const e = await create(SIP_ACCOUNT, mainInputs(p.url), {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ResourceError);
    const r = e as ResourceError;
    expect(r.kind).toBe("http");
    expect(r.status).toBe(200);
    expect(r.field).toBe("password");
    expect(r.message).toContain(`write SIP account failed (POST ${MAIN}): HTTP 200`);
    // The read-back never ran: a failed write is not "applied". Every field is set, so no adopt read
    // came first. (`/api/info` is asked alongside, once.)
    expect(paths(p).filter((q) => q !== "GET /api/info")).toEqual(["GET /api/v1/login", `POST ${MAIN}`]);
  });
});

// ---- 5. inspection leaks nothing -----------------------------------------------------------------

describe("5. inspecting errors and clients shows no credentials", () => {
  test("a network error's cause is sanitised: no login URL hash under util.inspect", async () => {
    const p = await panel();
    const url = p.url;
    await p.close();
    const err = await deviceFailure(client({ url }, { retries: 0 }).get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("network");
    expect((err.cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect(inspect(err, { depth: Infinity, showHidden: true })).toContain("ECONNREFUSED");
    expectNoSecret(inspect(err, { depth: Infinity, showHidden: true }));
  });

  test("util.inspect and JSON of a logged-in client show neither the admin password, nor its hash, nor the token", async () => {
    const p = await panel();
    const c = client(p);
    await c.get("read SIP account", MAIN, SipAccountWire);
    expect(p.requests[1].headers.authorization).toBe(`Bearer ${TOKEN}`);
    const shown = [inspect(c, { depth: Infinity, showHidden: true }), JSON.stringify(c), String(Object.values(c))].join("\n");
    expect(shown).toContain(p.url);
    expectNoSecret(shown);
  });
});

// ---- 6. device values decoded strictly -----------------------------------------------------------

describe("6. device answers are decoded strictly", () => {
  test.each([
    ["a 300-character user", { user: "u".repeat(300) }, "user: must be a string of at most 255 characters"],
    ["a control character in realm", { realm: "pbx\r\nbasip: forged" }, "realm: must be a string of at most 255 characters without control characters"],
    ["h264 1e9", { h264: 1e9 }, "h264: must be an integer from 0 to 65535, got 1000000000"],
    ["a fractional stun port", { stun: { ip: "stun.example.com", port: 1.5 } }, "stun.port: must be an integer"],
  ])("refresh against %s is a protocol error naming the field; nothing reaches state", async (_name, patch, text) => {
    const p = await panel();
    Object.assign(p.account, patch);
    const inputs = mainInputs(p.url);
    const e = await read(SIP_ACCOUNT, `${p.url}#sip-account`, inputs, {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ResourceError);
    expect((e as ResourceError).kind).toBe("protocol");
    expect((e as ResourceError).message).toContain(text);
    expect((e as ResourceError).message).not.toContain("\n");
  });

  test("extra keys (top level and inside stun) are dropped: create succeeds, refresh copies none", async () => {
    const p = await panel((req, res) => {
      if (req.method !== "GET" || !req.url.startsWith(MAIN)) return false;
      sendJson(res, 200, { ...p.account, password: "WebPass", stun: { ...(p.account.stun as object), evil: "x\r\ny" }, debug: "z".repeat(100) });
      return true;
    });
    const { outs } = await create(SIP_ACCOUNT, mainInputs(p.url), {});
    expect(outs.stun).toEqual({ ip: "stun.example.com", port: 3478 });
    const refreshed = await read(SIP_ACCOUNT, `${p.url}#sip-account`, outs, {});
    expect(refreshed.props.stun).toEqual({ ip: "stun.example.com", port: 3478 });
    expect(Object.keys(refreshed.props)).not.toContain("debug");
  });

  test("a write sends only table fields, and only declared keys inside stun", async () => {
    const p = await panel();
    const settings = { ...mainInputs(p.url), stun: { ip: "stun.example.com", port: 3478, evil: "a\r\nb" }, extra: "x" };
    const result = await writeAccount(client(p), SIP_ACCOUNT, MAIN, settings)();
    expect(result._tag).toBe("Right");
    const body = JSON.parse(p.requests.find((r) => r.method === "POST")?.body ?? "{}");
    expect(body.stun).toEqual({ ip: "stun.example.com", port: 3478 });
    expect(Object.keys(body).sort()).toEqual(["h264", "password", "proxy", "realm", "registration_interval", "stun", "transport", "user"]);
  });

  test("readAccount returns exactly the table's fields", async () => {
    const p = await panel();
    p.account.firmware_secret = "x";
    const result = await readAccount(client(p), SIP_ACCOUNT, MAIN)();
    expect(result._tag === "Right" && Object.keys(result.right).sort()).toEqual([...SIP_ACCOUNT.endpoints[0].fields].sort());
  });
});

// ---- 7. endpoints and inputs check refuses -------------------------------------------------------

describe("7. check refuses endpoints and inputs that would misbehave, without throwing", () => {
  const base = (device: Record<string, unknown>) => ({ ...mainInputs("http://10.0.0.21"), device });
  test.each([
    ["a bare ?", { endpoint: "http://10.0.0.21:80/?" }, "device.endpoint"],
    ["a bare #", { endpoint: "http://10.0.0.21:80/#" }, "device.endpoint"],
    ["an upper-case scheme", { endpoint: "HTTPS://10.0.0.21" }, "device.endpoint"],
    ["a path", { endpoint: "http://10.0.0.21/api" }, "device.endpoint"],
    ["CR/LF in the endpoint", { endpoint: "http://10.0.0.21\r\nbasip: forged" }, "device.endpoint"],
    ["a backslash", { endpoint: "http://evil.example\\@10.0.0.21" }, "device.endpoint"],
    ["CR/LF in the username", { endpoint: "http://10.0.0.21", username: "admin\r\nbasip: forged" }, "device.username"],
    ["a 10 MB caCertificate", { endpoint: "https://10.0.0.21", caCertificate: `-----BEGIN CERTIFICATE-----${"A".repeat(10 * 1024 * 1024)}` }, "device.caCertificate"],
    ["caCertificate with http://", { endpoint: "http://10.0.0.21", caCertificate: "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----" }, "device.caCertificate"],
    ["insecureSkipVerify with http://", { endpoint: "http://10.0.0.21", insecureSkipVerify: true }, "device.insecureSkipVerify"],
  ])("%s", (_name, device, property) => {
    const { failures } = check(SIP_ACCOUNT, base(device));
    expect(failures.map((f) => f.property)).toEqual([property]);
    expect(failures[0].reason).not.toContain("\n");
  });

  test("accepted: host and port with or without a trailing slash, IPv6, https with TLS options", () => {
    for (const device of [
      { endpoint: "http://10.0.0.21:8080/" },
      { endpoint: "http://[::1]:8080" },
      { endpoint: "https://panel-3.example.com", insecureSkipVerify: true },
    ]) {
      expect(check(SIP_ACCOUNT, base(device)).failures).toEqual([]);
    }
  });

  test("check(null), check of an array and a deeply nested stun are check failures, not exceptions", () => {
    let deep: Record<string, unknown> = {};
    const stun: Record<string, unknown> = { ip: "stun.example.com", port: 3478, nest: deep };
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      deep.x = next;
      deep = next;
    }
    for (const news of [null, [1], { ...mainInputs("http://10.0.0.21"), stun }]) {
      const { failures } = check(SIP_ACCOUNT, news as never);
      expect(failures).toHaveLength(1);
    }
  });
});

// ---- 8. the emulator is bounded ------------------------------------------------------------------

describe("8. the emulator is bounded and masked", () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  const post = (url: string, size: number): Promise<number> =>
    new Promise((resolve) => {
      const req = http.request(`${url}${MAIN}`, { method: "POST", headers: { "Content-Type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The emulator may close while the upload still streams: that is a refusal too.
      req.on("error", () => resolve(-1));
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const push = () => {
        while (sent < size && req.write(chunk)) sent += chunk.length;
        if (sent < size) req.once("drain", push);
        else req.end();
      };
      push();
    });

  test("an unauthenticated 64 MB POST gets 413 (or a closed connection); the emulator keeps serving and keeps no body", async () => {
    emu = await startEmulator({ port: 0 });
    const dev = emu.device();
    const status = await post(dev.url, 64 * 1024 * 1024);
    expect([413, -1]).toContain(status);
    const info = await fetch(`${dev.url}/api/info`);
    expect(info.status).toBe(200);
    expect(dev.requests[0]).toMatchObject({ status: 413, body: "[over 65536 bytes, not read]" });
  });

  test("a non-JSON body is never logged, in the request log or the debug line", async () => {
    const lines: string[] = [];
    emu = await startEmulator({ port: 0, log: (l) => lines.push(l) });
    const dev = emu.device();
    const res = await fetch(`${dev.url}${MAIN}`, { method: "POST", body: `{"password":"${SIP_PASSWORD}", broken` });
    expect(res.status).toBe(401);
    expect(dev.requests[0].body).toMatch(/^\[not JSON, \d+ bytes, not kept\]$/);
    expectNoSecret(JSON.stringify(dev.requests) + lines.join("\n"));
  });

  // The built CLI, as users run it (`npm run test:unit` builds first).
  const cli = path.resolve(__dirname, "../../dist/emulator/cli.js");
  const runCli = (args: string[]) =>
    promisify(execFile)(process.execPath, [cli, ...args]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  test.each([
    [["--latency", "3000000000"], "--latency must be <= 600000"],
    [["--second-path", "../../x"], "--second-path must be an absolute path"],
    [["--second-path", "/api/../x"], "--second-path must be an absolute path"],
    [["--token-ttl", "99999999999"], "--token-ttl must be <="],
    [["--port", "65535", "--devices", "2"], "passes port 65535"],
  ])("CLI %j exits 2: %s", async (args, text) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
  });

  test("in process: a latency past the timer range and a second path with .. are refused", async () => {
    await expect(startEmulator({ faults: { latencyMs: 3_000_000_000 } })).rejects.toThrow(RangeError);
    await expect(startEmulator({ secondAccountPath: "/a/../b" })).rejects.toThrow(RangeError);
  });

  test(`the request log keeps the last requestLogLimit entries (default ${MAX_REQUEST_LOG})`, async () => {
    emu = await startEmulator({ port: 0, requestLogLimit: 100 });
    const dev = emu.device();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const get = (p: string) =>
      new Promise<void>((resolve, reject) => {
        http.get(`${dev.url}${p}`, { agent }, (res) => res.resume().on("end", resolve)).on("error", reject);
      });
    await Promise.all(Array.from({ length: 20 }, () => get("/old")));
    await Promise.all(Array.from({ length: 100 }, () => get("/api/info")));
    agent.destroy();
    expect(dev.requests).toHaveLength(100);
    expect(dev.requests.every((r) => r.path === "/api/info")).toBe(true);
  });

  test(`the token map holds at most ${MAX_TOKENS} tokens; the newest stay valid`, () => {
    const tokens = new Tokens(60_000);
    const issued = Array.from({ length: MAX_TOKENS * 3 }, () => tokens.issue());
    expect(tokens.size).toBe(MAX_TOKENS);
    expect(tokens.verify(`Bearer ${issued[issued.length - 1]}`)).toBe(issued[issued.length - 1]);
    expect(tokens.verify(`Bearer ${issued[0]}`)).toBeUndefined();
  });
});

// ---- 9. per-device in-flight cap -----------------------------------------------------------------

describe("9. requests in flight to one device are capped", () => {
  test(`200 concurrent calls: at most ${MAX_IN_FLIGHT_PER_DEVICE} in flight and as many sockets; all succeed`, async () => {
    const p = await panel();
    p.latencyMs = 2;
    const c = client(p);
    const results = await Promise.all(Array.from({ length: 200 }, () => c.get("read SIP account", MAIN, SipAccountWire)));
    expect(results).toHaveLength(200);
    expect(p.requests).toHaveLength(201);
    expect(p.peak()).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_DEVICE);
    expect(p.connections()).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_DEVICE);
  });

  test("two clients of one device share the cap (the pool keys clients by options, the cap by device)", async () => {
    const p = await panel();
    p.latencyMs = 2;
    const a = client(p);
    const b = client(p, { timeoutMs: 2500 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).get("read SIP account", MAIN, SipAccountWire)));
    expect(p.peak()).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_DEVICE);
  });
});
