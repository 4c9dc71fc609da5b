/**
 * The schema (what `check` accepts) and the emulator (what the device accepts) are written apart on
 * purpose, so each can catch the other's mistakes. This test holds them to the same rules: a value
 * passes preview exactly when the emulated device would store it.
 */
import * as E from "fp-ts/Either";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import { DeviceClient } from "../../provider/client/client";
import { DeviceError } from "../../provider/client/errors";
import { AccountSchema, SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../../provider/schema/accounts";
import { DEVICE_DEFAULTS } from "../../provider/schema/device";
import { toWire } from "../../provider/schema/mapping";
import { validateAccountInputs } from "../../provider/schema/validate";

const goodMain = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: "s3cret-1001", stun: { ip: "stun.example.com", port: 3478 }, h264: 102 };
const goodSecond = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: "s3cret-1001" };

const hosts = ["pbx.example.com", "10.0.0.1", "10.0.0.1:5060", "pbx.example.com:65535", "localhost", "stun_host.example.com", "1.2.3.256", "pbx example.com", "", "host:0", "host:65536", "-bad.example.com", "a..b", "example.123"];
const texts = ["1", "a".repeat(31), "a".repeat(32), "with space", "semi;colon", "quote'", "back\\slash", "colon:", "ünïcode", "ü".repeat(31), "ü".repeat(32), "~`!@#$%^&*()_-+={[}]|\"<,>.?/", "pa:ss'word\\"];

/** [account, field, values, how to apply a value] */
const cases: [AccountSchema, string, unknown[], (v: unknown) => Record<string, unknown>][] = [
  [SIP_ACCOUNT, "realm", hosts, (v) => ({ realm: v })],
  [SIP_ACCOUNT, "proxy", [...hosts, ...hosts.map((h) => `sip:${h}`)], (v) => ({ proxy: v })],
  [SIP_ACCOUNT, "stun.ip", hosts, (v) => ({ stun: { ip: v, port: 3478 } })],
  [SIP_ACCOUNT, "stun.port", [0, 1, 65535, 65536, 1.5], (v) => ({ stun: { ip: "stun.example.com", port: v } })],
  [SIP_ACCOUNT, "user", texts, (v) => ({ user: v })],
  [SIP_ACCOUNT, "password", [...texts, "WebPass"].filter((t) => t !== ""), (v) => ({ password: v })],
  [SIP_ACCOUNT, "registrationInterval", [29, 29.5, 30, 30.5, 900, 900.5, 901], (v) => ({ registrationInterval: v })],
  [SIP_ACCOUNT, "h264", [98, 99, 127, 128], (v) => ({ h264: v })],
  [SIP_ACCOUNT, "transport", ["udp", "tcp", "tls", "UDP", "sctp"], (v) => ({ transport: v })],
  [SECOND_SIP_ACCOUNT, "proxy", [...hosts, ...hosts.map((h) => `sip:${h}`)], (v) => ({ proxy: v })],
  [SECOND_SIP_ACCOUNT, "outbound", hosts, (v) => ({ outbound: v })],
  [SECOND_SIP_ACCOUNT, "userId", ["", ...texts], (v) => ({ userId: v })],
  [SECOND_SIP_ACCOUNT, "password", ["12345", "123456", ...texts], (v) => ({ password: v })],
  [SECOND_SIP_ACCOUNT, "user", texts, (v) => ({ user: v })],
  [SECOND_SIP_ACCOUNT, "registrationInterval", [29, 30, 30.5, 900, 901], (v) => ({ registrationInterval: v })],
];

/**
 * Where preview is deliberately stricter than the device (docs/reference/sip-account.md and second-sip-account.md, Rules): spec 000 sets
 * no character rule, but control characters in a SIP user or password are refused at preview.
 */
const deviations: [AccountSchema, string, unknown[], (v: unknown) => Record<string, unknown>][] = [
  [SIP_ACCOUNT, "user", ["tab\there", "nul\u0000", "line\n", "del\u007f"], (v) => ({ user: v })],
  [SIP_ACCOUNT, "password", ["tab\there", "nul\u0000", "line\n", "del\u007f"], (v) => ({ password: v })],
];

let emu: Emulator;
let dev: EmulatedDevice;
let client: DeviceClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dev = emu.device();
  client = new DeviceClient({ endpoint: dev.url, username: "admin", password: "123456", retries: 0 });
});
afterAll(async () => {
  client.close();
  await emu.stop();
});

/** Whether the device stores the value: 200, or 400 from its validation. */
async function deviceAccepts(schema: AccountSchema, settings: Record<string, unknown>): Promise<boolean> {
  const path = DEVICE_DEFAULTS[schema.pathOption];
  try {
    await client.post("contract", path, toWire(settings));
    return true;
  } catch (e) {
    if (e instanceof DeviceError && (e.status === 400 || e.kind === "refused")) return false;
    throw e;
  }
}

test.each(cases.map(([schema, field, values, apply]) => [`${schema.kind} ${field}`, schema, values, apply] as const))(
  "%s: preview accepts exactly what the device accepts",
  async (_name, schema, values, apply) => {
    const disagreements: string[] = [];
    for (const value of values) {
      const settings = { ...(schema.kind === "main" ? goodMain : goodSecond), ...apply(value) };
      const previewOk = E.isRight(validateAccountInputs(schema, { device: { endpoint: dev.url }, ...settings }));
      const deviceOk = await deviceAccepts(schema, settings);
      if (previewOk !== deviceOk) disagreements.push(`${JSON.stringify(value)}: preview ${previewOk ? "accepts" : "refuses"}, device ${deviceOk ? "accepts" : "refuses"}`);
    }
    expect(disagreements).toEqual([]);
  },
);

test.each(deviations.map(([schema, field, values, apply]) => [`${schema.kind} ${field}`, schema, values, apply] as const))(
  "%s: the documented deviation: preview refuses control characters the device would store",
  async (_name, schema, values, apply) => {
    for (const value of values) {
      const settings = { ...goodMain, ...apply(value) };
      expect([value, E.isRight(validateAccountInputs(schema, { device: { endpoint: dev.url }, ...settings }))]).toEqual([value, false]);
      expect([value, await deviceAccepts(schema, settings)]).toEqual([value, true]);
    }
  },
);
