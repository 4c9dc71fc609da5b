/**
 * The public validation entry points (`basip.validateSipAccount`, `basip.validateSecondSipAccount`):
 * the resources' own rules, usable before any resource exists, with fields left for later.
 */
import * as basip from "pulumi-basip";

const device = { endpoint: "http://10.0.0.21" };
const main = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", stun: { ip: "stun.example.com", port: 3478 } };

test("a main account without its password passes when the password is ignored, defaults applied, password absent", () => {
  const r = basip.validateSipAccount({ device, ...main }, { ignore: ["password"] });
  expect(r).toEqual({ ok: true, value: { device, ...main, h264: 102 } });
});

test("without ignore, the password is required and checked", () => {
  expect(basip.validateSipAccount({ device, ...main })).toEqual({ ok: false, problems: [{ field: "password", reason: "is required" }] });
  const placeholder = basip.validateSipAccount({ device, ...main, password: basip.WEB_PASS });
  expect(placeholder.ok).toBe(false);
});

test("every problem at once, with the field path and the rule; an ignored field given anyway is dropped, not checked", () => {
  const r = basip.validateSecondSipAccount(
    { device: { endpoint: "ftp://x", timeoutMs: 5 }, proxy: "pbx", realm: "pbx.example.com", user: "1", registrationInterval: 10, password: "x" },
    { ignore: ["password"] },
  );
  expect(r.ok).toBe(false);
  const fields = r.ok ? [] : r.problems.map((p) => p.field);
  expect(fields.sort()).toEqual(["device.endpoint", "device.timeoutMs", "proxy", "registrationInterval"]);
  expect(r.ok ? "" : r.problems.find((p) => p.field === "proxy")?.reason).toBe('must be sip: followed by an IPv4 address or DNS name with an optional :port, got "pbx"');
});

test("the field lists the inventory checks keys against", () => {
  expect(basip.ACCOUNT_FIELDS.main).toEqual(["proxy", "realm", "user", "password", "stun", "registrationInterval", "h264", "transport", "enabled", "waitForRegistration"]);
  expect(basip.ACCOUNT_FIELDS.second).toEqual(["proxy", "realm", "user", "password", "transport", "userId", "registrationInterval", "outbound"]);
  expect(basip.DEVICE_CONNECTION_FIELDS).toEqual(["username", "insecureSkipVerify", "caCertificate", "tlsFingerprint", "timeoutMs", "retries", "mainAccountPath", "secondAccountPath"]);
});

test("the main account's rule across fields holds here too: no waiting for a switched-off account", () => {
  const r = basip.validateSipAccount({ device, ...main, enabled: false, waitForRegistration: 30 }, { ignore: ["password"] });
  expect(r).toEqual({ ok: false, problems: [{ field: "waitForRegistration", reason: "must be 0 when enabled is false (a disabled SIP account never registers)" }] });
  expect(basip.validateSipAccount({ device, ...main, enabled: true, waitForRegistration: 30 }, { ignore: ["password"] }).ok).toBe(true);
});
