/**
 * What a reviewer sees, through the real engine: every kind of change is marked in `preview --diff`
 * and in the engine's events (old vs new inputs), the password rotation included, without any
 * password value or hash in output or state; no change marks nothing and touches no device; a
 * second `up` after each change reports no change; and a state written by 0.1.0 upgrades with no
 * device write.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { SecondSipAccount, SecondSipAccountArgs, SipAccount, SipAccountArgs } from "../../provider";
import { newLocalStack } from "../support/local-engine";
import { newStack, PASSPHRASE, TestStack } from "./harness";

jest.setTimeout(300_000);

type Props = Record<string, unknown>;

/** A preview as a reviewer reads it: per resource name, the marked lines and the inputs that changed. */
interface Review {
  summary: Record<string, number | undefined>;
  /** `~ passwordVersion: 1 => 2`, whitespace collapsed, per resource name. */
  marks: Record<string, string[]>;
  /** Input keys whose value differs between the old and new inputs of the event, `key: old → new`. */
  changed: Record<string, string[]>;
  /** The step of each resource (`same`, `update`, `create-replacement`, ...), from its first event. */
  ops: Record<string, string>;
  /** What the CLI printed and the events carried, to search for secrets. */
  text: string;
}

const isResourceHeader = (l: string) => /pulumi-nodejs:dynamic\/basip:|pulumi:pulumi:Stack/.test(l);

/** Marked property lines of each resource block of `preview --diff` output. */
function marksOf(stdout: string): Record<string, string[]> {
  const marks: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of stdout.split("\n")) {
    const urn = /^\s*\[urn=urn:pulumi:[^\]]*::(basip:|pulumi-nodejs:dynamic\/basip:)?[\w:/-]*::([\w-]+)\]/.exec(line);
    if (urn) {
      current = urn[2];
      marks[current] = marks[current] ?? [];
      continue;
    }
    if (isResourceHeader(line) || current === undefined) continue;
    const m = /^\s+([~+-]) ([\w.]+)\s*:\s*(.*)$/.exec(line);
    if (m) marks[current].push(`${m[1]} ${m[2]}: ${m[3].trim()}`);
  }
  return Object.fromEntries(Object.entries(marks).filter(([, v]) => v.length > 0));
}

/** Top-level input keys that differ, as a generic events reader (the fleet report) computes them. */
function changedInputs(olds: Props | undefined, news: Props | undefined): string[] {
  const o = olds ?? {};
  const n = news ?? {};
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => k !== "__provider").sort();
  const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
  return keys.filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k])).map((k) => `${k}: ${show(o[k])} → ${show(n[k])}`);
}

async function review(ts: TestStack): Promise<Review> {
  const events: EngineEvent[] = [];
  const preview = await ts.stack.preview({ diff: true, onEvent: (e) => events.push(e) });
  const changed: Record<string, string[]> = {};
  const ops: Record<string, string> = {};
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (m === undefined || !m.type.startsWith("pulumi-nodejs:dynamic/basip:")) continue;
    const name = m.urn.split("::").pop() as string;
    ops[name] = ops[name] ?? m.op;
    const keys = changedInputs(m.old?.inputs, m.new?.inputs);
    // A replacement has three events (create-replacement, replace, delete-replaced); the first says it.
    if (keys.length > 0 && !(name in changed)) changed[name] = keys;
  }
  const text = `${preview.stdout}\n${preview.stderr}\n${JSON.stringify(events)}`;
  return { summary: preview.changeSummary, marks: marksOf(preview.stdout), changed, ops, text };
}

const hashes = (s: string) => ["md5", "sha1", "sha256", "sha512"].flatMap((h) => [createHash(h).update(s).digest("hex"), createHash(h).update(s).digest("base64")]);

/** No password, and no hash of one, in `text`. */
function expectNoSecret(text: string, secrets: string[]): void {
  for (const s of secrets) {
    expect(text).not.toContain(s);
    for (const h of hashes(s)) expect(text).not.toContain(h);
  }
}

describe("reviewing each kind of change", () => {
  const secrets = { admin: "123456", sip: "rv-sip-main-1", sip2: "rv-sip-second-1" };
  const used = new Set<string>(Object.values(secrets));
  const main: Props = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 300 };
  const second: Props = { proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", user: "2001" };
  let emu: Emulator;
  let devA: EmulatedDevice;
  let devB: EmulatedDevice;
  let endpoint: string;
  let ts: TestStack;
  const outputs: string[] = [];

  const program = async () => {
    const cfg = new pulumi.Config();
    const device = { endpoint, password: cfg.requireSecret("adminPassword") };
    new SipAccount("lobby", { device, ...main, password: cfg.requireSecret("sip") } as unknown as SipAccountArgs);
    new SecondSipAccount("backup", { device: { endpoint: devA.url, password: cfg.requireSecret("adminPassword") }, ...second, password: cfg.requireSecret("sip2") } as unknown as SecondSipAccountArgs);
  };
  const setSecret = async (key: "adminPassword" | "sip" | "sip2", value: string) => {
    used.add(value);
    await ts.stack.setConfig(key, { value, secret: true });
  };
  const requests = () => devA.counts().total + devB.counts().total;
  const clear = () => [devA, devB].forEach((d) => d.clearRequests());

  /** Reviews the pending change, checks that preview touched no device, and keeps its text. */
  async function reviewed(): Promise<Review> {
    clear();
    const r = await review(ts);
    expect(requests()).toBe(0);
    outputs.push(r.text);
    return r;
  }

  /** `up`, then a second `up` that reports no change and makes no device request. Returns the first up's requests. */
  async function upTwice(): Promise<{ write: number; total: number }> {
    clear();
    const up = await ts.stack.up();
    outputs.push(up.stdout, up.stderr);
    const counts = { write: devA.counts().write + devB.counts().write, total: requests() };
    clear();
    const again = await ts.stack.up();
    expect(again.summary.resourceChanges).toEqual({ same: 3 });
    expect(requests()).toBe(0);
    return counts;
  }

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, devices: 2 });
    [devA, devB] = emu.devices;
    endpoint = devA.url;
    ts = await newStack("review", program, {
      adminPassword: { value: secrets.admin, secret: true },
      sip: { value: secrets.sip, secret: true },
      sip2: { value: secrets.sip2, secret: true },
    });
    await ts.stack.up();
  });
  afterAll(async () => {
    ts?.dispose();
    await emu?.stop();
  });

  test("no change: nothing marked, no input changed, zero device requests", async () => {
    const r = await reviewed();
    expect(r.summary).toEqual({ same: 3 });
    expect(r.marks).toEqual({});
    expect(r.changed).toEqual({});
    expect(await upTwice()).toEqual({ write: 0, total: 0 });
  });

  test("password rotation: passwordVersion is marked in preview --diff and in the events, the value nowhere", async () => {
    await setSecret("sip", "rv-sip-main-2");
    await setSecret("sip2", "rv-sip-second-2");
    const r = await reviewed();
    expect(r.summary).toEqual({ same: 1, update: 2 });
    expect(r.marks).toEqual({ lobby: ["~ passwordVersion: 1 => 2"], backup: ["~ passwordVersion: 1 => 2"] });
    expect(r.changed).toEqual({ lobby: ["passwordVersion: 1 → 2"], backup: ["passwordVersion: 1 → 2"] });
    // One login, then per account: read (not every field is managed), write, read back; and the main
    // account's registration status.
    expect(await upTwice()).toEqual({ write: 2, total: 8 });
    expect(devA.main.password).toBe("rv-sip-main-2");
    expect(devA.second.password).toBe("rv-sip-second-2");
  });

  test("admin password change: devicePasswordVersion marked, the preview says nothing is written, up makes no request", async () => {
    await setSecret("adminPassword", "rv-admin-2");
    const r = await reviewed();
    expect(r.summary).toEqual({ same: 1, update: 2 });
    expect(r.marks).toEqual({ lobby: ["~ devicePasswordVersion: 1 => 2"], backup: ["~ devicePasswordVersion: 1 => 2"] });
    expect(r.changed).toEqual({ lobby: ["devicePasswordVersion: 1 → 2"], backup: ["devicePasswordVersion: 1 → 2"] });
    for (const id of [`${devA.url}#sip-account`, `${devA.url}#second-sip-account`]) {
      expect(r.text).toContain(`basip: ${id}: devicePassword changed (used to reach the device, never written to it); nothing is written to the device`);
    }
    expect(await upTwice()).toEqual({ write: 0, total: 0 });
    // The emulated device keeps 123456: changing it back is one more change of the admin password.
    await setSecret("adminPassword", secrets.admin);
    expect((await reviewed()).marks).toEqual({ lobby: ["~ devicePasswordVersion: 2 => 3"], backup: ["~ devicePasswordVersion: 2 => 3"] });
    expect(await upTwice()).toEqual({ write: 0, total: 0 });
  });

  test("a field added to the program is marked + and written", async () => {
    main.transport = "tcp";
    const r = await reviewed();
    expect(r.marks).toEqual({ lobby: ['+ transport: "tcp"'] });
    expect(r.changed).toEqual({ lobby: ['transport: (none) → "tcp"'] });
    // Every field of the account is managed now: login, write, read back, status; no read first.
    expect(await upTwice()).toEqual({ write: 1, total: 4 });
    expect(devA.main.transport).toBe("tcp");
  });

  test("a field removed from the program is marked -, left unmanaged: the device keeps its value", async () => {
    delete main.registrationInterval;
    const r = await reviewed();
    expect(r.marks).toEqual({ lobby: ["- registrationInterval: 300"] });
    expect(r.changed).toEqual({ lobby: ["registrationInterval: 300 → (none)"] });
    expect(r.text).toContain(`basip: ${devA.url}#sip-account: registrationInterval no longer managed (the device keeps its value); nothing is written to the device`);
    expect(await upTwice()).toEqual({ write: 0, total: 0 });
    expect(devA.main.registration_interval).toBe(300);
  });

  test("a nested field (stun.port) is marked inside its object", async () => {
    main.stun = { ip: "stun.example.com", port: 3479 };
    const r = await reviewed();
    expect(r.marks).toEqual({ lobby: ["~ stun: {", "~ port: 3478 => 3479"] });
    expect(r.changed).toEqual({ lobby: ['stun: {"ip":"stun.example.com","port":3478} → {"ip":"stun.example.com","port":3479}'] });
    // registrationInterval is unmanaged now: login, read (to keep it), write, read back, status.
    expect(await upTwice()).toEqual({ write: 1, total: 5 });
    expect(devA.main.stun).toEqual({ ip: "stun.example.com", port: 3479 });
  });

  test("drift found by refresh is marked as the device's value going back to the program's; the markers survive refresh", async () => {
    devA.main.user = "intruder";
    const refresh = await ts.stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    const r = await reviewed();
    expect(r.marks).toEqual({ lobby: ['~ user: "intruder" => "1001"'] });
    expect(r.changed).toEqual({ lobby: ['user: "intruder" → "1001"'] });
    expect(await upTwice()).toEqual({ write: 1, total: 5 });
    expect(devA.main.user).toBe("1001");
  });

  test("a new endpoint replaces: marked on device.endpoint; the replacement's counters start again", async () => {
    endpoint = devB.url;
    const r = await reviewed();
    expect(r.summary).toEqual({ same: 2, replace: 1 });
    // Pulumi checks a replacement without old inputs, so it is a new resource with its first passwords.
    // deviceInfo and registration are outputs the replacement reads anew from the other device: shown as going away.
    const info = ["- deviceInfo: {", '- apiVersion: "2.x"', '- firmwareVersion: "2.11.0"', '- model: "AQ-07L"', '- name: "Emulated BAS-IP 1"', `- serialNumber: "EMU-${devA.port}"`, '- type: "panel"'];
    const registration = ["- registration: {", expect.stringMatching(/^- lastAttempt: /), expect.stringMatching(/^- status: "(OK|ERROR)"$/)];
    expect(r.marks).toEqual({ lobby: ["~ device: {", `~ endpoint: "${devA.url}" => "${devB.url}"`, ...info, "~ devicePasswordVersion: 3 => 1", "~ passwordVersion: 2 => 1", ...registration] });
    expect(r.changed.lobby).toEqual([`device: {"endpoint":"${devA.url}"} → {"endpoint":"${devB.url}"}`, "devicePasswordVersion: 3 → 1", "passwordVersion: 2 → 1"]);
    const up = await upTwice();
    expect(up.write).toBe(1);
    expect(devB.main).toMatchObject({ user: "1001", password: "rv-sip-main-2", transport: "tcp", stun: { ip: "stun.example.com", port: 3479 } });
  });

  test("no password, nor any hash of one, in anything printed, in the events or in the state; the counters are in state in plain", async () => {
    const exported = ts.cli(["stack", "export"]);
    expectNoSecret([...outputs, exported].join("\n"), [...used]);
    const state = JSON.parse(exported);
    const lobby = state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::lobby"));
    expect(lobby.outputs).toMatchObject({ passwordVersion: 1, devicePasswordVersion: 1 });
    expect(lobby.outputs.password.ciphertext).toEqual(expect.any(String));
  });
});

describe("a state written by 0.1.0 upgrades without a device write", () => {
  const FIXTURE = path.join(__dirname, "..", "fixtures", "state-0.1.0");
  const spec = JSON.parse(fs.readFileSync(path.join(FIXTURE, "program.json"), "utf8"));
  const devices = JSON.parse(fs.readFileSync(path.join(FIXTURE, "devices.json"), "utf8"));
  let emus: Emulator[] = [];
  let ts: TestStack;

  afterAll(async () => {
    ts?.dispose();
    await Promise.all(emus.map((e) => e.stop()));
  });

  test("import the exported 0.1.0 stack, point it at devices seeded to match: up reports same for all and writes nothing", async () => {
    emus = await Promise.all([
      startEmulator({ port: 0, password: spec.deviceAdminPasswords[0], seed: devices.a }),
      startEmulator({ port: 0, password: spec.deviceAdminPasswords[1], seed: devices.b }),
    ]);
    const [devA, devB] = emus.map((e) => e.device());
    const program = async () => {
      const cfg = new pulumi.Config();
      const deviceA = { endpoint: devA.url, password: cfg.requireSecret("adminPassword") };
      new SipAccount("a-main", { device: deviceA, ...spec.a.main, password: cfg.requireSecret("sip") });
      new SecondSipAccount("a-second", { device: deviceA, ...spec.a.second, password: cfg.requireSecret("sip2") });
      new SipAccount("b-main", { device: { endpoint: devB.url }, ...spec.b.main, password: cfg.requireSecret("sipB") });
    };
    const config = Object.fromEntries(Object.entries(spec.config as Record<string, string>).map(([k, v]) => [k, { value: v, secret: true }]));
    ts = await newStack("upgrade", program, config);
    const text = fs
      .readFileSync(path.join(FIXTURE, "stack.json"), "utf8")
      .split("http://device-a.invalid")
      .join(devA.url)
      .split("http://device-b.invalid")
      .join(devB.url);
    const fixture = JSON.parse(text);
    // Written by 0.1.0: no marker anywhere.
    expect(text).not.toContain("Version\"");
    await ts.stack.importStack(fixture);

    const preview = await review(ts);
    expect(preview.summary).toEqual({ same: 4 });
    expect(preview.marks).toEqual({});
    // The counters appear in the new inputs of steps that stay `same`: a report of changes reads the
    // steps that are not `same`, and there are none.
    expect(preview.ops).toEqual({ "a-main": "same", "a-second": "same", "b-main": "same" });
    expect(preview.changed["a-main"]).toEqual(["devicePasswordVersion: (none) → 1", "passwordVersion: (none) → 1"]);
    expect(preview.changed["b-main"]).toEqual(["passwordVersion: (none) → 1"]);
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(devA.counts()).toMatchObject({ write: 0, total: 0 });
    expect(devB.counts()).toMatchObject({ write: 0, total: 0 });
    expect(devA.main).toEqual(devices.a.main);
    expect(devA.second).toEqual(devices.a.second);
    expect(devB.main).toEqual(devices.b.main);

    // The upgraded state counts its passwords from 1: a rotation now reads 1 => 2.
    await ts.stack.setConfig("sip", { value: "fixture-sip-main-2", secret: true });
    const rotation = await review(ts);
    expect(rotation.marks).toEqual({ "a-main": ["~ passwordVersion: 1 => 2"] });
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(devA.main.password).toBe("fixture-sip-main-2");
    expect(devA.counts().write).toBe(1);
  });
});

describe("Reviewing a change (docs/guides/reviewing-a-change.md, linked from the README)", () => {
  const section = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "guides", "reviewing-a-change.md"), "utf8");
  const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  let emu: Emulator;
  let ts: TestStack;
  afterAll(async () => {
    ts?.dispose();
    await emu?.stop();
  });

  test("the preview and the note shown are what the CLI prints for that change", async () => {
    expect(blocks).toHaveLength(2);
    emu = await startEmulator({ port: 0 });
    const dev = emu.device();
    const desired: Props = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 300 };
    const program = async () => {
      const cfg = new pulumi.Config();
      new SipAccount("lobby", { device: { endpoint: dev.url, password: cfg.requireSecret("adminPassword") }, ...desired, password: cfg.requireSecret("sip1001") } as unknown as SipAccountArgs);
    };
    ts = await newLocalStack({ project: "building-a", name: "dev", program, config: { adminPassword: { value: "123456", secret: true }, sip1001: { value: "pw-one", secret: true } }, passphrase: PASSPHRASE });
    await ts.stack.up();
    // The guide was captured with the emulator on port 18321.
    const asInReadme = (s: string) => s.split(dev.url).join("http://127.0.0.1:18321").trim();

    await ts.stack.setConfig("sip1001", { value: "pw-two", secret: true });
    desired.stun = { ip: "stun.example.com", port: 3479 };
    delete desired.registrationInterval;
    expect(asInReadme((await ts.stack.preview({ diff: true })).stdout)).toBe(blocks[0]);
    await ts.stack.up();

    await ts.stack.setConfig("adminPassword", { value: "654321", secret: true });
    expect(asInReadme((await ts.stack.preview({ diff: true })).stderr)).toBe(blocks[1]);
  });
});
