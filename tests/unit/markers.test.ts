/**
 * Change markers (provider/schema/markers.ts) and the state-only note (provider/resources/notes.ts):
 * how `check` counts secret changes from the old inputs, that `diff` ignores the counters, that
 * refresh keeps them, and when the note says an update writes nothing.
 */
import { startEmulator, type Emulator } from "../../emulator";
import { closeAllClients } from "../../provider/client/sessions";
import { check, diff, read } from "../../provider/resources/lifecycle";
import { stateOnlyNote } from "../../provider/resources/notes";
import { main } from "../../provider/resources/runtime";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../../provider/schema/accounts";
import { markerKeys, nextVersion, withMarkers } from "../../provider/schema/markers";
import { withoutMarkers } from "../support/markers";
import { UNKNOWN } from "../../provider/schema/validate";

type Props = Record<string, unknown>;

const ENDPOINT = "http://10.0.0.21";
const news = (over: Props = {}): Props => ({
  device: { endpoint: ENDPOINT },
  devicePassword: "admin-1",
  proxy: "sip:pbx.example.com",
  realm: "pbx.example.com",
  user: "1001",
  password: "sip-1",
  stun: { ip: "stun.example.com", port: 3478 },
  ...over,
});

describe("nextVersion", () => {
  it.each([
    ["no secret: no marker", "a", 3, undefined, undefined],
    ["unknown during preview: unknown", "a", 3, UNKNOWN, UNKNOWN],
    ["first value", undefined, undefined, "a", 1],
    ["same value: the old count", "a", 4, "a", 4],
    ["new value: one more", "a", 4, "b", 5],
    ["state from before markers, same value: 1", "a", undefined, "a", 1],
    ["state from before markers, new value: 2", "a", undefined, "b", 2],
    ["a count that is no positive integer counts as 1", "a", "7", "b", 2],
    ["zero counts as 1", "a", 0, "a", 1],
  ])("%s", (_what, oldValue, oldVersion, newValue, expected) => {
    expect(nextVersion(oldValue, oldVersion, newValue)).toBe(expected);
  });
});

describe("markers in check's inputs", () => {
  it("are named after each secret input of the account", () => {
    expect(markerKeys(SIP_ACCOUNT)).toEqual(["passwordVersion", "devicePasswordVersion"]);
    expect(markerKeys(SECOND_SIP_ACCOUNT)).toEqual(["passwordVersion", "devicePasswordVersion"]);
  });

  it("a new resource starts at 1 for each secret it holds", () => {
    expect(check(SIP_ACCOUNT, news()).inputs).toMatchObject({ passwordVersion: 1, devicePasswordVersion: 1 });
    const fromStackConfig = check(SIP_ACCOUNT, news({ devicePassword: undefined })).inputs;
    expect(fromStackConfig.passwordVersion).toBe(1);
    expect("devicePasswordVersion" in fromStackConfig).toBe(false);
  });

  it("a rotation bumps only the rotated secret's marker; nothing else in the inputs changes", () => {
    const olds = check(SIP_ACCOUNT, news()).inputs;
    const rotated = check(SIP_ACCOUNT, news({ password: "sip-2" }), olds).inputs;
    expect(rotated).toEqual({ ...olds, password: "sip-2", passwordVersion: 2 });
    const admin = check(SIP_ACCOUNT, news({ password: "sip-2", devicePassword: "admin-2" }), rotated).inputs;
    expect(admin).toEqual({ ...rotated, devicePassword: "admin-2", devicePasswordVersion: 2 });
  });

  it("no change carries the markers as they are (no perpetual diff)", () => {
    const olds = { ...check(SIP_ACCOUNT, news()).inputs, passwordVersion: 7, devicePasswordVersion: 3 };
    expect(check(SIP_ACCOUNT, news(), olds).inputs).toEqual(olds);
  });

  it("are derived, never taken from the program", () => {
    const olds = check(SIP_ACCOUNT, news()).inputs;
    expect(withMarkers(SIP_ACCOUNT, olds, { ...news(), passwordVersion: 99 }).passwordVersion).toBe(1);
  });

  it("hold a count only: no part of a password reaches them", () => {
    const inputs = check(SIP_ACCOUNT, news({ password: "x" }), news({ password: "y" })).inputs;
    for (const k of markerKeys(SIP_ACCOUNT)) expect(typeof inputs[k]).toBe("number");
    // The old inputs change the markers and nothing else.
    expect(withoutMarkers(SIP_ACCOUNT, inputs)).toEqual(withoutMarkers(SIP_ACCOUNT, check(SIP_ACCOUNT, news({ password: "x" })).inputs));
    expect(Object.keys(withoutMarkers(SIP_ACCOUNT, inputs)).some((k) => k.endsWith("Version"))).toBe(false);
  });

  it("the runtime's check passes the old inputs through", async () => {
    const olds = check(SIP_ACCOUNT, news()).inputs;
    const r = await main.check!(olds, news({ password: "sip-2" }));
    expect(r.inputs?.passwordVersion).toBe(2);
  });
});

describe("diff ignores the markers (they follow the password)", () => {
  it("a marker alone is no change; the password it follows is", () => {
    const outs = check(SIP_ACCOUNT, news()).inputs;
    expect(diff(SIP_ACCOUNT, outs, { ...outs, passwordVersion: 5, devicePasswordVersion: 9 }).changes).toBe(false);
    const { passwordVersion: _p, devicePasswordVersion: _d, ...legacy } = outs;
    expect(diff(SIP_ACCOUNT, legacy, outs).changes).toBe(false);
    expect(diff(SIP_ACCOUNT, outs, check(SIP_ACCOUNT, news({ password: "sip-2" }), outs).inputs).changes).toBe(true);
  });
});

describe("refresh keeps the markers", () => {
  let emu: Emulator;
  afterEach(async () => {
    closeAllClients();
    await emu?.stop();
  });

  it("read returns them in props and inputs, with the device's values for the fields", async () => {
    emu = await startEmulator({ port: 0 });
    const dev = emu.device();
    const props = { ...check(SIP_ACCOUNT, news({ device: { endpoint: dev.url }, devicePassword: "123456" })).inputs, passwordVersion: 4, devicePasswordVersion: 2 };
    dev.main.user = "drifted";
    const r = await read(SIP_ACCOUNT, `${dev.url}#sip-account`, props, {});
    expect(r.props).toMatchObject({ passwordVersion: 4, devicePasswordVersion: 2, user: "drifted" });
    // deviceInfo and registration are outputs only: refresh reads them into props, never into inputs.
    const { deviceInfo, registration: _registration, ...rest } = r.props;
    expect(deviceInfo).toMatchObject({ model: "AQ-07L" });
    expect(r.inputs).toEqual(rest);
  });
});

describe("stateOnlyNote", () => {
  const id = `${ENDPOINT}#sip-account`;
  const outs = check(SIP_ACCOUNT, news({ registrationInterval: 300 })).inputs;
  const noteFor = (next: Props) => {
    const inputs = check(SIP_ACCOUNT, next, outs).inputs;
    return stateOnlyNote(SIP_ACCOUNT, id, outs, inputs, diff(SIP_ACCOUNT, outs, inputs));
  };

  it("says an admin password change writes nothing to the device", () => {
    expect(noteFor(news({ registrationInterval: 300, devicePassword: "admin-2" }))).toBe(
      `basip: ${id}: devicePassword changed (used to reach the device, never written to it); nothing is written to the device, the update changes the stack's state only`,
    );
  });

  it("names other connection settings and unmanaged fields", () => {
    expect(noteFor(news({ device: { endpoint: ENDPOINT, timeoutMs: 5000 } }))).toBe(
      `basip: ${id}: device.timeoutMs changed (used to reach the device, never written to it); registrationInterval no longer managed (the device keeps its value); nothing is written to the device, the update changes the stack's state only`,
    );
  });

  it("is silent when the update writes, replaces or nothing changed", () => {
    expect(noteFor(news({ registrationInterval: 300 }))).toBeUndefined();
    expect(noteFor(news({ registrationInterval: 300, password: "sip-2" }))).toBeUndefined();
    expect(noteFor(news({ registrationInterval: 600, devicePassword: "admin-2" }))).toBeUndefined();
    expect(noteFor(news({ registrationInterval: 300, device: { endpoint: "http://10.0.0.22" } }))).toBeUndefined();
  });
});
