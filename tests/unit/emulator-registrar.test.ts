/**
 * The emulator's registrar, SIP status and SIP enable endpoints over real HTTP: documented shapes,
 * auth and faults like the other endpoints, the status moving after a write, the older-firmware
 * option, and the CLI flags.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import * as readline from "readline";
import { startEmulator, SIP_ENABLE_PATH, SIP_STATUS_PATH, type EmulatedDevice, type Emulator, type EmulatorOptions } from "../../emulator";

const MAIN = "/api/v1/device/sip/settings";
const md5 = (s: string) => crypto.createHash("md5").update(s).digest("hex");
const ACCOUNT = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: "r1ght", stun: { ip: "stun.example.com", port: 3478 }, h264: 102 };

async function call(url: string, method: string, p: string, token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json };
}

const login = async (url: string) => ((await call(url, "GET", `/api/v1/login?username=admin&password=${md5("123456")}`)).json as { token: string }).token;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let emu: Emulator | undefined;
async function device(opts: EmulatorOptions = {}): Promise<{ dev: EmulatedDevice; token: string }> {
  emu = await startEmulator({ port: 0, registrar: { accept: [{ proxy: "pbx.example.com", user: "1001", password: "r1ght" }], delayMs: 50 }, ...opts });
  const dev = emu.device();
  return { dev, token: await login(dev.url) };
}
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

test("status: the documented shape; ERROR and never tried before any attempt, then the boot attempt", async () => {
  const { dev, token } = await device({ registrar: { accept: [], delayMs: 10_000 } });
  expect(await call(dev.url, "GET", SIP_STATUS_PATH, token)).toEqual({ status: 200, json: { sip_status: "ERROR", register_last_attempt: null } });
  dev.registrar.attemptNow();
  const now = Math.floor(Date.now() / 1000);
  const { json } = await call(dev.url, "GET", SIP_STATUS_PATH, token);
  // The PBX accepts no account.
  expect(json).toEqual({ sip_status: "ERROR", register_last_attempt: expect.any(Number) });
  expect(Math.abs((json as { register_last_attempt: number }).register_last_attempt - now)).toBeLessThanOrEqual(1);
});

test("a write of an accepted account registers after the delay; a wrong password gives ERROR; proxy compared without sip:", async () => {
  const { dev, token } = await device();
  expect((await call(dev.url, "POST", MAIN, token, ACCOUNT)).status).toBe(200);
  await sleep(150);
  expect(dev.registration).toEqual({ sip_status: "OK", register_last_attempt: expect.any(Number) });
  await call(dev.url, "POST", MAIN, token, { ...ACCOUNT, password: "wr0ng" });
  // Until the attempt, the previous status stands.
  expect(dev.registration.sip_status).toBe("OK");
  await sleep(150);
  expect(dev.registration.sip_status).toBe("ERROR");
});

test("accept-all is the default; a clock offset shifts register_last_attempt", async () => {
  emu = await startEmulator({ port: 0, registrar: { delayMs: 10, clockOffsetS: -3600 } });
  const dev = emu.device();
  await sleep(100);
  expect(dev.registration.sip_status).toBe("OK");
  expect(Math.floor(Date.now() / 1000) - (dev.registration.register_last_attempt as number)).toBeGreaterThanOrEqual(3599);
});

test("enable: GET/POST {sip_enable}; off answers OFFLINE at once, on registers again", async () => {
  const { dev, token } = await device();
  expect(await call(dev.url, "GET", SIP_ENABLE_PATH, token)).toEqual({ status: 200, json: { sip_enable: true } });
  await call(dev.url, "POST", MAIN, token, ACCOUNT);
  await sleep(150);
  expect((await call(dev.url, "POST", SIP_ENABLE_PATH, token, { sip_enable: false })).status).toBe(200);
  expect((await call(dev.url, "GET", SIP_STATUS_PATH, token)).json).toMatchObject({ sip_status: "OFFLINE" });
  expect(await call(dev.url, "GET", SIP_ENABLE_PATH, token)).toEqual({ status: 200, json: { sip_enable: false } });
  const before = dev.registration.register_last_attempt;
  await sleep(1100);
  await call(dev.url, "POST", SIP_ENABLE_PATH, token, { sip_enable: true });
  await sleep(150);
  expect(dev.registration.sip_status).toBe("OK");
  expect(dev.registration.register_last_attempt).toBeGreaterThan(before as number);
  // Behind the tool's back: the live state.
  dev.sipEnable.sip_enable = false;
  expect(dev.registration.sip_status).toBe("OFFLINE");
});

test("enable validates like the main account (object envelope); both need a token", async () => {
  const { dev, token } = await device();
  expect(await call(dev.url, "POST", SIP_ENABLE_PATH, token, { sip_enable: "yes" })).toEqual({
    status: 400,
    json: { error: { code: "not_valid", message: "Data validation error", data: { sip_enable: "must be a boolean" } } },
  });
  expect((await call(dev.url, "POST", SIP_ENABLE_PATH, token, {})).json).toMatchObject({ error: { data: { sip_enable: "is required" } } });
  const unauthorized = { error: { code: "invalid_authentication", message: "Log In" } };
  expect(await call(dev.url, "GET", SIP_ENABLE_PATH)).toEqual({ status: 401, json: unauthorized });
  expect(await call(dev.url, "GET", SIP_STATUS_PATH)).toEqual({ status: 401, json: unauthorized });
  expect((await call(dev.url, "DELETE", SIP_STATUS_PATH, token)).status).toBe(405);
});

test("faults and the request log cover the new endpoints; the state endpoint shows the registration", async () => {
  const { dev, token } = await device();
  dev.injectFaults({ failNext: 1, failStatus: 503 });
  expect((await call(dev.url, "GET", SIP_STATUS_PATH, token)).status).toBe(503);
  await call(dev.url, "GET", SIP_ENABLE_PATH, token);
  const log = dev.requests.slice(-2);
  expect(log.map((r) => [r.path, r.kind, r.status, r.account])).toEqual([
    [SIP_STATUS_PATH, "read", 503, undefined],
    [SIP_ENABLE_PATH, "read", 200, "sipEnable"],
  ]);
  const state = (await call(dev.url, "GET", "/__emulator/state")).json as Record<string, unknown>;
  expect(state.sipEnable).toEqual({ sip_enable: true });
  expect(state.registration).toEqual(dev.registration);
});

test("POST /__emulator/registrar changes the PBX from outside the process; passwords masked in the answer", async () => {
  const { dev, token } = await device();
  const r = await call(dev.url, "POST", "/__emulator/registrar", undefined, { accept: [{ proxy: "pbx.example.com", user: "1001", password: "other" }], delayMs: 20 });
  expect(r).toEqual({ status: 200, json: { accept: [{ proxy: "pbx.example.com", user: "1001", password: "[REDACTED]" }], delayMs: 20, clockOffsetS: 0 } });
  await call(dev.url, "POST", MAIN, token, ACCOUNT);
  await sleep(100);
  expect(dev.registration.sip_status).toBe("ERROR");
});

test("sipStatus: false emulates older firmware: 404 like any unknown path; enable still served", async () => {
  const { dev, token } = await device({ sipStatus: false });
  expect(await call(dev.url, "GET", SIP_STATUS_PATH, token)).toEqual({ status: 404, json: { error: "Not found" } });
  expect((await call(dev.url, "GET", SIP_ENABLE_PATH, token)).status).toBe(200);
});

test("a registrar delay outside what timers hold is refused, and each device has its own options", async () => {
  await expect(startEmulator({ port: 0, registrar: { delayMs: -1 } })).rejects.toThrow("registrar delayMs must be an integer from 0 to 600000 ms, got -1");
  emu = await startEmulator({ port: 0, devices: 2 });
  emu.device(0).registrar.options.delayMs = 5;
  expect(emu.device(1).registrar.options.delayMs).toBe(200);
});

test("seed sets the switch", async () => {
  const { dev, token } = await device({ seed: { sipEnable: { sip_enable: false } } });
  expect((await call(dev.url, "GET", SIP_STATUS_PATH, token)).json).toEqual({ sip_status: "OFFLINE", register_last_attempt: null });
});

describe("CLI", () => {
  const cli = path.resolve(__dirname, "../../dist/emulator/cli.js");

  async function started(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [cli, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const { value } = await readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    const url = /listening on (\S+)/.exec(value as string)![1];
    return { url, stop: () => new Promise((r) => (child.kill("SIGTERM"), child.on("exit", () => r()))) };
  }

  test("--accept P,U,PW (password may hold commas) and --register-delay", async () => {
    const emu1 = await started(["--accept", "pbx.example.com,1001,r1ght,pass,word", "--register-delay", "20"]);
    try {
      const token = await login(emu1.url);
      await call(emu1.url, "POST", MAIN, token, { ...ACCOUNT, password: "r1ght,pass,word" });
      await sleep(200);
      expect((await call(emu1.url, "GET", SIP_STATUS_PATH, token)).json).toMatchObject({ sip_status: "OK" });
      await call(emu1.url, "POST", MAIN, token, { ...ACCOUNT, password: "r1ght-pass" });
      await sleep(200);
      expect((await call(emu1.url, "GET", SIP_STATUS_PATH, token)).json).toMatchObject({ sip_status: "ERROR" });
    } finally {
      await emu1.stop();
    }
  }, 20_000);

  test("--no-sip-status answers 404", async () => {
    const emu2 = await started(["--no-sip-status"]);
    try {
      expect((await call(emu2.url, "GET", SIP_STATUS_PATH, await login(emu2.url))).status).toBe(404);
    } finally {
      await emu2.stop();
    }
  }, 20_000);
});
