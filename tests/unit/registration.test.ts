/**
 * Registration and SIP enable in the lifecycle, against the in-process emulator and its registrar:
 * request budgets, waiting (fresh attempts only, never our clock), the partial failure and the state
 * it records, the diff that re-applies, `enabled` on its own endpoint, and the status codec.
 */
import * as E from "fp-ts/Either";
import { startEmulator, type EmulatedDevice, type Emulator, type EmulatorOptions, type RecordedRequest } from "../../emulator";
import { PartialFailure } from "../../provider/resources/resource-errors";
import { closeAllClients } from "../../provider/client/sessions";
import { check, create, diff, read, registrationPending, update } from "../../provider/resources/lifecycle";
import { stateOnlyNote } from "../../provider/resources/notes";
import { FIRST_POLL_MS } from "../../provider/resources/registration-wait";
import { SIP_ACCOUNT, SECOND_SIP_ACCOUNT } from "../../provider/schema/accounts";
import { registrationOfWire } from "../../provider/schema/mapping";
import { SipStatusWire } from "../../provider/schema/registration-codecs";
import { UNKNOWN } from "../../provider/schema/validate";

type Props = Record<string, unknown>;

const RIGHT = "r1ght-s3cret";
const WRONG = "wr0ng-s3cret";
const PBX = { proxy: "sip:pbx.example.com", user: "1001", password: RIGHT };

let emu: Emulator | undefined;
let dev: EmulatedDevice;

async function startDevice(opts: EmulatorOptions = {}): Promise<EmulatedDevice> {
  if (emu !== undefined) await emu.stop();
  emu = await startEmulator({ port: 0, registrar: { accept: [PBX], delayMs: 100 }, ...opts });
  dev = emu.device();
  return dev;
}

beforeEach(async () => {
  closeAllClients();
  await startDevice();
});
afterEach(async () => {
  closeAllClients();
  await emu?.stop();
  emu = undefined;
});

/** What a program gives (check adds change markers and refuses them as input). */
const raw = (patch: Props = {}): Props => ({
  device: { endpoint: dev.url },
  devicePassword: "123456",
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: RIGHT,
  stun: { ip: "stun.example.com", port: 3478 },
  ...patch,
});
const inputs = (patch: Props = {}): Props => check(SIP_ACCOUNT, raw(patch)).inputs;

const shape = (log: RecordedRequest[]) => log.filter((r) => r.kind !== "login" && r.kind !== "info").map((r) => `${r.method} ${r.path}`);

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe("check", () => {
  it("accepts waitForRegistration and enabled, and refuses waiting for a switched-off account", () => {
    expect(check(SIP_ACCOUNT, raw({ enabled: true, waitForRegistration: 30 })).failures).toEqual([]);
    expect(check(SIP_ACCOUNT, raw({ enabled: false, waitForRegistration: 30 })).failures).toEqual([
      { property: "waitForRegistration", reason: "must be 0 when enabled is false (a disabled SIP account never registers)" },
    ]);
    expect(check(SIP_ACCOUNT, raw({ enabled: false, waitForRegistration: 0 })).failures).toEqual([]);
    expect(check(SIP_ACCOUNT, raw({ enabled: UNKNOWN, waitForRegistration: 30 })).failures).toEqual([]);
  });

  it("leaves the second account without registration options", () => {
    expect(SECOND_SIP_ACCOUNT.registration).toBe(false);
    const r = check(SECOND_SIP_ACCOUNT, { device: { endpoint: dev.url }, proxy: "sip:a.example.com", realm: "a.example.com", user: "1", password: "secret1", waitForRegistration: 5 });
    // Not an argument of the second account: refused, naming it.
    expect(r.failures.map((f) => f.property)).toEqual(["waitForRegistration"]);
  });
});

describe("the status codec", () => {
  it("maps the device's answer to the output, Unix seconds to ISO 8601", () => {
    const d = SipStatusWire.decode({ sip_status: "OK", register_last_attempt: 1733040000 });
    expect(E.isRight(d) && registrationOfWire(d.right)).toEqual({ status: "OK", lastAttempt: "2024-12-01T08:00:00.000Z" });
    const never = SipStatusWire.decode({ sip_status: "ERROR", register_last_attempt: null });
    expect(E.isRight(never) && registrationOfWire(never.right)).toEqual({ status: "ERROR", lastAttempt: null });
    expect(E.isLeft(SipStatusWire.decode({ sip_status: "REGISTERED", register_last_attempt: 1 }))).toBe(true);
    expect(E.isLeft(SipStatusWire.decode({ sip_status: "OK", register_last_attempt: 1e20 }))).toBe(true);
  });
});

describe("without a wait: only a report", () => {
  it("create: one status read after the write, none before", async () => {
    await create(SIP_ACCOUNT, inputs(), {});
    expect(shape(dev.requests)).toEqual([
      "GET /api/v1/device/sip/settings",
      "POST /api/v1/device/sip/settings",
      "GET /api/v1/device/sip/settings",
      "GET /api/v1/sip/status",
    ]);
  });

  it("a wrong password is reported, not failed: the user asked for no proof", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ password: WRONG }), {});
    await settle();
    const r = await read(SIP_ACCOUNT, "id", outs, {});
    expect(r.props.registration).toEqual({ status: "ERROR", lastAttempt: expect.any(String) });
    expect(registrationPending(SIP_ACCOUNT, r.props, inputs({ password: WRONG }))).toBe(false);
  });

  it("a device without the status endpoint reports UNKNOWN on create and refresh", async () => {
    await startDevice({ sipStatus: false });
    const { outs } = await create(SIP_ACCOUNT, inputs(), {});
    expect(outs.registration).toEqual({ status: "UNKNOWN", lastAttempt: null });
    expect((await read(SIP_ACCOUNT, "id", outs, {})).props.registration).toEqual({ status: "UNKNOWN", lastAttempt: null });
  });

  it("a failing status endpoint after a write is a partial failure: the written settings are recorded", async () => {
    // The status read that follows the write's read-back answers 500.
    const hook: { dev?: EmulatedDevice; written?: boolean } = {};
    hook.dev = await startDevice({
      log: (line) => {
        if (/ POST \/api\/v1\/device\/sip\/settings -> 200/.test(line)) hook.written = true;
        else if (hook.written && / GET \/api\/v1\/device\/sip\/settings -> 200/.test(line)) hook.dev?.injectFaults({ failNext: 1, failStatus: 500 });
      },
    });
    const e = await errorOf(create(SIP_ACCOUNT, inputs({ device: { endpoint: dev.url, retries: 0 } }), {}));
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.message).toContain("the settings were written, but reading the registration status failed");
    expect(e.message).toContain("HTTP 500");
    expect((e as PartialFailure).kind).toBe("http");
    expect((e as PartialFailure).properties).toMatchObject({ user: "1001", registration: { status: "UNKNOWN", lastAttempt: null } });
    expect(dev.main.user).toBe("1001");
  });
});

describe("waiting for registration", () => {
  it("succeeds once an attempt after the write is OK: status read before, the write, polls", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ waitForRegistration: 10 }), {});
    expect(outs.registration).toEqual({ status: "OK", lastAttempt: expect.any(String) });
    const paths = shape(dev.requests);
    expect(paths.slice(0, 5)).toEqual([
      "GET /api/v1/device/sip/settings",
      "GET /api/v1/sip/status",
      "POST /api/v1/device/sip/settings",
      "GET /api/v1/device/sip/settings",
      "GET /api/v1/sip/status",
    ]);
    expect(paths.slice(5).every((p) => p === "GET /api/v1/sip/status")).toBe(true);
  });

  it("fails on a fresh ERROR naming device, status, last attempt and causes; state records the write", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs(), {});
    const news = inputs({ password: WRONG, waitForRegistration: 10 });
    const e = await errorOf(update(SIP_ACCOUNT, outs, news, {}));
    expect(e).toBeInstanceOf(PartialFailure);
    const p = e as PartialFailure;
    expect(p.message).toMatch(new RegExp(`^update SIP account: device ${dev.url}: SIP registration failed after the write: status ERROR, last attempt \\d{4}-`));
    expect(p.message).toContain("SIP user, password, proxy or realm");
    expect(p.message).not.toContain(WRONG);
    expect(p.reasons).toEqual([p.message]);
    expect(p.kind).toBe("registration");
    expect(p.id).toBe(`${dev.url}#sip-account`);
    // What the device now holds, so reverting to the old password is a change.
    expect(p.properties).toEqual({ ...news, deviceInfo: expect.objectContaining({ model: "AQ-07L" }), registration: { status: "ERROR", lastAttempt: expect.any(String) } });
    // The applied secret is on the error for the engine, never printed with it.
    expect(Object.keys(p)).not.toContain("properties");
    expect(JSON.stringify(p)).not.toContain(WRONG);
    expect(diff(SIP_ACCOUNT, p.properties, inputs({ waitForRegistration: 10 })).changes).toBe(true);
    // Even with the same (wrong) inputs, the next up re-applies while registration is not OK.
    expect(diff(SIP_ACCOUNT, p.properties, news).changes).toBe(true);
    expect(dev.main.password).toBe(WRONG);
  });

  it("does not fail on a stale ERROR: the status from before the write stands until the next attempt", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ password: WRONG }), {});
    await settle();
    expect(dev.registration.sip_status).toBe("ERROR");
    // The next attempt comes after several polls have seen the old ERROR. (The device reports whole
    // seconds, so let a second pass: the new attempt must not share the old one's timestamp.)
    dev.registrar.options.delayMs = FIRST_POLL_MS * 4;
    await settle(1000);
    const { outs: after } = await update(SIP_ACCOUNT, outs, inputs({ waitForRegistration: 10 }), {});
    expect(after.registration).toEqual({ status: "OK", lastAttempt: expect.any(String) });
    expect(dev.requests.filter((r) => r.path === "/api/v1/sip/status").length).toBeGreaterThanOrEqual(4);
  });

  it("compares the device's own timestamps: a clock far behind ours still counts", async () => {
    dev.registrar.options.clockOffsetS = -10 * 365 * 86_400;
    const { outs } = await create(SIP_ACCOUNT, inputs({ waitForRegistration: 10 }), {});
    const r = outs.registration as { status: string; lastAttempt: string };
    expect(r.status).toBe("OK");
    expect(Number(r.lastAttempt.slice(0, 4))).toBeLessThan(new Date().getFullYear() - 8);
  });

  it("times out when no attempt follows the write, saying the status is older than the write", async () => {
    dev.registrar.options.delayMs = 60_000;
    const e = await errorOf(create(SIP_ACCOUNT, inputs({ waitForRegistration: 1 }), {}));
    expect(e.message).toContain(`device ${dev.url}: not registered within 1 s of the write`);
    expect(e.message).toContain("no attempt since the write");
    expect((e as PartialFailure).properties.registration).toEqual({ status: "ERROR", lastAttempt: null });
  });

  it("times out on OFFLINE naming the enable switch", async () => {
    dev.sipEnable.sip_enable = false;
    const e = await errorOf(create(SIP_ACCOUNT, inputs({ waitForRegistration: 1 }), {}));
    expect(e.message).toContain("status OFFLINE");
    expect(e.message).toContain("set enabled: true");
  });

  it("fails at once on a device without the status endpoint, after writing", async () => {
    await startDevice({ sipStatus: false });
    const e = await errorOf(create(SIP_ACCOUNT, inputs({ waitForRegistration: 30 }), {}));
    expect(e.message).toContain("cannot confirm SIP registration");
    expect(e.message).toContain("waitForRegistration: 0");
    expect(dev.requests.filter((r) => r.path === "/api/v1/sip/status")).toHaveLength(1);
    expect(dev.main.user).toBe("1001");
  });
});

describe("diff and update around registration", () => {
  it("re-applies while a wanted registration is not OK, and only then", async () => {
    const ok = { ...inputs({ waitForRegistration: 10 }), registration: { status: "OK", lastAttempt: "x" } };
    const bad = { ...ok, registration: { status: "ERROR", lastAttempt: "x" } };
    expect(diff(SIP_ACCOUNT, ok, inputs({ waitForRegistration: 10 })).changes).toBe(false);
    expect(diff(SIP_ACCOUNT, bad, inputs({ waitForRegistration: 10 })).changes).toBe(true);
    // Without a wait, a failing registration is reported, not re-applied.
    expect(diff(SIP_ACCOUNT, { ...bad, waitForRegistration: undefined }, inputs()).changes).toBe(false);
    // A changed wait alone is a state-only change.
    expect(diff(SIP_ACCOUNT, ok, inputs({ waitForRegistration: 20 })).changes).toBe(true);
  });

  it("the preview's note says why an update with no field marked writes", () => {
    const bad = { ...inputs({ waitForRegistration: 10 }), registration: { status: "ERROR", lastAttempt: "x" } };
    const news = inputs({ waitForRegistration: 10 });
    expect(stateOnlyNote(SIP_ACCOUNT, "id", bad, news, diff(SIP_ACCOUNT, bad, news))).toBe(
      "basip: id: SIP registration is ERROR in the state and waitForRegistration is set: the account is written again and its registration waited for",
    );
    const ok = { ...bad, registration: { status: "OK", lastAttempt: "x" } };
    expect(stateOnlyNote(SIP_ACCOUNT, "id", ok, news, diff(SIP_ACCOUNT, ok, news))).toBeUndefined();
  });

  it("an option-only change writes nothing and keeps the recorded registration", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ waitForRegistration: 10 }), {});
    const mark = dev.requests.length;
    const { outs: after } = await update(SIP_ACCOUNT, outs, inputs({ waitForRegistration: 20 }), {});
    expect(dev.requests.length).toBe(mark);
    expect(after.registration).toEqual(outs.registration);
    expect(after.waitForRegistration).toBe(20);
  });

  it("a pending registration re-applies the whole account even with nothing changed", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ enabled: true }), {});
    const failed = { ...outs, waitForRegistration: 10, registration: { status: "ERROR", lastAttempt: null } };
    const mark = dev.requests.length;
    const { outs: after } = await update(SIP_ACCOUNT, failed, inputs({ enabled: true, waitForRegistration: 10 }), {});
    expect(after.registration).toEqual({ status: "OK", lastAttempt: expect.any(String) });
    expect(shape(dev.requests.slice(mark)).filter((p) => p.startsWith("POST"))).toEqual(["POST /api/v1/device/sip/settings", "POST /api/v1/device/sip/enable"]);
  });
});

describe("enabled: a field on its own endpoint", () => {
  it("create writes the account, then the switch, each read back; unmanaged means untouched", async () => {
    await create(SIP_ACCOUNT, inputs({ enabled: false }), {});
    expect(dev.sipEnable.sip_enable).toBe(false);
    expect(shape(dev.requests)).toEqual([
      "GET /api/v1/device/sip/settings",
      "POST /api/v1/device/sip/settings",
      "GET /api/v1/device/sip/settings",
      "POST /api/v1/device/sip/enable",
      "GET /api/v1/device/sip/enable",
      "GET /api/v1/sip/status",
    ]);
    // The account body never carries the switch, and the switch body nothing else.
    const posts = dev.requests.filter((r) => r.method === "POST");
    expect(posts[0].body).not.toHaveProperty("sip_enable");
    expect(posts[1].body).toEqual({ sip_enable: false });
    await startDevice();
    await create(SIP_ACCOUNT, inputs(), {});
    expect(dev.requests.some((r) => r.path === "/api/v1/device/sip/enable")).toBe(false);
  });

  it("update of enabled alone writes only the switch; refresh reads it only when managed", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ enabled: true }), {});
    let mark = dev.requests.length;
    const { outs: off } = await update(SIP_ACCOUNT, outs, inputs({ enabled: false }), {});
    expect(shape(dev.requests.slice(mark))).toEqual(["POST /api/v1/device/sip/enable", "GET /api/v1/device/sip/enable", "GET /api/v1/sip/status"]);
    expect(off.registration).toEqual({ status: "OFFLINE", lastAttempt: null });

    dev.sipEnable.sip_enable = true;
    mark = dev.requests.length;
    const r = await read(SIP_ACCOUNT, "id", off, {});
    expect(r.props.enabled).toBe(true);
    expect(r.inputs.enabled).toBe(true);
    expect(r.inputs).not.toHaveProperty("registration");
    expect(shape(dev.requests.slice(mark))).toEqual(["GET /api/v1/device/sip/settings", "GET /api/v1/device/sip/enable", "GET /api/v1/sip/status"]);
    expect(diff(SIP_ACCOUNT, r.props, inputs({ enabled: false })).changes).toBe(true);

    const { enabled: _e, ...unmanaged } = off;
    mark = dev.requests.length;
    await read(SIP_ACCOUNT, "id", unmanaged, {});
    expect(shape(dev.requests.slice(mark))).toEqual(["GET /api/v1/device/sip/settings", "GET /api/v1/sip/status"]);
  });

  it("names the switch when the device refuses it", async () => {
    const { outs } = await create(SIP_ACCOUNT, inputs({ enabled: true }), {});
    const e = await errorOf(update(SIP_ACCOUNT, outs, { ...outs, enabled: "yes" }, {}));
    expect(e.message).toContain("write SIP enable failed (POST /api/v1/device/sip/enable): HTTP 400");
    expect(e.message).toContain("[field enabled]");
  });
});
