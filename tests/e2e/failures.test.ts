/**
 * What users see when things go wrong, through the real engine: bad input stops at preview with the
 * field named and no device request; a device that is down fails alone, named, and converges later.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator";
import { SecondSipAccount, SipAccount, SipAccountArgs } from "../../provider";
import { failureOf, newStack, TestStack } from "./harness";

/** The admin password's login hash, which the device accepts like the password itself. */
const ADMIN_HASH = createHash("md5").update("123456").digest("hex");

jest.setTimeout(180_000);

const base: Omit<SipAccountArgs, "device" | "password"> = {
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  stun: { ip: "stun.example.com", port: 3478 },
};

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 3 });
});
afterAll(async () => {
  await emu?.stop();
});

describe("7. bad input fails at preview with the field-level message and no device request", () => {
  let patch: Record<string, unknown> = {};
  let second = false;
  let ts: TestStack;
  beforeAll(async () => {
    const program = async () => {
      const cfg = new pulumi.Config();
      const device = { endpoint: emu.device(0).url, password: cfg.requireSecret("adminPassword") };
      if (second) {
        new SecondSipAccount("bad", { device, ...base, password: cfg.requireSecret("sip"), ...patch } as never);
      } else {
        new SipAccount("bad", { device, ...base, password: cfg.requireSecret("sip"), ...patch } as never);
      }
    };
    ts = await newStack("badinput", program, { adminPassword: { value: "123456", secret: true }, sip: { value: "s3cret-1001", secret: true } });
  });
  afterAll(() => ts?.dispose());

  // [case, second account?, patch, property, rule]; the engine prints `property P value {V} has a problem: rule`,
  // except for secret and unknown names, whose value it would print in plain text: `has a problem: P: rule`.
  const cases: [string, boolean, Record<string, unknown>, string, string][] = [
    ["registration interval too small", false, { registrationInterval: 10 }, "registrationInterval", "must be a number from 30 to 900, got 10"],
    ["second account registration interval not an integer", true, { registrationInterval: 30.5 }, "registrationInterval", "must be an integer from 30 to 900, got 30.5"],
    ["misspelt property", false, { registrationIntreval: 60 }, "registrationIntreval", "is not an argument of SipAccount; did you mean `registrationInterval`?"],
    ["misspelt device option", false, { device: { endpoint: "http://10.0.0.21", retires: 1 } }, "device.retires", "is not a field of `device`; did you mean `retries`?"],
    ["misspelt stun field", false, { stun: { ip: "stun.example.com", prot: 3478 } }, "stun.prot", "is not a field of `stun`; did you mean `port`?"],
    ["h264 out of range", false, { h264: 128 }, "h264", "must be an integer from 99 to 127, got 128"],
    ["transport unknown", false, { transport: "sctp" }, "transport", 'must be one of "udp", "tcp", "tls", got "sctp"'],
    ["stun port zero", false, { stun: { ip: "stun.example.com", port: 0 } }, "stun.port", "must be an integer from 1 to 65535, got 0"],
    ["WebPass as password", false, { password: "WebPass" }, "password", 'must not be "WebPass"'],
    ["a 32-character password, never printed", false, { password: "s3cret-1001-but-32-characters-xx" }, "password", "must be 1 to 31 characters"],
    ["second account proxy without sip:", true, { proxy: "pbx2.example.com" }, "proxy", "must be sip: followed by an IPv4 address or DNS name"],
    ["endpoint not a URL", false, { device: { endpoint: "10.0.0.21" } }, "device.endpoint", "must be an http:// or https:// URL"],
  ];

  test.each(cases)("%s", async (_name, isSecond, p, property, rule) => {
    patch = p;
    second = isSecond;
    emu.device(0).clearRequests();
    const text = await failureOf(ts.stack.preview());
    const printable = property.includes(".") || !["password", "registrationIntreval"].includes(property);
    const escaped = property.replace(".", "\\.");
    expect(text).toMatch(new RegExp(printable ? `property ${escaped} value .* has a problem: ` : `has a problem: ${escaped}: `));
    if (!printable) expect(text).not.toMatch(new RegExp(`property ${escaped} value`));
    expect(text).toContain(rule);
    expect(text).not.toContain("s3cret-1001");
    expect(text).not.toContain(ADMIN_HASH);
    expect(emu.device(0).counts().total).toBe(0);
  });
});

describe("8. a device that is down fails alone, named; the next up converges", () => {
  let ts: TestStack;
  let interval = 300;
  beforeAll(async () => {
    const program = async () => {
      const cfg = new pulumi.Config();
      for (const dev of emu.devices) {
        const device = { endpoint: dev.url, password: cfg.requireSecret("adminPassword"), retries: 1 };
        new SipAccount(`panel-${dev.index}`, { device, ...base, registrationInterval: interval, password: cfg.requireSecret("sip") });
      }
    };
    ts = await newStack("down", program, { adminPassword: { value: "123456", secret: true }, sip: { value: "s3cret-1001", secret: true } });
    await ts.stack.up();
  });
  afterAll(() => ts?.dispose());

  test("the other devices apply, the down one is named, and it converges after it returns", async () => {
    const down = emu.device(1);
    await down.setDown(true);
    interval = 600;
    for (const d of emu.devices) d.clearRequests();

    const text = await failureOf(ts.stack.up({ continueOnError: true }));
    expect(text).toContain(down.url);
    expect(text).toMatch(/ECONNRESET/); // a device put down resets each connection
    expect(text).not.toContain("s3cret-1001");
    expect(text).not.toContain(ADMIN_HASH);
    expect(emu.device(0).main.registration_interval).toBe(600);
    expect(emu.device(2).main.registration_interval).toBe(600);
    expect(down.main.registration_interval).toBe(300);

    await down.setDown(false);
    for (const d of emu.devices) d.clearRequests();
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(down.main.registration_interval).toBe(600);
    expect(emu.device(0).counts().write).toBe(0);
    expect(emu.device(2).counts().write).toBe(0);
    expect(down.counts().write).toBe(1);
  });
});
