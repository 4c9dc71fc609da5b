/**
 * Tests of the settings lifecycle (provider/resources/lifecycle.ts) and its runtime wrappers
 * (provider/resources/runtime.ts) against the in-process device emulator: check and diff stay off the
 * network, create adopts with a fixed request budget, the password is compared with state only and
 * `WebPass` never reaches the device, update/read budgets, error messages, delete and fallback
 * credentials.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as E from "fp-ts/Either";
import { startEmulator, WEB_PASS, type EmulatedDevice, type Emulator, type EmulatorOptions, type RecordedRequest } from "../../emulator";
import { readAccount } from "../support/accounts";
import { DeviceClient } from "../../provider/client/client";
import { closeAllClients } from "../../provider/client/sessions";
import { check, connectionOf, create, diff, idOf, read, unapplied, update } from "../../provider/resources/lifecycle";
import { configure, main, second } from "../../provider/resources/runtime";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../../provider/schema/accounts";
import { UNKNOWN } from "../../provider/schema/validate";

type Props = Record<string, unknown>;

const ADMIN_PASSWORD = "123456";
const MAIN_PASSWORD = "s3cret-1001";
const SECOND_PASSWORD = "s3cret-1001b";

// ---- emulator per test; every device ever started is checked for WebPass ---------------------------

let emu: Emulator | undefined;
let dev: EmulatedDevice;
const allDevices: EmulatedDevice[] = [];

async function startDevice(opts: EmulatorOptions = {}): Promise<EmulatedDevice> {
  if (emu !== undefined) await emu.stop();
  emu = await startEmulator({ port: 0, ...opts });
  dev = emu.device();
  allDevices.push(dev);
  return dev;
}

beforeEach(async () => {
  closeAllClients();
  await startDevice();
});

afterEach(async () => {
  // Checked before any stop: no request of this test carried the placeholder as a password.
  for (const d of allDevices) expect(d.receivedWebPass()).toBe(false);
  closeAllClients();
  if (emu !== undefined) await emu.stop();
  emu = undefined;
});

afterAll(() => {
  closeAllClients();
  expect(allDevices.length).toBeGreaterThan(10);
  expect(allDevices.some((d) => d.receivedWebPass())).toBe(false);
  expect(allDevices.flatMap((d) => d.requests).some((r) => r.receivedWebPass)).toBe(false);
});

// ---- inputs ----------------------------------------------------------------------------------------

const mainInputs = (url = dev.url): Props => ({
  device: { endpoint: url },
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: MAIN_PASSWORD,
  stun: { ip: "stun.example.com", port: 3478 },
  registrationInterval: 300,
  transport: "udp",
  h264: 102,
});

const secondInputs = (url = dev.url): Props => ({
  device: { endpoint: url },
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:pbx2.example.com",
  realm: "pbx2.example.com",
  user: "1001",
  password: SECOND_PASSWORD,
  userId: "1001",
  outbound: "",
});

/** The request log from `mark` on, and its counts (no clearRequests, so WebPass stays observable). */
function since(d: EmulatedDevice, mark: number): { log: RecordedRequest[]; login: number; read: number; write: number; total: number } {
  const log = d.requests.slice(mark);
  const n = (k: RecordedRequest["kind"]) => log.filter((r) => r.kind === k).length;
  return { log, login: n("login"), read: n("read"), write: n("write"), total: log.length };
}

/** The account requests in order; `/api/info` is asked alongside the first read, so its place varies and it is counted apart. */
const kinds = (log: RecordedRequest[]) =>
  log.filter((r) => r.kind !== "info").map((r) => (r.account ? `${r.kind}:${r.account}` : r.path === "/api/v1/sip/status" ? "status" : r.kind));
/** The emulator's default `/api/info` answer, as the `deviceInfo` output reads it. */
const EMULATED_INFO = () => ({ model: "AQ-07L", type: "panel", name: "Emulated BAS-IP 1", serialNumber: `EMU-${dev.port}`, firmwareVersion: "2.11.0", apiVersion: "2.x" });

/** Any registration the device may report right after a write (its attempt may or may not have happened). */
const someRegistration = expect.objectContaining({ status: expect.stringMatching(/^(OK|ERROR)$/) });

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

/** GET the account straight from the device with a client of its own. */
async function deviceView(schema = SIP_ACCOUNT, path = "/api/v1/device/sip/settings"): Promise<Props> {
  const client = new DeviceClient({ endpoint: dev.url, username: "admin", password: ADMIN_PASSWORD });
  try {
    const r = await readAccount(client, schema, path)();
    if (E.isLeft(r)) throw r.left;
    return r.right;
  } finally {
    client.close();
  }
}

// ---- check -----------------------------------------------------------------------------------------

describe("check", () => {
  it("accepts valid main inputs, applies the h264 default and keeps only known keys", () => {
    const { h264: _h264, ...withoutH264 } = mainInputs();
    const r = check(SIP_ACCOUNT, { ...withoutH264, __provider: "host-added" });
    expect(r.failures).toEqual([]);
    expect(r.inputs.h264).toBe(102);
    expect(r.inputs.__provider).toBeUndefined();
    expect(r.inputs.password).toBe(MAIN_PASSWORD);
    expect(r.inputs.device).toEqual({ endpoint: dev.url });
  });

  it("accepts valid second inputs without adding defaults; only the change markers are added", () => {
    const r = check(SECOND_SIP_ACCOUNT, secondInputs());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ ...secondInputs(), passwordVersion: 1, devicePasswordVersion: 1 });
    expect("transport" in r.inputs).toBe(false);
    expect("registrationInterval" in r.inputs).toBe(false);
  });

  it("reports one failure per bad field, without the password's value", () => {
    const r = check(SIP_ACCOUNT, {
      device: { endpoint: "ftp://10.0.0.1", timeoutMs: 5 },
      proxy: "sip:bad host",
      realm: "",
      user: "",
      password: "bad-pass-longer-than-thirty-one-chars",
      stun: { ip: "stun.example.com", port: 70000 },
      registrationInterval: 10,
      h264: 50,
      transport: "sctp",
    });
    const props = r.failures.map((f) => f.property).sort();
    expect(props).toEqual(
      ["device.endpoint", "device.timeoutMs", "h264", "password", "proxy", "realm", "registrationInterval", "stun.port", "transport", "user"].sort(),
    );
    expect(new Set(props).size).toBe(props.length);
    expect(JSON.stringify(r.failures)).not.toContain("bad-pass");
  });

  it("reports missing required fields by name", () => {
    const r = check(SECOND_SIP_ACCOUNT, { device: { endpoint: dev.url } });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["password", "proxy", "realm", "user"]);
    expect(r.failures.every((f) => f.reason === "is required")).toBe(true);
  });

  it.each([
    ["main", SIP_ACCOUNT, mainInputs],
    ["second", SECOND_SIP_ACCOUNT, secondInputs],
  ] as const)("refuses the WebPass placeholder as the %s password", (_kind, schema, inputs) => {
    const r = check(schema, { ...inputs(), password: WEB_PASS });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].property).toBe("password");
    expect(r.failures[0].reason).toContain("WebPass");
  });

  it("enforces the second account's 6-character password minimum", () => {
    expect(check(SECOND_SIP_ACCOUNT, { ...secondInputs(), password: "12345" }).failures.map((f) => f.property)).toEqual(["password"]);
    expect(check(SIP_ACCOUNT, { ...mainInputs(), password: "1" }).failures).toEqual([]);
  });

  it("tolerates unknown values, and still checks the known parts of an object", () => {
    const ok = check(SIP_ACCOUNT, { ...mainInputs(), proxy: UNKNOWN, password: UNKNOWN, stun: { ip: UNKNOWN, port: 3478 }, device: { endpoint: UNKNOWN } });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs.proxy).toBe(UNKNOWN);
    const bad = check(SIP_ACCOUNT, { ...mainInputs(), stun: { ip: UNKNOWN, port: 70000 } });
    expect(bad.failures.map((f) => f.property)).toEqual(["stun.port"]);
  });

  it("makes no device request (check and diff through the runtime)", async () => {
    await main.check!({}, mainInputs());
    await second.check!({}, secondInputs());
    await main.diff!("id", mainInputs(), { ...mainInputs(), user: "1002" });
    await second.diff!("id", secondInputs(), { ...secondInputs(), device: { endpoint: "http://10.9.9.9" } });
    expect(dev.counts()).toEqual({ login: 0, read: 0, write: 0, info: 0, total: 0 });
  });
});

// ---- create ----------------------------------------------------------------------------------------

describe("create (adopt)", () => {
  it("writes the main account with the real password, in login + write + read-back (every field set: no adopt read)", async () => {
    const inputs = check(SIP_ACCOUNT, mainInputs()).inputs;
    const { id, outs } = await create(SIP_ACCOUNT, inputs, {});
    expect(dev.main).toEqual({
      proxy: "sip:pbx.example.com",
      realm: "pbx.example.com",
      user: "1001",
      password: MAIN_PASSWORD,
      stun: { ip: "stun.example.com", port: 3478 },
      registration_interval: 300,
      h264: 102,
      transport: "udp",
    });
    expect(outs).toEqual({ ...inputs, deviceInfo: EMULATED_INFO(), registration: someRegistration });
    expect(outs.password).toBe(MAIN_PASSWORD);
    expect(id).toBe(`${dev.url}#sip-account`);
    expect(id).not.toContain(ADMIN_PASSWORD);
    expect(id).not.toContain(MAIN_PASSWORD);
    // Every field is set, so nothing is read before the write; the registration status is one more read, after it.
    expect(dev.counts()).toEqual({ login: 1, read: 2, write: 1, info: 1, total: 5 });
    expect(kinds(dev.requests)).toEqual(["login", "write:main", "read:main", "status"]);
    // The write carried the real password (masked in the log), never the placeholder.
    expect(dev.requests[1].receivedWebPass).toBe(false);
  });

  it("writes the second account and keeps the device's values of unmanaged fields", async () => {
    await startDevice({ seed: { second: { transport: "tcp", registration_interval: 120, user_id: "old-id", outbound: "out.example.com" } } });
    const inputs = check(SECOND_SIP_ACCOUNT, secondInputs()).inputs;
    const { id, outs } = await create(SECOND_SIP_ACCOUNT, inputs, {});
    expect(dev.second).toEqual({
      proxy: "sip:pbx2.example.com",
      realm: "pbx2.example.com",
      user: "1001",
      password: SECOND_PASSWORD,
      transport: "tcp",
      user_id: "1001",
      registration_interval: 120,
      outbound: "",
    });
    expect(outs).toEqual({ ...inputs, deviceInfo: EMULATED_INFO() });
    expect(outs.password).toBe(SECOND_PASSWORD);
    expect(outs.transport).toBeUndefined();
    expect(id).toBe(`${dev.url}#second-sip-account`);
    expect(id).not.toContain(SECOND_PASSWORD);
    expect(dev.counts()).toEqual({ login: 1, read: 2, write: 1, info: 1, total: 5 });
    expect(kinds(dev.requests)).toEqual(["login", "read:second", "write:second", "read:second"]);
    // The main account is untouched.
    expect(dev.main.password).toBe("factory1");
  });

  it("keeps the main account's unmanaged transport and registration interval", async () => {
    await startDevice({ seed: { main: { transport: "tls", registration_interval: 600 } } });
    const { transport: _t, registrationInterval: _r, ...rest } = mainInputs();
    await create(SIP_ACCOUNT, check(SIP_ACCOUNT, rest).inputs, {});
    expect(dev.main.transport).toBe("tls");
    expect(dev.main.registration_interval).toBe(600);
    expect(dev.main.user).toBe("1001");
    // A field left unset: the account is read first (the adopt read), to write the device's own value back.
    expect(dev.counts()).toEqual({ login: 1, read: 3, write: 1, info: 1, total: 6 });
    expect(kinds(dev.requests)).toEqual(["login", "read:main", "write:main", "read:main", "status"]);
  });

  it("normalizes a trailing slash in the endpoint for the id", async () => {
    const { id } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs(`${dev.url}/`)).inputs, {});
    expect(id).toBe(`${dev.url}#sip-account`);
    expect(idOf(SECOND_SIP_ACCOUNT, { device: { endpoint: `${dev.url}//` } })).toBe(`${dev.url}#second-sip-account`);
  });

  it("fails against a device that is down, naming the device and the step, without secrets", async () => {
    await dev.setDown(true);
    const e = await errorOf(create(SIP_ACCOUNT, check(SIP_ACCOUNT, { ...mainInputs(), device: { endpoint: dev.url, retries: 0 } }).inputs, {}));
    expect(e.message).toContain(dev.url);
    expect(e.message).toContain("create");
    expect(e.message).not.toContain(ADMIN_PASSWORD);
    expect(e.message).not.toContain(MAIN_PASSWORD);
    await dev.setDown(false);
    expect(dev.counts().total).toBe(0);
    expect(dev.main.password).toBe("factory1");
  });

  it("fails with the device's words on a wrong admin password and writes nothing", async () => {
    const e = await errorOf(create(SIP_ACCOUNT, { ...check(SIP_ACCOUNT, mainInputs()).inputs, devicePassword: "not-the-password" }, {}));
    expect(e.message).toContain("Wrong login or password");
    expect(e.message).toContain(dev.url);
    expect(e.message).not.toContain("not-the-password");
    expect(e.message).not.toContain(MAIN_PASSWORD);
    expect(dev.counts().write).toBe(0);
    expect(dev.counts().login).toBe(1);
    expect(dev.main.user).toBe("100");
  });

  it("fails, naming the field, when the device silently ignores a written value", async () => {
    // The device answers 200 to the write but keeps its transport, as the read-back then shows.
    const ignoring: { device?: EmulatedDevice } = {};
    ignoring.device = await startDevice({
      log: (line) => {
        if (ignoring.device !== undefined && / POST \/api\/v1\/device\/sip\/settings -> 200/.test(line)) ignoring.device.main.transport = "udp";
      },
    });
    const e = await errorOf(create(SIP_ACCOUNT, check(SIP_ACCOUNT, { ...mainInputs(), transport: "tcp" }).inputs, {}));
    expect(e.message).toContain(`device ${dev.url} accepted the write but did not apply`);
    expect(e.message).toContain('transport (wanted "tcp", device has "udp")');
    expect(e.message).not.toContain("proxy (");
    expect(e.message).not.toContain(MAIN_PASSWORD);
    // Nothing is reported about a write the device did not take (no adopt read: every field is set).
    expect(dev.counts()).toEqual({ login: 1, read: 1, write: 1, info: 1, total: 4 });
  });
});

describe("unapplied", () => {
  it("names each field the device did not take and never compares the password", () => {
    const desired = { ...mainInputs(), transport: "tcp", stun: { ip: "stun.example.com", port: 3478 } };
    const onDevice = { ...mainInputs(), transport: "udp", stun: { ip: "stun.example.com", port: 19302 }, password: WEB_PASS, device: undefined };
    expect(unapplied(SIP_ACCOUNT, desired, onDevice)).toEqual([
      'stun (wanted {"ip":"stun.example.com","port":3478}, device has {"ip":"stun.example.com","port":19302})',
      'transport (wanted "tcp", device has "udp")',
    ]);
    expect(unapplied(SIP_ACCOUNT, desired, { ...desired, password: WEB_PASS })).toEqual([]);
  });
});

// ---- password rules --------------------------------------------------------------------------------

describe("password", () => {
  it("is answered as WebPass by the device but compared with state, so no spurious diff", async () => {
    const inputs = check(SIP_ACCOUNT, mainInputs()).inputs;
    const { outs } = await create(SIP_ACCOUNT, inputs, {});
    expect((await deviceView()).password).toBe(WEB_PASS);
    expect(dev.main.password).toBe(MAIN_PASSWORD);
    const mark = dev.requests.length;
    expect(diff(SIP_ACCOUNT, outs, check(SIP_ACCOUNT, mainInputs()).inputs)).toEqual({ changes: false, replaces: [], stables: [], deleteBeforeReplace: false });
    expect(since(dev, mark).total).toBe(0);
  });

  it("a new password is a change that update stores on the device", async () => {
    const { outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    const news = check(SIP_ACCOUNT, { ...mainInputs(), password: "n3w-pass" }).inputs;
    const d = diff(SIP_ACCOUNT, outs, news);
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
    const { outs: after } = await update(SIP_ACCOUNT, outs, news, {});
    expect(dev.main.password).toBe("n3w-pass");
    expect(after.password).toBe("n3w-pass");
    expect(diff(SIP_ACCOUNT, after, news).changes).toBe(false);
  });

  it("a new second-account password reaches the device too", async () => {
    const { outs } = await create(SECOND_SIP_ACCOUNT, check(SECOND_SIP_ACCOUNT, secondInputs()).inputs, {});
    const news = { ...outs, password: "an0ther-pass" };
    expect(diff(SECOND_SIP_ACCOUNT, outs, news).changes).toBe(true);
    await update(SECOND_SIP_ACCOUNT, outs, news, {});
    expect(dev.second.password).toBe("an0ther-pass");
  });
});

// ---- update ----------------------------------------------------------------------------------------

describe("update", () => {
  it("with every main field managed: exactly one POST and one GET (plus one login in a fresh session)", async () => {
    const { outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    closeAllClients();
    const mark = dev.requests.length;
    const news = { ...outs, user: "1002", stun: { ip: "stun2.example.com", port: 3479 } };
    await update(SIP_ACCOUNT, outs, news, {});
    const s = since(dev, mark);
    expect(kinds(s.log)).toEqual(["login", "write:main", "read:main", "status"]);
    expect(dev.main.user).toBe("1002");
    expect(dev.main.stun).toEqual({ ip: "stun2.example.com", port: 3479 });
    expect(dev.main.password).toBe(MAIN_PASSWORD);
  });

  it("with unmanaged fields: at most one login and three account requests, keeping the device's values", async () => {
    await startDevice({ seed: { second: { transport: "tcp", registration_interval: 45 } } });
    const { outs } = await create(SECOND_SIP_ACCOUNT, check(SECOND_SIP_ACCOUNT, secondInputs()).inputs, {});
    closeAllClients();
    const mark = dev.requests.length;
    await update(SECOND_SIP_ACCOUNT, outs, { ...outs, realm: "pbx3.example.com" }, {});
    const s = since(dev, mark);
    expect(s.login).toBeLessThanOrEqual(1);
    expect(s.read + s.write).toBeLessThanOrEqual(3);
    expect(kinds(s.log)).toEqual(["login", "read:second", "write:second", "read:second"]);
    expect(dev.second.realm).toBe("pbx3.example.com");
    expect(dev.second.transport).toBe("tcp");
    expect(dev.second.registration_interval).toBe(45);
    expect(dev.second.password).toBe(SECOND_PASSWORD);
  });

  it("reuses the session of create: no second login", async () => {
    const { outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    await update(SIP_ACCOUNT, outs, { ...outs, h264: 110 }, {});
    expect(dev.counts().login).toBe(1);
    expect(dev.main.h264).toBe(110);
  });

  it("a connection-only change makes no request and updates the state", async () => {
    const { outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    const mark = dev.requests.length;
    const news = check(SIP_ACCOUNT, { ...mainInputs(), device: { endpoint: dev.url, timeoutMs: 5000 } }).inputs;
    const d = diff(SIP_ACCOUNT, outs, news);
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
    const { outs: after } = await update(SIP_ACCOUNT, outs, news, {});
    // The registration read after the last write is kept: nothing was written, nothing read.
    expect(after).toEqual({ ...news, deviceInfo: EMULATED_INFO(), registration: outs.registration });
    expect((after.device as Props).timeoutMs).toBe(5000);
    expect(since(dev, mark).total).toBe(0);
  });

  it("surfaces a device rejection with the Pulumi field name", async () => {
    const { outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    // Bypasses check on purpose: the device's own validation must come back readable.
    const e = await errorOf(update(SIP_ACCOUNT, outs, { ...outs, registrationInterval: 5 }, {}));
    expect(e.message).toContain("update SIP account");
    expect(e.message).toContain("registrationInterval");
    expect(dev.main.registration_interval).toBe(300);
  });
});

// ---- read (refresh) --------------------------------------------------------------------------------

describe("read (refresh)", () => {
  it("returns the device's value of a drifted field and keeps the password from state, in one read", async () => {
    const { id, outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    dev.main.transport = "tcp";
    dev.main.password = "changed-on-device";
    closeAllClients();
    const mark = dev.requests.length;
    const r = await read(SIP_ACCOUNT, id, outs, {});
    expect(r.id).toBe(id);
    const { deviceInfo: _info, registration: _r, ...outInputs } = outs;
    expect(r.props).toEqual({ ...outs, transport: "tcp", registration: someRegistration });
    expect(r.props.deviceInfo).toEqual(EMULATED_INFO());
    // deviceInfo and registration are outputs, not inputs: the next check would refuse them.
    expect(r.inputs).toEqual({ ...outInputs, transport: "tcp" });
    expect(r.props.password).toBe(MAIN_PASSWORD);
    expect(JSON.stringify(r)).not.toContain(WEB_PASS);
    const s = since(dev, mark);
    expect(kinds(s.log)).toEqual(["login", "read:main", "status"]);
    expect(s.log.filter((q) => q.kind === "info")).toHaveLength(1);
    // The drift now shows as a change to apply.
    expect(diff(SIP_ACCOUNT, r.props, outs).changes).toBe(true);
  });

  it("does not start managing fields the state leaves to the device", async () => {
    const { id, outs } = await create(SECOND_SIP_ACCOUNT, check(SECOND_SIP_ACCOUNT, secondInputs()).inputs, {});
    dev.second.transport = "tls";
    dev.second.user = "drifted";
    const r = await read(SECOND_SIP_ACCOUNT, id, outs, {});
    expect(r.props.user).toBe("drifted");
    expect("transport" in r.props).toBe(false);
    expect(r.props.password).toBe(SECOND_PASSWORD);
  });

  it("reads two accounts of one device with one login and one read each", async () => {
    const m = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    const s2 = await create(SECOND_SIP_ACCOUNT, check(SECOND_SIP_ACCOUNT, secondInputs()).inputs, {});
    closeAllClients();
    const mark = dev.requests.length;
    const [rm, rs] = await Promise.all([main.read!(m.id, m.outs), second.read!(s2.id, s2.outs)]);
    expect(rm.props?.password).toBe(MAIN_PASSWORD);
    expect(rs.props?.password).toBe(SECOND_PASSWORD);
    const s = since(dev, mark);
    expect(s.login).toBeLessThanOrEqual(1);
    expect(s.log.filter((r) => r.kind === "read" && r.account === "main")).toHaveLength(1);
    expect(s.log.filter((r) => r.kind === "read" && r.account === "second")).toHaveLength(1);
    // The status describes the main account only (see docs/guides/registration.md).
    expect(kinds(s.log).filter((k) => k === "status")).toHaveLength(1);
    expect(s.write).toBe(0);
    // One /api/info for the device, shared by its two accounts; one status read, the main account's.
    expect(s.total).toBe(s.login + 3 + 1);
  });

  it("refuses state without a device endpoint (import is not supported)", async () => {
    const e = await errorOf(read(SIP_ACCOUNT, "some-id", {}, {}));
    expect(e.message).toContain("refresh SIP account");
    expect(e.message).toContain("cannot be imported");
    expect(dev.counts().total).toBe(0);
  });
});

// ---- diff ------------------------------------------------------------------------------------------

describe("diff", () => {
  const olds = () => check(SIP_ACCOUNT, mainInputs()).inputs;

  it("replaces on a new endpoint", () => {
    expect(diff(SIP_ACCOUNT, olds(), { ...olds(), device: { endpoint: "http://10.0.0.99" } })).toEqual({
      changes: true,
      replaces: ["device"],
      stables: [],
      deleteBeforeReplace: false,
    });
  });

  it("does not replace when only a trailing slash differs", () => {
    const d = diff(SIP_ACCOUNT, olds(), { ...olds(), device: { endpoint: `${dev.url}/` } });
    expect(d.replaces).toEqual([]);
  });

  it("reports a devicePassword change, which update applies without writing", async () => {
    const { outs } = await create(SIP_ACCOUNT, olds(), {});
    const news = { ...outs, devicePassword: "rotated-admin" };
    expect(diff(SIP_ACCOUNT, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const mark = dev.requests.length;
    const { outs: after } = await update(SIP_ACCOUNT, outs, news, {});
    expect(after.devicePassword).toBe("rotated-admin");
    expect(since(dev, mark).total).toBe(0);
  });

  it("reports an unknown field value as a change", () => {
    expect(diff(SIP_ACCOUNT, olds(), { ...olds(), proxy: UNKNOWN }).changes).toBe(true);
    expect(diff(SIP_ACCOUNT, olds(), { ...olds(), stun: { ip: UNKNOWN, port: 3478 } }).changes).toBe(true);
  });

  it("reports a field that stops being managed as a change", () => {
    const { transport: _t, ...news } = olds();
    expect(diff(SIP_ACCOUNT, olds(), news).changes).toBe(true);
  });

  it("reports each single field change and nothing for equal inputs", () => {
    expect(diff(SIP_ACCOUNT, olds(), olds()).changes).toBe(false);
    expect(diff(SIP_ACCOUNT, olds(), { ...olds(), h264: 103 }).changes).toBe(true);
    expect(diff(SIP_ACCOUNT, olds(), { ...olds(), stun: { ip: "stun.example.com", port: 3479 } }).changes).toBe(true);
  });
});

// ---- delete ----------------------------------------------------------------------------------------

describe("delete", () => {
  it("forgets the account: resolves, makes no request, the device keeps its settings", async () => {
    const { id, outs } = await create(SIP_ACCOUNT, check(SIP_ACCOUNT, mainInputs()).inputs, {});
    const before = JSON.parse(JSON.stringify(dev.main));
    const mark = dev.requests.length;
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await expect(main.delete!(id, outs)).resolves.toBeUndefined();
      await expect(second.delete!(`${dev.url}#second-sip-account`, {})).resolves.toBeUndefined();
      expect(String(stderr.mock.calls[0][0])).toContain(id);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).not.toContain(MAIN_PASSWORD);
    } finally {
      stderr.mockRestore();
    }
    expect(since(dev, mark).total).toBe(0);
    expect(dev.main).toEqual(before);
    expect(dev.main.password).toBe(MAIN_PASSWORD);
  });
});

// ---- fallback credentials --------------------------------------------------------------------------

describe("fallback credentials", () => {
  const saved = { user: process.env.BASIP_USERNAME, pass: process.env.BASIP_PASSWORD };
  const restore = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
  beforeEach(() => {
    delete process.env.BASIP_USERNAME;
    delete process.env.BASIP_PASSWORD;
  });
  afterEach(async () => {
    restore("BASIP_USERNAME", saved.user);
    restore("BASIP_PASSWORD", saved.pass);
    await configure({ config: { get: () => undefined } } as unknown as pulumi.dynamic.ConfigureRequest);
  });

  const withoutDevicePassword = (): Props => {
    const { devicePassword: _p, ...rest } = check(SIP_ACCOUNT, mainInputs()).inputs;
    return rest;
  };

  it("uses BASIP_PASSWORD when the resource names no admin password", async () => {
    process.env.BASIP_PASSWORD = ADMIN_PASSWORD;
    const r = await main.create!(withoutDevicePassword());
    expect(r.id).toBe(`${dev.url}#sip-account`);
    expect(r.outs.devicePassword).toBeUndefined();
    expect(dev.main.password).toBe(MAIN_PASSWORD);
  });

  it("uses BASIP_USERNAME for a device with another admin user", async () => {
    await startDevice({ username: "installer" });
    process.env.BASIP_USERNAME = "installer";
    process.env.BASIP_PASSWORD = ADMIN_PASSWORD;
    await main.create!(withoutDevicePassword());
    expect(dev.main.user).toBe("1001");
  });

  it("prefers stack config over the environment", async () => {
    process.env.BASIP_PASSWORD = "wrong-from-env";
    const config = { get: (k: string) => (k === "basip:password" ? ADMIN_PASSWORD : undefined) };
    await configure({ config } as unknown as pulumi.dynamic.ConfigureRequest);
    await main.create!(withoutDevicePassword());
    expect(dev.main.user).toBe("1001");
  });

  it("prefers the resource's own devicePassword over the fallbacks", () => {
    const c = connectionOf({ device: { endpoint: dev.url }, devicePassword: "own" }, { username: "u", password: "fallback" });
    expect(c).toEqual(E.right(expect.objectContaining({ endpoint: dev.url, username: "u", password: "own", timeoutMs: 10000, retries: 2 })));
  });

  it("without any admin password: an error naming basip:password and BASIP_PASSWORD, no request", async () => {
    const e = await errorOf(main.create!(withoutDevicePassword()));
    expect(e.message).toContain("basip:password");
    expect(e.message).toContain("BASIP_PASSWORD");
    expect(e.message).toContain(dev.url);
    expect(dev.counts().total).toBe(0);
  });
});
