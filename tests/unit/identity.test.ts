/**
 * Who the device is and whether it is the one we mean: `deviceInfo` from `/api/info` (read
 * leniently, asked at most once per device client), the 404 wording of a wrong account path, the
 * device's model and firmware in error messages, and TLS pinning by `tlsFingerprint`.
 */
import { startEmulator, type Emulator, type EmulatedDevice } from "../../emulator";
import { DeviceClient } from "../../provider/client/client";
import { DeviceError } from "../../provider/client/errors";
import { deviceInfoOf } from "../../provider/client/info";
import { closeAllClients } from "../../provider/client/sessions";
import { check, create, engineFailures, read, update } from "../../provider/resources/lifecycle";
import { main } from "../../provider/resources/runtime";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../../provider/schema/accounts";
import { fingerprintHex, formatFingerprint } from "../../provider/schema/fingerprint";
import { describeDevice, readDeviceInfo } from "../../provider/schema/info";
import { closestName, editDistance } from "../../provider/schema/unknown";
import { makeCert, type TestCert } from "../support/cert";

const ADMIN = "123456";
type Props = Record<string, unknown>;

let emu: Emulator | undefined;
let dev: EmulatedDevice;

async function startDevice(opts: Parameters<typeof startEmulator>[0] = {}): Promise<EmulatedDevice> {
  if (emu !== undefined) await emu.stop();
  emu = await startEmulator({ port: 0, ...opts });
  dev = emu.device();
  return dev;
}

afterEach(async () => {
  closeAllClients();
  await emu?.stop();
  emu = undefined;
});

const mainInputs = (device: Props = {}): Props =>
  check(SIP_ACCOUNT, {
    device: { endpoint: dev.url, retries: 0, ...device },
    devicePassword: ADMIN,
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: "1001",
    password: "s3cret-1001",
    stun: { ip: "stun.example.com", port: 3478 },
  }).inputs;

const secondInputs = (device: Props = {}): Props =>
  check(SECOND_SIP_ACCOUNT, {
    device: { endpoint: dev.url, retries: 0, ...device },
    devicePassword: ADMIN,
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: "1001",
    password: "s3cret-1001",
  }).inputs;

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("readDeviceInfo: lenient about names, strict about values", () => {
  test("Android panel keys", () => {
    expect(
      readDeviceInfo({ device_model: "AQ-07L", device_type: "panel", device_name: "Lobby", device_serial_number: "SN1", firmware_version: "2.11.0", api_version: "2.x", hybrid_enable: false }),
    ).toEqual({ model: "AQ-07L", type: "panel", name: "Lobby", serialNumber: "SN1", firmwareVersion: "2.11.0", apiVersion: "2.x" });
  });

  test("other spellings, numbers and one level of nesting", () => {
    expect(readDeviceInfo({ data: { model: "AV-07T", serial_number: 12345, firmware: "3.1" }, apiVersion: 1 })).toEqual({
      model: "AV-07T",
      serialNumber: "12345",
      firmwareVersion: "3.1",
      apiVersion: "1",
    });
  });

  test("empty strings, nulls, objects and over-long texts", () => {
    expect(readDeviceInfo({ device_model: "", device_name: null, firmware_version: { v: 1 } })).toBeUndefined();
    expect(readDeviceInfo({ device_name: "x".repeat(300) })).toEqual({ name: "x".repeat(100) });
    expect(readDeviceInfo({ device_name: "Lobby\u001b[31m", device_model: "AQ-07L" })).toEqual({ model: "AQ-07L" });
    expect(readDeviceInfo("not json object")).toBeUndefined();
    expect(readDeviceInfo([{ device_model: "A" }])).toBeUndefined();
  });

  test("describeDevice: model (or type) and firmware", () => {
    expect(describeDevice({ model: "AQ-07L", firmwareVersion: "2.11.0", type: "panel" })).toBe("AQ-07L, firmware 2.11.0");
    expect(describeDevice({ type: "panel" })).toBe("panel");
    expect(describeDevice({ name: "Lobby" })).toBeUndefined();
    expect(describeDevice(undefined)).toBeUndefined();
  });
});

describe("closest names", () => {
  test("edit distance counts a transposition once", () => {
    expect(editDistance("intreval", "interval")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("realm", "relm")).toBe(1);
  });

  test("close names are found, far ones are not", () => {
    const names = ["device", "proxy", "realm", "user", "password", "stun", "registrationInterval", "h264", "transport"];
    expect(closestName("registrationIntreval", names)).toBe("registrationInterval");
    expect(closestName("REGISTRATION_INTERVAL", names)).toBe("registrationInterval");
    expect(closestName("pass", names)).toBe("password");
    expect(closestName("transprot", names)).toBe("transport");
    expect(closestName("colour", names)).toBeUndefined();
    expect(closestName("host", ["ip", "port"])).toBeUndefined();
  });
});

describe("failures as the engine prints them", () => {
  // The engine prints `property P value V` with V from the inputs by name, secrets in plain text.
  test("secret and unknown top-level names go without a property, so no value is printed", () => {
    const failures = [
      { property: "password", reason: "must be 1 to 31 characters, none of them a control character" },
      { property: "devicePassword", reason: "must be 1 to 64 characters" },
      { property: "pasword", reason: "is not an argument of SipAccount; did you mean `password`?" },
      { property: "user", reason: 'must be 1 to 31 characters, none of them a control character, got ""' },
      { property: "stun.port", reason: "is required" },
      { property: "device.pasword", reason: "is not a field of `device`; did you mean `password`?" },
    ];
    expect(engineFailures(SIP_ACCOUNT, failures)).toEqual([
      { property: "", reason: "password: must be 1 to 31 characters, none of them a control character" },
      { property: "", reason: "devicePassword: must be 1 to 64 characters" },
      { property: "", reason: "pasword: is not an argument of SipAccount; did you mean `password`?" },
      failures[3],
      failures[4],
      failures[5],
    ]);
  });

  test("the runtime's check applies it; a change marker sent by a program is refused like an output", async () => {
    await startDevice();
    const r = await main.check!({}, { device: { endpoint: dev.url }, proxy: "pbx", realm: "pbx", user: "1", stun: { ip: "s", port: 1 }, password: "p".repeat(32), pasword: "x" });
    expect(r.failures).toEqual([
      { property: "", reason: "password: must be 1 to 31 characters, none of them a control character" },
      { property: "", reason: "pasword: is not an argument of SipAccount; did you mean `password`?" },
    ]);
    const marker = await main.check!({}, { device: { endpoint: dev.url }, proxy: "pbx", realm: "pbx", user: "1", stun: { ip: "s", port: 1 }, password: "p", passwordVersion: 9 });
    expect(marker.failures).toEqual([{ property: "", reason: "passwordVersion: is an output, not an argument of SipAccount; remove it" }]);
    expect(dev.counts().total).toBe(0);
  });
});

describe("deviceInfo output", () => {
  test("create reads it once per device client, for both accounts", async () => {
    await startDevice();
    const m = await create(SIP_ACCOUNT, mainInputs(), {});
    const s = await create(SECOND_SIP_ACCOUNT, secondInputs(), {});
    const expected = { model: "AQ-07L", type: "panel", name: "Emulated BAS-IP 1", serialNumber: `EMU-${dev.port}`, firmwareVersion: "2.11.0", apiVersion: "2.x" };
    expect(m.outs.deviceInfo).toEqual(expected);
    expect(s.outs.deviceInfo).toEqual(expected);
    expect(dev.counts().info).toBe(1);
    expect(dev.requests.find((r) => r.kind === "info")?.query).toEqual({});
  });

  test("update asks nothing and keeps the description from state", async () => {
    await startDevice();
    const { outs } = await create(SIP_ACCOUNT, mainInputs(), {});
    closeAllClients();
    dev.clearRequests();
    const after = await update(SIP_ACCOUNT, outs, { ...mainInputs(), user: "1002" }, {});
    expect(after.outs.deviceInfo).toEqual(outs.deviceInfo);
    // (The third read is the main account's registration status, after the write.)
    expect(dev.counts()).toEqual({ login: 1, read: 3, write: 1, info: 0, total: 5 });
  });

  test("refresh reads it again: another family's keys", async () => {
    await startDevice();
    const { id, outs } = await create(SIP_ACCOUNT, mainInputs(), {});
    closeAllClients();
    dev.info = { model: "AV-07T", firmware: "3.4.1", serial: "X-9" };
    const r = await read(SIP_ACCOUNT, id, outs, {});
    expect(r.props.deviceInfo).toEqual({ model: "AV-07T", firmwareVersion: "3.4.1", serialNumber: "X-9" });
    expect(r.inputs).not.toHaveProperty("deviceInfo");
  });

  test("a device that tells nothing is still managed; refresh keeps what it said before", async () => {
    await startDevice({ info: { unrelated: true } });
    const { id, outs } = await create(SIP_ACCOUNT, mainInputs(), {});
    // No key at all: an `undefined` value cannot cross to the engine ("Unexpected struct type").
    expect("deviceInfo" in outs).toBe(false);
    expect(dev.main.user).toBe("1001");
    closeAllClients();
    const r = await read(SIP_ACCOUNT, id, { ...outs, deviceInfo: { model: "AQ-07L" } }, {});
    expect(r.props.deviceInfo).toEqual({ model: "AQ-07L" });
    const fresh = await read(SIP_ACCOUNT, id, outs, {});
    expect("deviceInfo" in fresh.props).toBe(false);
    const updated = await update(SIP_ACCOUNT, outs, { ...outs, user: "1002" }, {});
    expect("deviceInfo" in updated.outs).toBe(false);
  });

  test("a device echoing the admin password in its description gets it scrubbed", async () => {
    await startDevice({ info: { device_model: "AQ-07L", device_name: `panel ${ADMIN} lobby` } });
    const { outs } = await create(SIP_ACCOUNT, mainInputs(), {});
    expect(outs.deviceInfo).toEqual({ model: "AQ-07L", name: "panel [REDACTED] lobby" });
  });

  test("the probe is one unauthenticated attempt, cached even when it fails", async () => {
    await startDevice({ faults: { failNext: 0 } });
    const client = new DeviceClient({ endpoint: dev.url, username: "admin", password: ADMIN, retries: 2 });
    try {
      await dev.setDown(true);
      expect(await deviceInfoOf(client)).toBeUndefined();
      await dev.setDown(false);
      expect(await deviceInfoOf(client)).toBeUndefined();
      expect(dev.counts().total).toBe(0);
    } finally {
      client.close();
    }
  });
});

describe("a wrong account path (HTTP 404)", () => {
  test("main: names the device, the path and the argument to set, with model and firmware", async () => {
    await startDevice();
    const e = await errorOf(create(SIP_ACCOUNT, mainInputs({ mainAccountPath: "/api/v1/sip" }), {}));
    expect(e.message).toBe(
      `create (adopt) SIP account: BAS-IP device ${dev.url} (AQ-07L, firmware 2.11.0) has no SIP account at /api/v1/sip (GET answered HTTP 404); ` +
        "if your firmware serves it elsewhere, set device.mainAccountPath",
    );
    expect(dev.counts().write).toBe(0);
  });

  test("second: says BAS-IP does not publish the path and names device.secondAccountPath", async () => {
    await startDevice({ secondAccountPath: "/api/v1/device/sip/second" });
    const e = await errorOf(create(SECOND_SIP_ACCOUNT, secondInputs(), {}));
    expect(e.message).toBe(
      `create (adopt) second SIP account: BAS-IP device ${dev.url} (AQ-07L, firmware 2.11.0) has no second SIP account at /api/v1/device/sip/settings/second ` +
        "(GET answered HTTP 404); BAS-IP does not publish the second account's path: find the one your firmware serves " +
        "(see docs/reference/second-sip-account.md, The account's path) and set device.secondAccountPath",
    );
  });

  test("other device failures carry model and firmware too; unknown devices are named by endpoint alone", async () => {
    await startDevice();
    const wrong = await errorOf(create(SIP_ACCOUNT, { ...mainInputs(), devicePassword: "wrong-pw" }, {}));
    expect(wrong.message).toContain(`BAS-IP device ${dev.url} (AQ-07L, firmware 2.11.0): log in as admin failed`);
    expect(wrong.message).not.toContain("wrong-pw");
    closeAllClients();
    await startDevice({ info: {} });
    const plain = await errorOf(create(SIP_ACCOUNT, { ...mainInputs(), devicePassword: "wrong-pw" }, {}));
    expect(plain.message).toContain(`BAS-IP device ${dev.url}: log in as admin failed`);
  });
});

describe("tlsFingerprint", () => {
  let cert: TestCert;
  beforeAll(() => {
    cert = makeCert();
  });

  test("parses what openssl prints, in any case, with or without colons", () => {
    const hex = cert.fingerprint.replace(/:/g, "");
    expect(cert.opensslLine).toMatch(/^sha256 Fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    expect(fingerprintHex(cert.opensslLine)).toBe(hex);
    expect(fingerprintHex(cert.fingerprint.toLowerCase())).toBe(hex);
    expect(fingerprintHex(hex)).toBe(hex);
    expect(fingerprintHex(hex.slice(2))).toBeUndefined();
    expect(formatFingerprint(hex)).toBe(cert.fingerprint);
  });

  test("the pinned certificate is accepted, whatever its name and issuer", async () => {
    await startDevice({ tls: { key: cert.key, cert: cert.cert } });
    const { outs } = await create(SIP_ACCOUNT, mainInputs({ tlsFingerprint: cert.fingerprint.toLowerCase() }), {});
    expect(outs.deviceInfo).toMatchObject({ model: "AQ-07L" });
    expect(dev.main.user).toBe("1001");
  });

  test("without a pin or CA, the self-signed certificate is refused", async () => {
    await startDevice({ tls: { key: cert.key, cert: cert.cert } });
    const e = await errorOf(create(SIP_ACCOUNT, mainInputs(), {}));
    expect(e.message).toMatch(/self.signed certificate/i);
    expect(dev.counts().total).toBe(0);
  });

  test("another certificate is refused before any request is sent, naming expected and received", async () => {
    const other = makeCert("other.invalid");
    await startDevice({ tls: { key: other.key, cert: other.cert } });
    const client = new DeviceClient({ endpoint: dev.url, username: "admin", password: ADMIN, retries: 2, retryDelayMs: 1, tlsFingerprint: cert.fingerprint });
    try {
      const e = (await errorOf(client.login())) as DeviceError;
      // Refused at once: another certificate does not change by retrying.
      expect(e.kind).toBe("refused");
      expect(e.attempts).toBe(1);
      expect(e.message).toContain(`expected ${cert.fingerprint} (device.tlsFingerprint), received ${other.fingerprint}`);
      // Not a byte of the login (with its password hash) reached the other server.
      expect(dev.counts().total).toBe(0);
    } finally {
      client.close();
    }
  });
});
