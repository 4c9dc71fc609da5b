/**
 * Tests of the device client (provider/client) against the in-process device emulator over real
 * HTTP(S) on ephemeral ports: login and token reuse, re-login, both error envelopes, retries,
 * timeouts, TLS, the WebPass guard, the account TaskEithers, redaction and the client pool.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as E from "fp-ts/Either";
import nodeFetch from "node-fetch";
import {
  startEmulator,
  DEFAULT_SECOND_ACCOUNT_PATH,
  MAIN_ACCOUNT_PATH,
  MASK,
  WEB_PASS,
  type EmulatedDevice,
  type Emulator,
  type EmulatorOptions,
} from "../../emulator";
import { readAccount, writeAccount } from "../support/accounts";
import { DeviceClient, type ClientOptions, type FetchLike } from "../../provider/client/client";
import { DeviceError } from "../../provider/client/errors";
import { redactQuerySecrets } from "../../provider/client/redact";
import { REDACTED } from "../../provider/schema/redaction";
import { clientFor, closeAllClients } from "../../provider/client/sessions";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT, SecondSipAccountWire, SipAccountWire } from "../../provider/schema/accounts";

const MAIN = "/api/v1/device/sip/settings";
const SECOND = "/api/v1/device/sip/settings/second";
const ADMIN_PASSWORD = "123456";
const md5 = (s: string): string => crypto.createHash("md5").update(s, "utf8").digest("hex");

const validMain = {
  proxy: "sip:10.0.0.5",
  realm: "10.0.0.5",
  user: "200",
  password: "s3cret",
  stun: { ip: "10.0.0.5", port: 3478 },
  h264: 102,
};

const validSecond = {
  proxy: "sip:10.0.0.6",
  realm: "10.0.0.6",
  user: "201",
  password: "s3cret99",
};

// ---- lifecycle: every emulator and client made by a test is released after it -------------------

const emulators: Emulator[] = [];
const clients: DeviceClient[] = [];

async function start(opts: EmulatorOptions = {}): Promise<EmulatedDevice> {
  const emu = await startEmulator({ port: 0, ...opts });
  emulators.push(emu);
  return emu.device();
}

function client(device: { url: string }, opts: Partial<ClientOptions> = {}): DeviceClient {
  const c = new DeviceClient({
    endpoint: device.url,
    username: "admin",
    password: ADMIN_PASSWORD,
    timeoutMs: 2000,
    retries: 2,
    retryDelayMs: 5,
    ...opts,
  });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

afterAll(() => {
  closeAllClients();
});

/** The DeviceError a promise rejects with; fails the test if it resolves or rejects otherwise. */
async function failure(p: Promise<unknown>): Promise<DeviceError> {
  let outcome: unknown;
  try {
    outcome = await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    return e as DeviceError;
  }
  throw new Error(`expected a DeviceError, but the call succeeded with ${JSON.stringify(outcome)}`);
}

const statuses = (d: EmulatedDevice): number[] => d.requests.map((r) => r.status);

test("emulator constants match the paths the tests use", () => {
  expect(MAIN_ACCOUNT_PATH).toBe(MAIN);
  expect(DEFAULT_SECOND_ACCOUNT_PATH).toBe(SECOND);
});

// ---- 1, 2: login and token reuse ----------------------------------------------------------------

describe("login and token reuse", () => {
  test("10 reads/writes need exactly one login; the login sends the MD5 hex, never the password", async () => {
    const device = await start();
    const seen: { url: string; auth?: string }[] = [];
    const recording: FetchLike = (url, init) => {
      seen.push({ url, auth: (init.headers as Record<string, string>).Authorization });
      return nodeFetch(url, init);
    };
    const c = client(device, { fetch: recording });

    for (let i = 0; i < 5; i++) {
      const main = await c.get("read SIP account", MAIN, SipAccountWire);
      expect(main.password).toBe(WEB_PASS);
    }
    for (let i = 0; i < 5; i++) await c.post("write second SIP account", SECOND, { ...validSecond, registration_interval: 30 + i });

    expect(device.counts()).toEqual({ login: 1, read: 5, write: 5, info: 0, total: 11 });
    expect(statuses(device)).toEqual(Array(11).fill(200));
    expect(c.stats).toEqual({ logins: 1, requests: 11 });
    expect(device.second.registration_interval).toBe(34);

    // What went over the wire: the MD5 hex in the query, and one Bearer token for all ten calls.
    expect(seen).toHaveLength(11);
    expect(seen[0]).toEqual({ url: `${device.url}/api/v1/login?username=admin&password=${md5(ADMIN_PASSWORD)}`, auth: undefined });
    expect(seen.map((s) => s.url).join("\n")).not.toContain(ADMIN_PASSWORD);
    const auths = new Set(seen.slice(1).map((s) => s.auth));
    expect(auths.size).toBe(1);
    expect([...auths][0]).toMatch(/^Bearer [0-9a-f]{40}$/);

    // What the emulator recorded: the login query masked, and no trace of the admin password.
    expect(device.requests[0]).toMatchObject({ kind: "login", path: "/api/v1/login", status: 200, query: { username: "admin", password: MASK } });
    const log = JSON.stringify(device.requests);
    expect(log).not.toContain(ADMIN_PASSWORD);
    expect(log).not.toContain(md5(ADMIN_PASSWORD));
    expect(log).not.toContain("s3cret99");
  });

  test("concurrent first calls on a fresh client share one login", async () => {
    const device = await start({ faults: { latencyMs: 20 } });
    const c = client(device);
    const [main, second, main2] = await Promise.all([
      c.get("read SIP account", MAIN, SipAccountWire),
      c.get("read second SIP account", SECOND, SecondSipAccountWire),
      c.get("read SIP account", MAIN, SipAccountWire),
    ]);
    expect(main.user).toBe("100");
    expect(main2.user).toBe("100");
    expect(second.user).toBe("101");
    expect(device.counts()).toEqual({ login: 1, read: 3, write: 0, info: 0, total: 4 });
    expect(c.stats).toEqual({ logins: 1, requests: 4 });
  });
});

// ---- 3: re-login ------------------------------------------------------------------------------

describe("re-login on 401", () => {
  test("expireTokens(): the next call succeeds with exactly one extra login", async () => {
    const device = await start();
    const c = client(device);
    await c.get("read SIP account", MAIN, SipAccountWire);
    device.expireTokens();
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("100");
    expect(device.requests.map((r) => `${r.kind} ${r.status}`)).toEqual(["login 200", "read 200", "read 401", "login 200", "read 200"]);
    expect(c.stats).toEqual({ logins: 2, requests: 5 });

    // The new token is reused afterwards.
    await c.get("read second SIP account", SECOND, SecondSipAccountWire);
    expect(device.counts().login).toBe(2);
  });

  test("concurrent calls that both meet an expired token share one re-login", async () => {
    const device = await start({ faults: { latencyMs: 10 } });
    const c = client(device);
    await c.get("read SIP account", MAIN, SipAccountWire);
    device.expireTokens();
    await Promise.all([c.get("read SIP account", MAIN, SipAccountWire), c.get("read second SIP account", SECOND, SecondSipAccountWire)]);
    expect(device.counts()).toEqual({ login: 2, read: 5, write: 0, info: 0, total: 7 });
    expect(c.stats.logins).toBe(2);
  });

  test("a token that outlives tokenTtlMs is replaced by one extra login", async () => {
    const device = await start({ tokenTtlMs: 150 });
    const c = client(device);
    await c.get("read SIP account", MAIN, SipAccountWire);
    await new Promise((r) => setTimeout(r, 200));
    await c.post("write SIP account", MAIN, validMain);
    expect(device.requests.map((r) => `${r.kind} ${r.status}`)).toEqual(["login 200", "read 200", "write 401", "login 200", "write 200"]);
    expect(device.main.user).toBe("200");
    expect(c.stats.logins).toBe(2);
  });

  test("a second 401 right after the re-login surfaces as DeviceError 401 (no loop)", async () => {
    const device = await start({ tokenTtlMs: 0 });
    const c = client(device);
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("http");
    expect(err.status).toBe(401);
    expect(err.code).toBe("invalid_authentication");
    expect(err.deviceMessage).toBe("Log In");
    expect(err.message).toContain(device.url);
    expect(err.message).toContain("read SIP account");
    expect(device.requests.map((r) => `${r.kind} ${r.status}`)).toEqual(["login 200", "read 401", "login 200", "read 401"]);
    expect(c.stats).toEqual({ logins: 2, requests: 4 });
  });
});

// ---- 4: wrong admin password ----------------------------------------------------------------------

test("wrong admin password: DeviceError http 400 naming device and login, without the password or its MD5", async () => {
  const device = await start();
  const wrong = "hunter22";
  const c = client(device, { password: wrong });
  const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
  expect(err.kind).toBe("http");
  expect(err.status).toBe(400);
  expect(err.deviceMessage).toBe("Wrong login or password");
  expect(err.code).toBeUndefined();
  expect(err.attempts).toBe(1);
  expect(err.operation).toBe("log in as admin");
  expect(err.path).toBe(`/api/v1/login?username=admin&password=${REDACTED}`);
  expect(err.message).toContain(device.url);
  expect(err.message).toContain("log in");
  expect(err.message).toContain("Wrong login or password");
  const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err)}`;
  expect(everything).not.toContain(wrong);
  expect(everything).not.toContain(md5(wrong));
  // A 4xx is not retried, and no account call is made without a token.
  expect(device.counts()).toEqual({ login: 1, read: 0, write: 0, info: 0, total: 1 });
  expect(c.stats).toEqual({ logins: 1, requests: 1 });
});

// ---- 5: both error envelopes ----------------------------------------------------------------------

describe("device error envelopes", () => {
  test("main account: object envelope gives code not_valid and the parameter", async () => {
    const device = await start();
    const c = client(device);
    const err = await failure(c.post("write SIP account", MAIN, { ...validMain, registration_interval: 10 }));
    expect(err.kind).toBe("http");
    expect(err.status).toBe(400);
    expect(err.code).toBe("not_valid");
    expect(err.deviceMessage).toBe("Data validation error");
    expect(err.param).toBe("registration_interval");
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`POST ${MAIN}`);
    expect(err.message).toContain("parameter registration_interval: must be a number from 30 to 900");
    expect(err.message).not.toContain(validMain.password);
    expect(device.counts()).toEqual({ login: 1, read: 0, write: 1, info: 0, total: 2 });
    expect(device.main.registration_interval).toBe(60);
    expect(device.main.user).toBe("100");
  });

  test("second account: string envelope, parameter parsed from back-ticks, no code", async () => {
    const device = await start();
    const c = client(device);
    const err = await failure(c.post("write second SIP account", SECOND, { ...validSecond, registration_interval: 10 }));
    expect(err.kind).toBe("http");
    expect(err.status).toBe(400);
    expect(err.code).toBeUndefined();
    expect(err.deviceMessage).toBe("Wrong JSON body: value `registration_interval` is not valid");
    expect(err.param).toBe("registration_interval");
    expect(err.message).toContain(`POST ${SECOND}`);
    expect(err.message).not.toContain(validSecond.password);
    expect(device.counts()).toEqual({ login: 1, read: 0, write: 1, info: 0, total: 2 });
    expect(device.second.registration_interval).toBe(60);
  });
});

// ---- 6: retries --------------------------------------------------------------------------------------

describe("retries", () => {
  async function primed(opts: Partial<ClientOptions> = {}): Promise<{ device: EmulatedDevice; c: DeviceClient }> {
    const device = await start();
    const c = client(device, opts);
    await c.get("read SIP account", MAIN, SipAccountWire);
    device.clearRequests();
    return { device, c };
  }

  test("two 500s, then success on the third attempt", async () => {
    const { device, c } = await primed({ retries: 2 });
    device.injectFaults({ failNext: 2 });
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("100");
    expect(statuses(device)).toEqual([500, 500, 200]);
    expect(device.counts()).toEqual({ login: 0, read: 3, write: 0, info: 0, total: 3 });
    expect(c.stats).toEqual({ logins: 1, requests: 5 });
  });

  test("writes are retried too", async () => {
    const { device, c } = await primed({ retries: 2 });
    device.injectFaults({ failNext: 1, failStatus: 503 });
    await c.post("write SIP account", MAIN, validMain);
    expect(statuses(device)).toEqual([503, 200]);
    expect(device.main.user).toBe("200");
  });

  test("more 500s than retries: DeviceError http 500 after 3 attempts", async () => {
    const { device, c } = await primed({ retries: 2 });
    device.injectFaults({ failNext: 5 });
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("http");
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(3);
    expect(err.deviceMessage).toBe("Emulated failure 500");
    expect(err.message).toContain("HTTP 500");
    expect(err.message).toContain("after 3 attempts");
    expect(statuses(device)).toEqual([500, 500, 500]);
    expect(device.faults.failNext).toBe(2);
  });

  test("a reset connection is retried", async () => {
    const { device, c } = await primed({ retries: 2 });
    device.injectFaults({ resetNext: 1 });
    const second = await c.get("read second SIP account", SECOND, SecondSipAccountWire);
    expect(second.user).toBe("101");
    expect(statuses(device)).toEqual([0, 200]);
    expect(device.counts().read).toBe(2);
  });

  test("malformed JSON is a protocol error and is not retried", async () => {
    const { device, c } = await primed({ retries: 2 });
    device.injectFaults({ malformedNext: 1 });
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("protocol");
    expect(err.status).toBeUndefined();
    expect(err.message).toContain("malformed JSON");
    expect(err.message).toContain(`GET ${MAIN}`);
    expect(statuses(device)).toEqual([200]);
    expect(device.counts()).toEqual({ login: 0, read: 1, write: 0, info: 0, total: 1 });
    // The next read is fine again.
    await expect(c.get("read SIP account", MAIN, SipAccountWire)).resolves.toMatchObject({ user: "100" });
  });
});

// ---- 7: timeouts and a device that is down -------------------------------------------------------

describe("timeouts and connection errors", () => {
  test("a hung request with retries 0: DeviceError timeout naming 200 ms", async () => {
    const device = await start();
    const c = client(device, { timeoutMs: 200, retries: 0 });
    await c.get("read SIP account", MAIN, SipAccountWire);
    device.clearRequests();
    device.injectFaults({ hangNext: 1 });
    const t0 = Date.now();
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    const elapsed = Date.now() - t0;
    expect(err.kind).toBe("timeout");
    expect(err.attempts).toBe(1);
    expect(err.message).toContain("200 ms");
    expect(err.message).toContain(`GET ${MAIN}`);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    expect(statuses(device)).toEqual([0]);
  });

  test("a hung request with retries 1: success on the second attempt", async () => {
    const device = await start();
    const c = client(device, { timeoutMs: 200, retries: 1 });
    await c.get("read SIP account", MAIN, SipAccountWire);
    device.clearRequests();
    device.injectFaults({ hangNext: 1 });
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("100");
    expect(statuses(device)).toEqual([0, 200]);
    expect(c.stats).toEqual({ logins: 1, requests: 4 });
  });

  test("device down: DeviceError network with ECONNREFUSED; back up: works with the same token", async () => {
    const device = await start();
    const c = client(device, { retries: 2, retryDelayMs: 5 });
    await c.get("read SIP account", MAIN, SipAccountWire);
    await device.setDown(true);
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("network");
    expect(err.attempts).toBe(3);
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.message).toContain(device.url);
    expect(err.message).toContain("after 3 attempts");

    await device.setDown(false);
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("100");
    expect(device.requests.map((r) => `${r.kind} ${r.status}`)).toEqual(["login 200", "read 200", "read 200"]);
    expect(c.stats.logins).toBe(1);
  });

  test("device down at login: the network library's message (which repeats the login URL) carries no password hash", async () => {
    const device = await start();
    await device.setDown(true);
    const c = client(device, { retries: 0, retryDelayMs: 5 });
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("network");
    expect(err.message).toContain("log in as admin");
    expect(err.message).toContain("password=[REDACTED]");
    expect(err.message).not.toContain(md5("123456"));
    expect(err.message).not.toContain("123456");
  });
});

// ---- 8: TLS ----------------------------------------------------------------------------------------

describe("TLS", () => {
  let tmp: string | undefined;
  let pem: { key: string; cert: string } | undefined;

  /** A fresh self-signed certificate for 127.0.0.1. Throws (failing the test) if openssl is missing. */
  function certificate(): { key: string; cert: string } {
    if (pem) return pem;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "basip-client-tls-"));
    const keyFile = path.join(tmp, "key.pem");
    const certFile = path.join(tmp, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"],
      { stdio: "pipe" },
    );
    pem = { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8") };
    return pem;
  }

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("a default client refuses the self-signed certificate (kind network)", async () => {
    const device = await start({ tls: certificate() });
    expect(device.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const c = client(device, { retries: 0 });
    const err = await failure(c.get("read SIP account", MAIN, SipAccountWire));
    expect(err.kind).toBe("network");
    expect(err.operation).toBe("log in as admin");
    expect(err.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|self[- ]signed certificate/i);
    expect(device.counts().total).toBe(0);
  });

  test("insecureSkipVerify: true works", async () => {
    const device = await start({ tls: certificate() });
    const c = client(device, { insecureSkipVerify: true });
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("100");
    expect(device.counts()).toEqual({ login: 1, read: 1, write: 0, info: 0, total: 2 });
  });

  test("caCertificate: the device's certificate PEM works", async () => {
    const device = await start({ tls: certificate() });
    const c = client(device, { caCertificate: certificate().cert });
    await c.post("write SIP account", MAIN, validMain);
    const main = await c.get("read SIP account", MAIN, SipAccountWire);
    expect(main.user).toBe("200");
    expect(device.main.password).toBe("s3cret");
    expect(device.counts()).toEqual({ login: 1, read: 1, write: 1, info: 0, total: 3 });
  });
});

// ---- 9: the WebPass guard --------------------------------------------------------------------------

test("POST with password WebPass is refused before anything reaches the device", async () => {
  const device = await start();
  const c = client(device);
  await c.get("read SIP account", MAIN, SipAccountWire);
  const before = device.counts();
  const statsBefore = { ...c.stats };
  expect(before).toEqual({ login: 1, read: 1, write: 0, info: 0, total: 2 });

  const err = await failure(c.post("write second SIP account", SECOND, { ...validSecond, password: WEB_PASS }));
  expect(err.kind).toBe("refused");
  expect(err.status).toBeUndefined();
  expect(err.message).toContain(WEB_PASS);
  expect(err.message).toContain(`POST ${SECOND}`);

  expect(device.counts()).toEqual(before);
  expect(c.stats).toEqual(statsBefore);
  expect(device.receivedWebPass()).toBe(false);
  expect(device.second.password).toBe("factory2");

  // Also refused on a fresh client, which does not even log in.
  const fresh = client(device);
  expect((await failure(fresh.post("write SIP account", MAIN, { ...validMain, password: WEB_PASS }))).kind).toBe("refused");
  expect(fresh.stats).toEqual({ logins: 0, requests: 0 });
  expect(device.counts()).toEqual(before);
  expect(device.receivedWebPass()).toBe(false);
});

// ---- 10: readAccount / writeAccount -------------------------------------------------------------

describe("readAccount / writeAccount", () => {
  test("second account round trip: camelCase in, snake_case with the real password on the device, WebPass back", async () => {
    const device = await start();
    const c = client(device);
    const settings = {
      proxy: "sip:10.0.0.6",
      realm: "10.0.0.6:5060",
      user: "201",
      password: "s3cret99",
      transport: "tcp",
      userId: "user201",
      registrationInterval: 120,
      outbound: "10.0.0.1",
    };
    const written = await writeAccount(c, SECOND_SIP_ACCOUNT, SECOND, settings)();
    expect(E.isRight(written)).toBe(true);
    expect(device.second).toEqual({
      proxy: "sip:10.0.0.6",
      realm: "10.0.0.6:5060",
      user: "201",
      password: "s3cret99",
      transport: "tcp",
      user_id: "user201",
      registration_interval: 120,
      outbound: "10.0.0.1",
    });
    const post = device.requests.find((r) => r.kind === "write");
    expect(post).toMatchObject({ method: "POST", path: SECOND, account: "second", status: 200 });
    expect(post?.body).toEqual({ ...device.second, password: MASK });

    const read = await readAccount(c, SECOND_SIP_ACCOUNT, SECOND)();
    expect(read).toEqual(E.right({ ...settings, password: WEB_PASS }));
    expect(device.counts()).toEqual({ login: 1, read: 1, write: 1, info: 0, total: 3 });
  });

  test("main account read maps registration_interval and nested stun", async () => {
    const device = await start();
    const read = await readAccount(client(device), SIP_ACCOUNT, MAIN)();
    expect(read).toEqual(
      E.right({
        proxy: "sip:sip.bas-ip.com",
        realm: "sip.bas-ip.com",
        user: "100",
        password: WEB_PASS,
        stun: { ip: "stun.l.google.com", port: 19302 },
        registrationInterval: 60,
        h264: 102,
        transport: "udp",
      }),
    );
  });

  test("a device rejection is a Left DeviceError, not a throw", async () => {
    const device = await start();
    const result = await writeAccount(client(device), SECOND_SIP_ACCOUNT, SECOND, { ...validSecond, registrationInterval: 10 })();
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left).toBeInstanceOf(DeviceError);
      const left = result.left as DeviceError;
      expect(left.status).toBe(400);
      expect(left.param).toBe("registration_interval");
      expect(left.operation).toBe("write second SIP account");
    }
    expect(device.second.registration_interval).toBe(60);
  });
});

// ---- 11: redaction ---------------------------------------------------------------------------------

describe("redaction", () => {
  test("redactQuerySecrets hides password and token query values", () => {
    const out = redactQuerySecrets("/api/v1/login?username=admin&password=abc");
    expect(out).toBe(`/api/v1/login?username=admin&password=${REDACTED}`);
    expect(out).not.toContain("abc");
    expect(redactQuerySecrets("/x?token=t0k3n&a=1&PASSWORD=p4ss#frag")).toBe(`/x?token=${REDACTED}&a=1&PASSWORD=${REDACTED}#frag`);
    expect(redactQuerySecrets("/api/v1/device/sip/settings")).toBe("/api/v1/device/sip/settings");
    // The package's one rule for secret names: any parameter named like a secret, whatever the case.
    expect(redactQuerySecrets("see /x?passphrase=b&user=c&Api_Secret=d.")).toBe(`see /x?passphrase=${REDACTED}&user=c&Api_Secret=${REDACTED}`);
  });
});

// ---- 12: the client pool -----------------------------------------------------------------------------

describe("clientFor", () => {
  const base: ClientOptions = { endpoint: "http://127.0.0.1:9", username: "admin", password: ADMIN_PASSWORD, timeoutMs: 1000, retries: 1 };

  afterEach(() => {
    closeAllClients();
  });

  test("same instance for identical options, different for different credentials or device", () => {
    const a = clientFor(base);
    expect(clientFor({ ...base })).toBe(a);
    expect(clientFor({ ...base, endpoint: "http://127.0.0.1:9/" })).toBe(a);
    const otherPassword = clientFor({ ...base, password: "654321" });
    const otherUser = clientFor({ ...base, username: "root" });
    const otherDevice = clientFor({ ...base, endpoint: "http://127.0.0.2:9" });
    expect(otherPassword).not.toBe(a);
    expect(otherUser).not.toBe(a);
    expect(otherDevice).not.toBe(a);
    expect(otherUser).not.toBe(otherPassword);
    expect(clientFor({ ...base, password: "654321" })).toBe(otherPassword);
  });

  test("closeAllClients empties the pool", () => {
    const a = clientFor(base);
    closeAllClients();
    expect(clientFor(base)).not.toBe(a);
  });

  test("the pooled client shares one login across both accounts of a device", async () => {
    const device = await start();
    const opts: ClientOptions = { endpoint: device.url, username: "admin", password: ADMIN_PASSWORD, retryDelayMs: 5 };
    await Promise.all([clientFor(opts).get("read SIP account", MAIN, SipAccountWire), clientFor({ ...opts }).get("read second SIP account", SECOND, SecondSipAccountWire)]);
    expect(device.counts()).toEqual({ login: 1, read: 2, write: 0, info: 0, total: 3 });
  });
});
