/**
 * The resources driven by the real Pulumi engine against the emulator: the user's whole journey from
 * the first `up` to `destroy`, in order, on one stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { SecondSipAccount, SipAccount } from "../../provider";
import { PROVIDER_TEXT } from "../../provider/resources/dynamic";
import { legacyText } from "../support/legacy-provider";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(180_000);

const SECRETS = { admin: "123456", sip: "s3cret-1001", sip2: "s3cret-1001b" };

/** What the program declares; tests change it between runs. */
const desired = {
  main: { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 300, transport: "udp" as const },
  second: { proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", user: "1001", userId: "1001", outbound: "" },
};

let emu: Emulator;
let dev: EmulatedDevice;
let ts: TestStack;

const program = async () => {
  const cfg = new pulumi.Config();
  const device = { endpoint: cfg.require("endpoint"), password: cfg.requireSecret("adminPassword") };
  const a = new SipAccount("lobby", { device, ...desired.main, password: cfg.requireSecret("sip") });
  const b = new SecondSipAccount("lobby-backup", { device, ...desired.second, password: cfg.requireSecret("sip2") });
  return { main: a.id, second: b.id };
};

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dev = emu.device();
  ts = await newStack("journey", program, {
    endpoint: { value: dev.url },
    adminPassword: { value: SECRETS.admin, secret: true },
    sip: { value: SECRETS.sip, secret: true },
    sip2: { value: SECRETS.sip2, secret: true },
  });
});

afterAll(async () => {
  ts?.dispose();
  await emu?.stop();
});

test("1. up on a fresh stack configures both accounts with the real passwords", async () => {
  const preview = await ts.stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ create: 3 });
  expect(dev.counts().total).toBe(0); // preview never calls create

  const up = await ts.stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 3 });
  expect(dev.main).toMatchObject({ proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: SECRETS.sip, stun: { ip: "stun.example.com", port: 3478 }, registration_interval: 300, h264: 102, transport: "udp" });
  expect(dev.second).toMatchObject({ proxy: "sip:pbx2.example.com", user: "1001", password: SECRETS.sip2, user_id: "1001", outbound: "" });
  expect(up.outputs.main.value).toBe(`${dev.url}#sip-account`);
  // One provider process: one login for both accounts of the device.
  expect(dev.counts().login).toBe(1);
});

test("2. a second up reports no changes and writes nothing", async () => {
  dev.clearRequests();
  const up = await ts.stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 3 });
  expect(dev.counts().write).toBe(0);
  expect(dev.counts().total).toBe(0);
});

test("3. one changed field: preview --diff names it alone; up changes it and nothing else", async () => {
  const before = { main: { ...dev.main }, second: { ...dev.second } };
  desired.main.registrationInterval = 600;
  const preview = await ts.stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ same: 2, update: 1 });
  expect(preview.stdout).toMatch(/~ registrationInterval\s*:\s*300 => 600/);
  const changedLines = preview.stdout.split("\n").filter((l) => /^\s*[~+-] \w+\s*:/.test(l));
  expect(changedLines).toHaveLength(1);

  dev.clearRequests();
  await ts.stack.up();
  expect(dev.main).toEqual({ ...before.main, registration_interval: 600 });
  expect(dev.second).toEqual(before.second);
  expect(dev.counts().write).toBe(1);
});

test("4. a new password is an update, stored by the device and shown as a secret", async () => {
  await ts.stack.setConfig("sip", { value: "n3w-secret-1001", secret: true });
  const preview = await ts.stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ same: 2, update: 1 });
  // The value shows only as [secret]; the counter check derives says it changed (see review.test.ts).
  expect(preview.stdout).toMatch(/~ pulumi-nodejs:dynamic\/basip:SipAccount: \(update\)/);
  expect(preview.stdout).toMatch(/password\s*:\s*\[secret\]/);
  expect(preview.stdout).toMatch(/~ passwordVersion\s*:\s*1 => 2/);
  expect(preview.stdout).not.toContain("n3w-secret-1001");
  await ts.stack.up();
  expect(dev.main.password).toBe("n3w-secret-1001");
  SECRETS.sip = "n3w-secret-1001";
});

test("5. drift: refresh picks up a change made on the device, preview shows it, up restores it", async () => {
  dev.second.outbound = "rogue.example.com";
  dev.clearRequests();
  const refresh = await ts.stack.refresh();
  expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(dev.counts().read).toBe(3); // one read per account, one of the main account's registration status
  expect(dev.counts().login).toBeLessThanOrEqual(1);

  const preview = await ts.stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ same: 2, update: 1 });
  // The engine prints a change to "" as the old value going away.
  expect(preview.stdout).toMatch(/[~-] outbound\s*:\s*"rogue.example.com"/);
  await ts.stack.up();
  expect(dev.second.outbound).toBe("");
  expect((await ts.stack.preview()).changeSummary).toEqual({ same: 3 });
});

test("6. stack export has no plaintext password; the device never received WebPass", async () => {
  const exported = ts.cli(["stack", "export"]);
  for (const secret of Object.values(SECRETS)) expect(exported).not.toContain(secret);
  expect(exported).toContain("ciphertext");
  expect(dev.receivedWebPass()).toBe(false);
});

test("9. the provider text an earlier version stored produces no diff on existing resources, and up replaces it", async () => {
  const state = JSON.parse(ts.cli(["stack", "export"]));
  const legacy = { main: legacyText("main"), second: legacyText("second") };
  let touched = 0;
  for (const r of state.deployment.resources) {
    for (const props of [r.inputs, r.outputs]) {
      if (props?.__provider) {
        props.__provider = r.type.endsWith(":SecondSipAccount") ? legacy.second : legacy.main;
        touched++;
      }
    }
  }
  expect(touched).toBe(4);
  const file = `${ts.workDir}/edited.json`;
  require("fs").writeFileSync(file, JSON.stringify(state));
  ts.cli(["stack", "import", "--file", file]);
  dev.clearRequests();
  const preview = await ts.stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ same: 3 });
  expect(dev.counts().total).toBe(0);
  // The next up stores the current text as the inputs, still without a device request; the engine
  // keeps a no-change resource's outputs, so they hold the older text until the account is updated.
  expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 3 });
  expect(dev.counts().total).toBe(0);
  type Stored = { type: string; inputs?: { __provider?: string }; outputs?: { __provider?: string } };
  const after = (JSON.parse(ts.cli(["stack", "export"])).deployment.resources as Stored[]).filter((r) => r.inputs?.__provider !== undefined);
  expect(Object.fromEntries(after.map((r) => [r.type.split(":").pop(), [r.inputs?.__provider, r.outputs?.__provider]]))).toEqual({
    SipAccount: [PROVIDER_TEXT.main, legacy.main],
    SecondSipAccount: [PROVIDER_TEXT.second, legacy.second],
  });
});

test("10. destroy forgets the accounts: state is empty, the device keeps its settings", async () => {
  const before = { main: { ...dev.main }, second: { ...dev.second } };
  dev.clearRequests();
  const destroy = await ts.stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
  // The user is told, in the run's diagnostics, that the device keeps its settings.
  expect(destroy.stdout).toContain(`basip: ${dev.url}#sip-account removed from the stack; the device keeps its SIP account settings unchanged`);
  expect(destroy.stdout).toContain(`basip: ${dev.url}#second-sip-account removed from the stack`);
  expect(dev.counts().total).toBe(0);
  expect(dev.main).toEqual(before.main);
  expect(dev.second).toEqual(before.second);
  const state = JSON.parse(ts.cli(["stack", "export"]));
  expect(state.deployment.resources ?? []).toHaveLength(0);
});

test("an unreachable admin password fails the up with the device named and no password shown", async () => {
  await ts.stack.setConfig("adminPassword", { value: "wrong-admin", secret: true });
  dev.clearRequests();
  const text = await failureOf(ts.stack.up());
  expect(text).toContain(dev.url);
  expect(text).toContain("Wrong login or password");
  expect(text).not.toContain("wrong-admin");
  expect(dev.counts().write).toBe(0);
  await ts.stack.setConfig("adminPassword", { value: SECRETS.admin, secret: true });
});
