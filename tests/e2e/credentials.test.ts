/**
 * A fleet's shared admin password from stack config (`basip:password`), through the real engine: the
 * provider receives it via `configure`, no resource stores it, and it stays encrypted in the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator";
import { SecondSipAccount, SipAccount } from "../../provider";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(180_000);

let emu: Emulator;
let ts: TestStack;

const program = async () => {
  const cfg = new pulumi.Config();
  for (const dev of emu.devices) {
    const device = { endpoint: dev.url }; // no password: it comes from basip:password
    new SipAccount(`main-${dev.index}`, { device, proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: cfg.requireSecret("sip"), stun: { ip: "stun.example.com", port: 3478 } });
    new SecondSipAccount(`second-${dev.index}`, { device, proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1002", password: cfg.requireSecret("sip") });
  }
};

beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 2, username: "installer", password: "fleet-admin-pw" });
  ts = await newStack("creds", program, {
    "basip:username": { value: "installer" },
    "basip:password": { value: "fleet-admin-pw", secret: true },
    sip: { value: "s3cret-shared", secret: true },
  });
});

afterAll(async () => {
  ts?.dispose();
  await emu?.stop();
});

test("basip:username and basip:password from stack config log in; no resource stores the admin password", async () => {
  const up = await ts.stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 5 });
  for (const dev of emu.devices) {
    expect(dev.main.password).toBe("s3cret-shared");
    expect(dev.second.user).toBe("1002");
    expect(dev.counts().login).toBe(1);
  }
  const exported = ts.cli(["stack", "export"]);
  expect(exported).not.toContain("fleet-admin-pw");
  expect(exported).not.toContain("s3cret-shared");
  const state = JSON.parse(exported);
  const accounts = state.deployment.resources.filter((r: { type: string }) => r.type.includes("basip:"));
  expect(accounts).toHaveLength(4);
  for (const r of accounts) expect(r.outputs.devicePassword).toBeUndefined();
});

test("changing the fleet password in config writes nothing; a wrong one fails refresh naming the devices", async () => {
  await ts.stack.setConfig("basip:password", { value: "not-the-password", secret: true });
  for (const dev of emu.devices) dev.clearRequests();
  expect((await ts.stack.preview()).changeSummary).toEqual({ same: 5 });
  // The up records the new provider config (refresh uses the config in state) and touches no device.
  await ts.stack.up();
  for (const dev of emu.devices) expect(dev.counts().total).toBe(0);

  const text = await failureOf(ts.stack.refresh());
  for (const dev of emu.devices) expect(text).toContain(dev.url);
  expect(text).toContain("Wrong login or password");
  expect(text).not.toContain("not-the-password");
  for (const dev of emu.devices) expect(dev.counts().write).toBe(0);
  // A device refusing (or unreachable) during refresh is an error, never a deletion.
  const state = JSON.parse(ts.cli(["stack", "export"]));
  expect(state.deployment.resources.filter((r: { type: string }) => r.type.includes("basip:"))).toHaveLength(4);

  await ts.stack.setConfig("basip:password", { value: "fleet-admin-pw", secret: true });
  await ts.stack.up();
  const refresh = await ts.stack.refresh();
  expect(refresh.summary.resourceChanges).toMatchObject({ same: 5 });
});
