/**
 * Pulumi options and commands a seasoned user tries in the first week, through the real CLI (issue
 * 15): one device account declared twice is refused naming both resources; the `import` option is
 * refused with the reason; every failing step prints its error once, without a stack trace; a fleet
 * with one panel offline is repaired by `refresh` then `up --continue-on-error`; a factory-reset
 * panel is repaired by `up --refresh`; a rename without an alias says what happened to the account.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DiagnosticEvent, EngineEvent } from "@pulumi/pulumi/automation";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { DeviceArgs, SipAccount } from "../../provider";
import { typeToken } from "../../provider/resources/account-resource";
import { accountInputs } from "../../provider/resources/device-args";
import { PROVIDER_TEXT } from "../../provider/resources/dynamic";
import { SIP_ACCOUNT } from "../../provider/schema/accounts";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(300_000);

const ADMIN = { adminPassword: { value: "123456", secret: true } };
const base = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", stun: { ip: "stun.example.com", port: 3478 }, password: "s3cret-1001" };

let emu: Emulator;
let factory: EmulatedDevice["main"];
beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 3 });
  factory = structuredClone(emu.device(0).main);
});
afterAll(async () => {
  await emu?.stop();
});

/** A bare dynamic resource with the package's provider text, bypassing the class and its checks. */
class Raw extends pulumi.CustomResource {
  constructor(name: string, inputs: pulumi.Inputs) {
    super(typeToken(SIP_ACCOUNT), name, { ...inputs, __provider: PROVIDER_TEXT.main });
  }
}

const clearAll = () => emu.devices.forEach((d) => d.clearRequests());
const writes = () => emu.devices.map((d) => d.counts().write);
const deviceOf = (d: EmulatedDevice, extra: object = {}) => ({ endpoint: d.url, password: new pulumi.Config().requireSecret("adminPassword"), retries: 0, ...extra });

/** Diagnostics (every message the engine shows, plugin stderr included) of one operation. */
function recorder() {
  const seen: DiagnosticEvent[] = [];
  return { seen, onEvent: (e: EngineEvent) => void (e.diagnosticEvent && seen.push(e.diagnosticEvent)) };
}

/** The diagnostics mentioning `text`: exactly one, an error, and nothing anywhere looks like a stack or a doubled message. */
function expectOneCleanLine(seen: DiagnosticEvent[], text: string): void {
  const hits = seen.filter((d) => d.message.includes(text));
  expect(hits.map((d) => d.severity)).toEqual(["error"]);
  const all = seen.map((d) => d.message).join("\n");
  expect(all).not.toMatch(/^\s+at /m);
  expect(all).not.toContain("ResourceError:");
  expect(hits[0].message.split(text)).toHaveLength(2);
}

describe("one device account, one resource", () => {
  let mode: "plain" | "outputs" | "bypass" = "plain";
  let ts: TestStack;
  beforeAll(async () => {
    const program = async () => {
      const dev = emu.device(0);
      if (mode === "bypass") {
        // What the program-side check cannot see (two copies of the package, a hand-made resource):
        // the provider process still refuses the second write of the account.
        const raw = (name: string, user: string) => {
          const args = { device: deviceOf(dev), ...base, user } as { device: DeviceArgs };
          return new Raw(name, accountInputs(SIP_ACCOUNT, args));
        };
        raw("raw-a", "3001").id.apply(() => raw("raw-b", "3002"));
        return;
      }
      const endpoint = mode === "outputs" ? pulumi.output(dev.url) : dev.url;
      new SipAccount("lobby", { device: deviceOf(dev, { endpoint }), ...base, user: "3001" });
      new SipAccount("lobby-copy", { device: deviceOf(dev, { endpoint: mode === "outputs" ? pulumi.output(`${dev.url}/`) : dev.url }), ...base, user: "3002" });
    };
    ts = await newStack("duplicate", program, ADMIN);
  });
  afterAll(() => ts?.dispose());

  test.each(["plain", "outputs"] as const)("declared twice (%s endpoints): refused at preview and up naming both, the second never written", async (m) => {
    mode = m;
    clearAll();
    const dev = emu.device(0);
    const id = `${dev.url}#sip-account`;
    const message = `SipAccount "lobby-copy" and SipAccount "lobby" both manage ${id}: one device account must be managed by exactly one resource`;
    const preview = recorder();
    expect(await failureOf(ts.stack.preview({ onEvent: preview.onEvent }))).toContain(message);
    expectOneCleanLine(preview.seen, message);
    expect(dev.counts().total).toBe(0);

    const up = recorder();
    expect(await failureOf(ts.stack.up({ onEvent: up.onEvent }))).toContain("Remove one of them, or point it at another device's endpoint");
    expectOneCleanLine(up.seen, message);
    // The second never reached the device; the first may have been applied before the engine stopped.
    expect([factory.user, "3001"]).toContain(dev.main.user);
    expect(dev.counts().write).toBeLessThanOrEqual(1);
    const exported = ts.cli(["stack", "export"]);
    expect(exported).not.toContain("__basipDuplicate"); // the check's input is never stored
    const state = JSON.parse(exported) as { deployment: { resources?: { urn: string }[] } };
    expect((state.deployment.resources ?? []).filter((r) => r.urn.includes("SipAccount")).map((r) => r.urn.split("::").pop())).toEqual(dev.counts().write === 1 ? ["lobby"] : []);
    await ts.stack.destroy();
  });

  test("bypassing the classes: the provider refuses the second write of the account in the run", async () => {
    mode = "bypass";
    clearAll();
    const run = recorder();
    const text = await failureOf(ts.stack.up({ onEvent: run.onEvent }));
    const id = `${emu.device(0).url}#sip-account`;
    expect(text).toContain(`create (adopt) SIP account: another resource of this stack already wrote ${id} in this run`);
    expectOneCleanLine(run.seen, "another resource of this stack already wrote");
    expect(emu.device(0).main.user).toBe("3001");
    expect(emu.device(0).counts().write).toBe(1);
    await ts.stack.destroy();
  });
});

test("the import and id options are refused at construction, with the reason, before any device request", async () => {
  let option: pulumi.CustomResourceOptions = {};
  // An inline program's exception would also reach jest's unhandled-rejection handler: log it as
  // the engine would (a plain `pulumi up` prints a thrown pulumi.ResourceError as this one line).
  const program = async () => {
    try {
      new SipAccount("lobby", { device: deviceOf(emu.device(0)), ...base, user: "1001" }, option);
    } catch (e) {
      await pulumi.log.error((e as Error).message);
    }
  };
  const ts = await newStack("import", program, ADMIN);
  try {
    for (const [name, opts] of [["import", { import: "whatever#sip-account" }], ["id", { id: "whatever#sip-account" }]] as const) {
      option = opts;
      clearAll();
      const run = recorder();
      const text = await failureOf(ts.stack.up({ onEvent: run.onEvent }));
      const message = `SipAccount "lobby": the ${name} resource option is not supported: dynamic resources cannot be imported or read by id, and need not be: creating the resource adopts the account the device already has`;
      expect(text).toContain(message);
      expect(text).not.toContain("toJavaScript");
      expectOneCleanLine(run.seen, message);
      expect(emu.device(0).counts().total).toBe(0);
    }
  } finally {
    ts.dispose();
  }
});

describe("every failing step prints its error once, without a stack trace", () => {
  let ts: TestStack;
  const desired: { interval: number; extra?: boolean; bad?: boolean } = { interval: 300 };
  const [dev, other] = [() => emu.device(1), () => emu.device(2)];
  beforeAll(async () => {
    const program = async () => {
      new SipAccount("panel", { device: deviceOf(dev()), ...base, user: "1001", registrationInterval: desired.bad ? 10 : desired.interval });
      if (desired.extra) new SipAccount("panel-new", { device: deviceOf(other()), ...base, user: "1002" });
    };
    ts = await newStack("clean", program, ADMIN);
    await ts.stack.up();
    await dev().setDown(true);
    await other().setDown(true);
  });
  afterAll(async () => {
    await dev().setDown(false);
    await other().setDown(false);
    ts?.dispose();
  });

  const down = (d: EmulatedDevice, step: string) => `${step} SIP account: BAS-IP device ${d.url}: log in as admin failed`;

  test("refresh", async () => {
    const run = recorder();
    await failureOf(ts.stack.refresh({ onEvent: run.onEvent }));
    expectOneCleanLine(run.seen, down(dev(), "refresh"));
  });
  test("preview --refresh", async () => {
    const run = recorder();
    await failureOf(ts.stack.preview({ refresh: true, onEvent: run.onEvent }));
    expectOneCleanLine(run.seen, down(dev(), "refresh"));
  });
  test("update", async () => {
    desired.interval = 600;
    const run = recorder();
    await failureOf(ts.stack.up({ onEvent: run.onEvent }));
    // Update knows the device's model and firmware from the state (create read them), and names them.
    expectOneCleanLine(run.seen, down(dev(), "update").replace(`${dev().url}:`, `${dev().url} (AQ-07L, firmware 2.11.0):`));
  });
  test("create", async () => {
    desired.extra = true;
    const run = recorder();
    await failureOf(ts.stack.up({ onEvent: run.onEvent }));
    expectOneCleanLine(run.seen, down(other(), "create (adopt)"));
    desired.extra = false;
  });
  test("check (bad input at preview)", async () => {
    desired.bad = true;
    const run = recorder();
    await failureOf(ts.stack.preview({ onEvent: run.onEvent }));
    expectOneCleanLine(run.seen, "has a problem: must be a number from 30 to 900, got 10");
    desired.bad = false;
  });
});

describe("a fleet with one panel offline, a drifted panel and a factory-reset panel", () => {
  let ts: TestStack;
  beforeAll(async () => {
    const program = async () => {
      for (const d of emu.devices) new SipAccount(`panel-${d.index}`, { device: deviceOf(d), ...base, user: `${2000 + d.index}`, registrationInterval: 300 });
    };
    ts = await newStack("repair", program, ADMIN);
    await ts.stack.up();
  });
  afterAll(async () => {
    await emu.device(0).setDown(false);
    ts?.dispose();
  });

  const intervals = () => emu.devices.map((d) => d.main.registration_interval);

  test("refresh then up --continue-on-error repairs the reachable panels; up --refresh --continue-on-error writes nothing", async () => {
    const [offline, drifted, reset] = emu.devices;
    await offline.setDown(true);
    drifted.main.registration_interval = 900;
    reset.main = structuredClone(factory);
    clearAll();

    // What docs/guides/offline-panels.md says to do: `pulumi refresh` goes past the offline panel (and fails naming it)
    // and keeps what it read of the others,
    expect(await failureOf(ts.stack.refresh())).toContain(offline.url);
    expect((await ts.stack.preview()).changeSummary).toEqual({ same: 2, update: 2 });
    // then `pulumi up --continue-on-error` writes the panels whose state now shows the difference.
    const up = await ts.stack.up({ continueOnError: true });
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 2 });
    expect(writes()).toEqual([0, 1, 1]);
    expect(intervals()).toEqual([300, 300, 300]);
    expect(reset.main).toMatchObject({ user: "2002", password: base.password });

    // One command instead: the engine stops in the refresh phase when a panel cannot be read, so
    // this run writes nothing (it keeps what it read, so the next up repairs).
    drifted.main.registration_interval = 900;
    clearAll();
    expect(await failureOf(ts.stack.up({ refresh: true, continueOnError: true }))).toContain(offline.url);
    expect(writes()).toEqual([0, 0, 0]);
    expect(drifted.main.registration_interval).toBe(900);
    expect((await ts.stack.up({ continueOnError: true })).summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(writes()).toEqual([0, 1, 0]);
  });

  test("a factory-reset panel: a plain up sees nothing; up --refresh repairs it", async () => {
    const reset = emu.device(1);
    await emu.device(0).setDown(false);
    reset.main = structuredClone(factory);
    clearAll();
    const plain = await ts.stack.up();
    expect(plain.summary.resourceChanges).toEqual({ same: 4 });
    expect(reset.main.user).toBe(factory.user);

    clearAll();
    const repaired = await ts.stack.up({ refresh: true });
    expect(repaired.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(writes()).toEqual([0, 1, 0]);
    expect(reset.main).toMatchObject({ user: "2001", registration_interval: 300, password: base.password });
  });
});

test("rename without an alias: the delete says another resource took the account over; a real removal says it left the stack", async () => {
  let name: string | undefined = "door";
  const program = async () => {
    if (name !== undefined) new SipAccount(name, { device: deviceOf(emu.device(2)), ...base, user: "1001" });
  };
  const ts = await newStack("rename", program, ADMIN);
  try {
    await ts.stack.up();
    const id = `${emu.device(2).url}#sip-account`;
    name = "front-door";
    const renamed = recorder();
    const up = await ts.stack.up({ onEvent: renamed.onEvent });
    expect(up.summary.resourceChanges).toEqual({ same: 1, create: 1, delete: 1 });
    const said = renamed.seen.map((d) => d.message).join("\n");
    expect(said).toContain(`basip: ${id}: this resource left the stack; another resource of this stack took the SIP account over in this run (renamed without an alias, or replaced); the device is unchanged`);
    expect(said).not.toContain("removed from the stack");

    name = undefined;
    const removed = recorder();
    await ts.stack.up({ onEvent: removed.onEvent });
    expect(removed.seen.map((d) => d.message).join("\n")).toContain(`basip: ${id} removed from the stack; the device keeps its SIP account settings unchanged`);
  } finally {
    ts.dispose();
  }
});

describe("the resource options table of docs/guides/offline-panels.md, through the engine", () => {
  const spec = { name: "gate", user: "1001", interval: 300, opts: {} as pulumi.CustomResourceOptions, declared: true };
  let ts: TestStack;
  const dev = () => emu.device(0);
  const urn = (name: string) => `urn:pulumi:options::basip-e2e::pulumi-nodejs:dynamic/basip:SipAccount::${name}`;
  beforeAll(async () => {
    const program = async () => {
      if (spec.declared) new SipAccount(spec.name, { device: deviceOf(dev()), ...base, user: spec.user, registrationInterval: spec.interval }, spec.opts);
    };
    ts = await newStack("options", program, ADMIN);
    await ts.stack.up();
  });
  afterAll(() => ts?.dispose());

  test("ignoreChanges: an ignored field's change is not applied", async () => {
    Object.assign(spec, { interval: 600, opts: { ignoreChanges: ["registrationInterval"] } });
    clearAll();
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 2 });
    expect(dev().main.registration_interval).toBe(300);
    expect(dev().counts().write).toBe(0);
    Object.assign(spec, { interval: 300, opts: {} });
  });

  test("replaceOnChanges is not honoured (the change updates in place); up --replace is the way to force a replace", async () => {
    Object.assign(spec, { user: "1002", opts: { replaceOnChanges: ["user"] } });
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(dev().main.user).toBe("1002");
    spec.opts = {};
    clearAll();
    dev().main.password = "changed-on-the-device";
    expect((await ts.stack.up({ replace: [urn("gate")] })).summary.resourceChanges).toEqual({ same: 1, replace: 1 });
    expect(dev().main.password).toBe(base.password);
    expect(dev().counts().write).toBe(1);
  });

  test("aliases: a rename with an alias touches neither the stack's accounts nor the device", async () => {
    Object.assign(spec, { name: "main-gate", opts: { aliases: [{ name: "gate" }] } });
    clearAll();
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 2 });
    expect(dev().counts().total).toBe(0);
  });

  test("protect: removing a protected account fails and leaves it in the stack", async () => {
    spec.opts = { aliases: [{ name: "gate" }], protect: true };
    await ts.stack.up();
    spec.declared = false;
    expect(await failureOf(ts.stack.up())).toContain("protect");
    spec.declared = true;
    spec.opts = { protect: false };
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 2 });
  });

  test("retainOnDelete: the account leaves the stack without the provider's delete", async () => {
    spec.opts = { retainOnDelete: true };
    await ts.stack.up();
    spec.declared = false;
    const run = recorder();
    expect((await ts.stack.up({ onEvent: run.onEvent })).summary.resourceChanges).toEqual({ same: 1, delete: 1 });
    expect(run.seen.map((d) => d.message).join("\n")).not.toContain("basip:");
    expect(dev().main.user).toBe("1002");
  });
});
