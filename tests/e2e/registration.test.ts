/**
 * Proving the phones work, through the real engine: `registration` after a write, waiting for it
 * (`waitForRegistration`), a wrong SIP password failing the step with the state recording what the
 * device holds, fixing it, SIP switched off behind the tool's back, and a device without the status
 * endpoint. The emulated PBX accepts exactly one account; its attempts come 200 ms after a write.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { SipAccount } from "../../provider";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(180_000);

const RIGHT = "r1ght-s3cret";
const WRONG = "wr0ng-s3cret";
const ACCOUNT = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 } };

/** What the program declares; tests change it between runs. */
const desired: { enabled?: boolean; waitForRegistration?: number } = { enabled: true, waitForRegistration: 30 };

const program = async () => {
  const cfg = new pulumi.Config();
  const device = { endpoint: cfg.require("endpoint"), password: cfg.requireSecret("adminPassword") };
  const lobby = new SipAccount("lobby", { device, ...ACCOUNT, password: cfg.requireSecret("sip"), ...desired });
  return { registration: lobby.registration };
};

/** The state of the one SipAccount, as `pulumi stack export` shows it. */
function exported(ts: TestStack): { outputs: Record<string, unknown>; text: string } {
  const text = ts.cli(["stack", "export"]);
  const r = JSON.parse(text).deployment.resources.find((x: { type: string }) => x.type === "pulumi-nodejs:dynamic/basip:SipAccount");
  return { outputs: r.outputs, text };
}

/** The registration guide's jq filter listing unregistered panels, run on `stack export` as the guide says (needs jq). */
function readmeReport(ts: TestStack): string[] {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../docs/guides/registration.md"), "utf8");
  const block = /<!-- registration-report -->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const pipeline = block.split("\n").filter((l) => !l.startsWith("pulumi refresh")).join("\n");
  expect(pipeline).toMatch(/^pulumi stack export \| jq /);
  const script = pipeline.replace(/^pulumi stack export \| /, "");
  return execFileSync("bash", ["-c", script], { input: ts.cli(["stack", "export"]), encoding: "utf8" }).trim().split("\n");
}

/** `GET /api/v1/sip/status` requests since the log was cleared. */
const statusReads = (dev: EmulatedDevice) => dev.requests.filter((r) => r.path === "/api/v1/sip/status").length;

describe("a PBX that accepts one account", () => {
  let emu: Emulator;
  let dev: EmulatedDevice;
  let ts: TestStack;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, registrar: { accept: [{ proxy: ACCOUNT.proxy, user: ACCOUNT.user, password: RIGHT }], delayMs: 200 } });
    dev = emu.device();
    // The device's clock is a day behind ours: only its own timestamps are compared.
    dev.registrar.options.clockOffsetS = -86_400;
    ts = await newStack("registration", program, {
      endpoint: { value: dev.url },
      adminPassword: { value: "123456", secret: true },
      sip: { value: RIGHT, secret: true },
    });
  });
  afterAll(async () => {
    ts?.dispose();
    await emu?.stop();
  });

  test("right credentials with waitForRegistration: 30: up succeeds and registration is OK", async () => {
    dev.clearRequests();
    const preview = await ts.stack.preview();
    expect(preview.changeSummary).toEqual({ create: 2 });
    expect(dev.requests).toHaveLength(0);

    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    const registration = up.outputs.registration.value as { status: string; lastAttempt: string };
    expect(registration.status).toBe("OK");
    // ISO 8601 by the device's clock, a day behind.
    expect(new Date(registration.lastAttempt).toISOString()).toBe(registration.lastAttempt);
    expect(Date.now() - Date.parse(registration.lastAttempt)).toBeGreaterThan(86_000_000);
    expect(dev.registration.sip_status).toBe("OK");
    expect(dev.sipEnable.sip_enable).toBe(true);
    // Status read before the write, then polled after it.
    expect(statusReads(dev)).toBeGreaterThanOrEqual(2);
  });

  test("a no-change preview and up make no device request", async () => {
    dev.clearRequests();
    expect((await ts.stack.preview()).changeSummary).toEqual({ same: 2 });
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 2 });
    expect(dev.requests).toHaveLength(0);
  });

  test("a wrong SIP password fails the up naming ERROR and the likely causes, and prints no password", async () => {
    await ts.stack.setConfig("sip", { value: WRONG, secret: true });
    const text = await failureOf(ts.stack.up());
    expect(text).toContain(`device ${dev.url}`);
    expect(text).toContain("status ERROR");
    expect(text).toMatch(/last attempt \d{4}-\d\d-\d\dT/);
    expect(text).toMatch(/SIP user, password, proxy or realm/);
    expect(text).not.toContain(WRONG);
    expect(text).not.toContain(RIGHT);
    // The device holds what was written, and so does the state (the password stays a secret).
    expect(dev.main.password).toBe(WRONG);
    const state = exported(ts);
    expect(state.outputs.registration).toEqual({ status: "ERROR", lastAttempt: expect.any(String) });
    expect(state.outputs.__provider).toEqual(expect.any(String));
    expect(state.text).not.toContain(WRONG);
    expect(state.text).not.toContain(RIGHT);
    // The next up will apply again: the registration it waits for is not OK, and the preview says so.
    const preview = await ts.stack.preview();
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect(preview.stdout).toContain(`basip: ${dev.url}#sip-account: SIP registration is ERROR in the state and waitForRegistration is set: the account is written again`);
  });

  test("going back to the previous password and up again: OK (state did not claim the device kept it)", async () => {
    await ts.stack.setConfig("sip", { value: RIGHT, secret: true });
    // The status stays the stale ERROR for 1.5 s after the write; the step must wait it out.
    dev.registrar.options.delayMs = 1500;
    dev.clearRequests();
    const up = await ts.stack.up();
    dev.registrar.options.delayMs = 200;
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect((up.outputs.registration.value as { status: string }).status).toBe("OK");
    expect(dev.main.password).toBe(RIGHT);
    expect(statusReads(dev)).toBeGreaterThanOrEqual(3);
    expect((await ts.stack.preview()).changeSummary).toEqual({ same: 2 });
  });

  test("SIP switched off behind the tool's back: refresh shows OFFLINE and a diff on enabled; up switches it on", async () => {
    dev.sipEnable.sip_enable = false;
    dev.clearRequests();
    await ts.stack.refresh();
    expect(exported(ts).outputs).toMatchObject({ enabled: false, registration: { status: "OFFLINE" } });
    // Refresh: the account, the enable switch and the status, one each (plus a login).
    expect(dev.requests.map((r) => r.path).filter((p) => !p.includes("login") && !p.endsWith("/api/info"))).toEqual(["/api/v1/device/sip/settings", "/api/v1/device/sip/enable", "/api/v1/sip/status"]);
    // The registration guide's list of the panels that are not registered names this one.
    expect(readmeReport(ts)).toEqual([expect.stringMatching(new RegExp(`^${dev.url}\tOFFLINE\t\\d{4}-`))]);

    const preview = await ts.stack.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect(preview.stdout).toMatch(/~ enabled\s*:\s*false => true/);

    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(dev.sipEnable.sip_enable).toBe(true);
    expect((up.outputs.registration.value as { status: string }).status).toBe("OK");
    expect(exported(ts).outputs).toMatchObject({ enabled: true, registration: { status: "OK" } });
    expect(readmeReport(ts)).toEqual([""]);
  });

  test("without a wait, a changed enable writes only the enable switch and reports the status once", async () => {
    desired.waitForRegistration = undefined;
    desired.enabled = false;
    dev.clearRequests();
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(dev.sipEnable.sip_enable).toBe(false);
    expect((up.outputs.registration.value as { status: string }).status).toBe("OFFLINE");
    const paths = dev.requests.map((r) => `${r.method} ${r.path}`).filter((p) => !p.includes("login") && !p.endsWith("/api/info"));
    expect(paths).toEqual(["POST /api/v1/device/sip/enable", "GET /api/v1/device/sip/enable", "GET /api/v1/sip/status"]);
  });

  test("waiting for a switched-off account is refused at preview, with no device request", async () => {
    desired.waitForRegistration = 10;
    dev.clearRequests();
    const text = await failureOf(ts.stack.preview());
    expect(text).toContain("waitForRegistration");
    expect(text).toContain("must be 0 when enabled is false");
    expect(dev.requests).toHaveLength(0);
    desired.enabled = true;
    desired.waitForRegistration = 30;
  });
});

describe("a device without the status endpoint (older firmware)", () => {
  let emu: Emulator;
  let dev: EmulatedDevice;
  let ts: TestStack;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, sipStatus: false });
    dev = emu.device();
    desired.enabled = undefined;
    desired.waitForRegistration = undefined;
    ts = await newStack("registration-old", program, {
      endpoint: { value: dev.url },
      adminPassword: { value: "123456", secret: true },
      sip: { value: RIGHT, secret: true },
    });
  });
  afterAll(async () => {
    ts?.dispose();
    await emu?.stop();
  });

  test("reports UNKNOWN and succeeds when no wait is asked", async () => {
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    expect(up.outputs.registration.value).toEqual({ status: "UNKNOWN", lastAttempt: null });
    await ts.stack.refresh();
    expect(exported(ts).outputs.registration).toEqual({ status: "UNKNOWN", lastAttempt: null });
  });

  test("with a wait, the up fails at once saying registration cannot be confirmed; the settings are written", async () => {
    desired.waitForRegistration = 30;
    await ts.stack.setConfig("sip", { value: "an0ther-s3cret", secret: true });
    dev.clearRequests();
    const text = await failureOf(ts.stack.up());
    expect(text).toContain(`device ${dev.url} cannot confirm SIP registration`);
    expect(text).toContain("404");
    expect(text).toContain("waitForRegistration: 0");
    expect(text).not.toContain("an0ther-s3cret");
    // No polling: the one status read before the write told it all.
    expect(statusReads(dev)).toBe(1);
    expect(dev.main.password).toBe("an0ther-s3cret");
    expect(exported(ts).outputs.registration).toEqual({ status: "UNKNOWN", lastAttempt: null });

    // Opting out for this device: a state-only update, then nothing to do.
    desired.waitForRegistration = 0;
    dev.clearRequests();
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(dev.counts().write).toBe(0);
    expect((await ts.stack.preview()).changeSummary).toEqual({ same: 2 });
  });
});
