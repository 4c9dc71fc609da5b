/**
 * Tests of the input schema: field rules and their messages (`rules.ts`, `device.ts`), the reporter
 * (`report.ts`), `validateAccountInputs` (`validate.ts`), the camelCase/snake_case mapping and the
 * device error envelopes.
 *
 * Expected messages are written out from the rule texts, not taken from the code under test, so a
 * changed or wrong message fails here.
 */
import * as E from "fp-ts/Either";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT, type AccountSchema } from "../../provider/schema/accounts";
import { parseFault } from "../../provider/schema/envelopes";
import { argOfWire, fromWire, toWire } from "../../provider/schema/mapping";
import { formatFailures, type FieldFailure } from "../../provider/schema/report";
import { isSecretName } from "../../provider/schema/redaction";
import { UNKNOWN, validateAccountInputs } from "../../provider/schema/validate";

// ---- inputs -----------------------------------------------------------------------------------------

type Account = "main" | "second";
type Inputs = Record<string, unknown>;

const SCHEMAS: Record<Account, AccountSchema> = { main: SIP_ACCOUNT, second: SECOND_SIP_ACCOUNT };

const DEVICE = { endpoint: "http://10.0.0.21" };
const ADMIN_PASSWORD = "adm1n-Pw";
const MAIN_PASSWORD = "s3cret-Main";
const SECOND_PASSWORD = "s3cret-Second";

/** Known-good main account inputs (every field set). */
const MAIN_BASE: Inputs = {
  device: DEVICE,
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:sip.bas-ip.com",
  realm: "sip.bas-ip.com",
  user: "101",
  password: MAIN_PASSWORD,
  stun: { ip: "stun.l.google.com", port: 19302 },
  registrationInterval: 300,
  h264: 102,
  transport: "udp",
};

/** Known-good second account inputs (every field set). */
const SECOND_BASE: Inputs = {
  device: DEVICE,
  devicePassword: ADMIN_PASSWORD,
  proxy: "sip:sip.bas-ip.com",
  realm: "sip.bas-ip.com",
  user: "102",
  password: SECOND_PASSWORD,
  transport: "tcp",
  userId: "user126",
  registrationInterval: 60,
  outbound: "sip.bas-ip.com",
};

const BASES: Record<Account, Inputs> = { main: MAIN_BASE, second: SECOND_BASE };

/** The base input of `account` with `patch` applied; a patch value of `undefined` removes the key. */
function inputOf(account: Account, patch: Inputs): Inputs {
  const input: Inputs = { ...BASES[account], ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete input[k];
  return input;
}

/** The device connection with some fields changed. */
const dev = (extra: Inputs): Inputs => ({ ...DEVICE, ...extra });

function failuresOf(account: Account, patch: Inputs): FieldFailure[] {
  const result = validateAccountInputs(SCHEMAS[account], inputOf(account, patch));
  return E.isLeft(result) ? result.left : [];
}

function acceptedOf(account: Account, patch: Inputs): Inputs {
  const result = validateAccountInputs(SCHEMAS[account], inputOf(account, patch));
  if (E.isLeft(result)) throw new Error(`expected ${account} input to pass, got:\n${formatFailures(result.left)}`);
  return result.right;
}

// ---- the rule texts, written out ------------------------------------------------------------------

const CHARS = "letters, digits, space and ~`!@#$%^&*()_-+={[}]|\"<,>.?/;";
/** Spec 000 sets no character rule for the main account; refusing control characters is ours (docs/reference/sip-account.md). */
const MAIN_TEXT = "must be 1 to 31 characters, none of them a control character";
const USER = `must be 1 to 31 characters from: ${CHARS}`;
const USER_ID = `must be 0 to 31 characters from: ${CHARS}`;
const MAIN_PW = MAIN_TEXT;
const SECOND_PW = `must be 6 to 31 characters from: ${CHARS}`;
const WEBPASS = 'must not be "WebPass": that is the placeholder devices answer instead of the real password';
const NOT_STRING = "must be a string";
const HOST = "must be an IPv4 address or DNS name without a port";
const HOST_PORT = "must be an IPv4 address or DNS name with an optional :port";
const OPTIONAL_HOST_PORT = 'must be "" or an IPv4 address or DNS name with an optional :port';
const MAIN_PROXY = "must be an IPv4 address or DNS name with an optional sip: prefix and :port";
const SIP_URI_PROXY = "must be sip: followed by an IPv4 address or DNS name with an optional :port";
const TRANSPORT = 'must be one of "udp", "tcp", "tls"';
const ENDPOINT = "must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only)";
const API_PATH = "must be an absolute path such as /api/v1/device/sip/settings";
const ADMIN_PW = "must be 1 to 64 characters without control characters";
const REQUIRED = "is required";
const integer = (min: number, max: number) => `must be an integer from ${min} to ${max}`;
const number = (min: number, max: number) => `must be a number from ${min} to ${max}`;
const FINGERPRINT = "must be a SHA-256 fingerprint, 64 hex digits with or without colons, as `openssl x509 -noout -fingerprint -sha256` prints it";
const unknownArg = (type: string, hint: string) => `is not an argument of ${type}; ${hint}`;
const unknownIn = (owner: string, hint: string) => `is not a field of \`${owner}\`; ${hint}`;
const SECOND_NAMES = "valid names: device, proxy, realm, user, password, transport, userId, registrationInterval, outbound";
const meant = (name: string) => `did you mean \`${name}\`?`;
/** A non-secret field's message: the rule, then the rejected value as JSON. */
const got = (rule: string, value: unknown) => `${rule}, got ${JSON.stringify(value)}`;

const S31 = "a".repeat(31);
const S32 = "a".repeat(32);
const PW32 = "Sup3r-Secret-Sup3r-Secret-Sup3r!";
const PW5 = "Se5r!";
/** A DNS name of exactly 253 characters (the longest allowed) and one of 254. */
const NAME253 = [..."abc"].map((c) => c.repeat(63)).join(".") + "." + "d".repeat(61);
const NAME254 = NAME253 + "d";

// ---- 1. bad inputs ----------------------------------------------------------------------------------

interface Row {
  readonly name: string;
  readonly account: Account;
  readonly patch: Inputs;
  readonly property: string;
  readonly reason: string;
}

const row = (account: Account, name: string, patch: Inputs, property: string, reason: string): Row => ({ account, name, patch, property, reason });

const BAD: Row[] = [
  // device connection
  row("main", "device missing", { device: undefined }, "device", REQUIRED),
  row("main", "device.endpoint missing", { device: {} }, "device.endpoint", REQUIRED),
  row("main", "endpoint ftp://x", { device: dev({ endpoint: "ftp://x" }) }, "device.endpoint", got(ENDPOINT, "ftp://x")),
  row("main", "endpoint with credentials", { device: dev({ endpoint: "http://u:p@host" }) }, "device.endpoint", got(ENDPOINT, "http://[REDACTED]@host")),
  row("second", "endpoint not a url", { device: dev({ endpoint: "not a url" }) }, "device.endpoint", got(ENDPOINT, "not a url")),
  row("second", "endpoint with a query", { device: dev({ endpoint: "http://10.0.0.21/?a=1" }) }, "device.endpoint", got(ENDPOINT, "http://10.0.0.21/?a=1")),
  row("main", "endpoint with a fragment", { device: dev({ endpoint: "https://10.0.0.21#x" }) }, "device.endpoint", got(ENDPOINT, "https://10.0.0.21#x")),
  row("main", "endpoint a number", { device: dev({ endpoint: 80 }) }, "device.endpoint", got(ENDPOINT, 80)),
  row("main", "timeoutMs 99", { device: dev({ timeoutMs: 99 }) }, "device.timeoutMs", got(integer(100, 600000), 99)),
  row("second", "timeoutMs 600001", { device: dev({ timeoutMs: 600001 }) }, "device.timeoutMs", got(integer(100, 600000), 600001)),
  row("main", "retries 11", { device: dev({ retries: 11 }) }, "device.retries", got(integer(0, 10), 11)),
  row("second", "retries -1", { device: dev({ retries: -1 }) }, "device.retries", got(integer(0, 10), -1)),
  row("second", "retries 1.5", { device: dev({ retries: 1.5 }) }, "device.retries", got(integer(0, 10), 1.5)),
  row("second", "secondAccountPath without leading slash", { device: dev({ secondAccountPath: "api/v1/second" }) }, "device.secondAccountPath", got(API_PATH, "api/v1/second")),
  row("main", "mainAccountPath with a space", { device: dev({ mainAccountPath: "/api v1" }) }, "device.mainAccountPath", got(API_PATH, "/api v1")),
  row("main", "username empty", { device: dev({ username: "" }) }, "device.username", got("must be 1 to 50 characters without control characters", "")),
  row("second", "username 51 chars", { device: dev({ username: "u".repeat(51) }) }, "device.username", got("must be 1 to 50 characters without control characters", "u".repeat(51))),
  row("main", "caCertificate not PEM", { device: dev({ caCertificate: "abc" }) }, "device.caCertificate", got("must be a PEM certificate of at most 65536 characters", "abc")),
  row("main", "insecureSkipVerify a string", { device: dev({ insecureSkipVerify: "yes" }) }, "device.insecureSkipVerify", got("must be true or false", "yes")),
  row("main", "devicePassword empty", { devicePassword: "" }, "devicePassword", ADMIN_PW),
  row("second", "devicePassword 65 chars", { devicePassword: "P".repeat(65) }, "devicePassword", ADMIN_PW),
  row("second", "devicePassword a number", { devicePassword: 1234 }, "devicePassword", ADMIN_PW),

  // main account: required fields
  row("main", "proxy missing", { proxy: undefined }, "proxy", REQUIRED),
  row("main", "realm missing", { realm: undefined }, "realm", REQUIRED),
  row("main", "user missing", { user: undefined }, "user", REQUIRED),
  row("main", "password missing", { password: undefined }, "password", REQUIRED),
  row("main", "stun missing", { stun: undefined }, "stun", REQUIRED),
  row("main", "stun.ip missing", { stun: { port: 3478 } }, "stun.ip", REQUIRED),
  row("main", "stun.port missing", { stun: { ip: "stun.l.google.com" } }, "stun.port", REQUIRED),
  // main account: proxy
  row("main", "proxy with a space", { proxy: "pbx example.com" }, "proxy", got(MAIN_PROXY, "pbx example.com")),
  row("main", "proxy sip: alone", { proxy: "sip:" }, "proxy", got(MAIN_PROXY, "sip:")),
  row("main", "proxy sips: scheme", { proxy: "sips:pbx.example.com" }, "proxy", got(MAIN_PROXY, "sips:pbx.example.com")),
  row("main", "proxy port 0", { proxy: "sip:1.2.3.4:0" }, "proxy", got(MAIN_PROXY, "sip:1.2.3.4:0")),
  row("main", "proxy port 65536", { proxy: "pbx.example.com:65536" }, "proxy", got(MAIN_PROXY, "pbx.example.com:65536")),
  row("main", "proxy a number", { proxy: 42 }, "proxy", got(MAIN_PROXY, 42)),
  // main account: realm
  row("main", "realm empty", { realm: "" }, "realm", got(HOST_PORT, "")),
  row("main", "realm 1.2.3.256", { realm: "1.2.3.256" }, "realm", got(HOST_PORT, "1.2.3.256")),
  row("main", "realm with a space", { realm: "pbx example.com" }, "realm", got(HOST_PORT, "pbx example.com")),
  row("main", "realm port 0", { realm: "pbx.example.com:0" }, "realm", got(HOST_PORT, "pbx.example.com:0")),
  row("main", "realm port 65536", { realm: "10.0.0.1:65536" }, "realm", got(HOST_PORT, "10.0.0.1:65536")),
  row("main", "realm with sip: scheme", { realm: "sip:pbx.example.com" }, "realm", got(HOST_PORT, "sip:pbx.example.com")),
  row("main", "realm label ending in -", { realm: "pbx-.example.com" }, "realm", got(HOST_PORT, "pbx-.example.com")),
  row("main", "realm label of 64 chars", { realm: `${"l".repeat(64)}.com` }, "realm", `${HOST_PORT}, got "${"l".repeat(64)}.com"`),
  row("main", "realm of 254 chars (value shown cut to 80)", { realm: NAME254 }, "realm", `${HOST_PORT}, got "${"a".repeat(63)}.${"b".repeat(12)}...`),
  row("main", "realm three octets", { realm: "1.2.3" }, "realm", got(HOST_PORT, "1.2.3")),
  row("main", "realm all-digit last label", { realm: "example.123" }, "realm", got(HOST_PORT, "example.123")),
  row("main", "realm empty port", { realm: "pbx.example.com:" }, "realm", got(HOST_PORT, "pbx.example.com:")),
  row("main", "proxy sip:1.2.3.256", { proxy: "sip:1.2.3.256" }, "proxy", got(MAIN_PROXY, "sip:1.2.3.256")),
  // main account: user
  row("main", "user empty", { user: "" }, "user", got(MAIN_TEXT, "")),
  row("main", "user 32 chars", { user: S32 }, "user", got(MAIN_TEXT, S32)),
  row("main", "user 32 characters, 31 of them non-ASCII", { user: `${"ü".repeat(31)}x` }, "user", got(MAIN_TEXT, `${"ü".repeat(31)}x`)),
  row("main", "user with a tab (control character: our deviation)", { user: "a\tb" }, "user", got(MAIN_TEXT, "a\tb")),
  row("main", "user with a newline", { user: "101\n" }, "user", got(MAIN_TEXT, "101\n")),
  row("main", "user with a C1 control (NEL)", { user: "101\u0085" }, "user", got(MAIN_TEXT, "101\u0085")),
  row("main", "user with a line separator", { user: "101\u2028" }, "user", got(MAIN_TEXT, "101\u2028")),
  row("main", "user a number", { user: 101 }, "user", got(MAIN_TEXT, 101)),
  // main account: password (never echoed)
  row("main", "password WebPass", { password: "WebPass" }, "password", WEBPASS),
  row("main", "password 32 chars", { password: PW32 }, "password", MAIN_PW),
  row("main", "password empty", { password: "" }, "password", MAIN_PW),
  row("main", "password with a NUL", { password: "pass\u0000word" }, "password", MAIN_PW),
  row("main", "password with DEL", { password: "pass\u007fword" }, "password", MAIN_PW),
  row("main", "password with a C1 control", { password: "pass\u009bword" }, "password", MAIN_PW),
  row("main", "password a number", { password: 987654 }, "password", NOT_STRING),
  // main account: stun
  row("main", "stun a string", { stun: "stun.l.google.com:19302" }, "stun", got("must be an object with ip, port", "stun.l.google.com:19302")),
  row("main", "stun ip with a port", { stun: { ip: "1.2.3.4:3478", port: 3478 } }, "stun.ip", got(HOST, "1.2.3.4:3478")),
  row("main", "stun ip 1.2.3.256", { stun: { ip: "1.2.3.256", port: 3478 } }, "stun.ip", got(HOST, "1.2.3.256")),
  row("main", "stun ip empty", { stun: { ip: "", port: 3478 } }, "stun.ip", got(HOST, "")),
  row("main", "stun port 0", { stun: { ip: "1.2.3.4", port: 0 } }, "stun.port", got(integer(1, 65535), 0)),
  row("main", "stun port 65536", { stun: { ip: "1.2.3.4", port: 65536 } }, "stun.port", got(integer(1, 65535), 65536)),
  row("main", "stun port 1.5", { stun: { ip: "1.2.3.4", port: 1.5 } }, "stun.port", got(integer(1, 65535), 1.5)),
  row("main", "stun port a string", { stun: { ip: "1.2.3.4", port: "3478" } }, "stun.port", got(integer(1, 65535), "3478")),
  // main account: optional fields
  row("main", "registrationInterval 29", { registrationInterval: 29 }, "registrationInterval", got(number(30, 900), 29)),
  row("main", "registrationInterval 29.5", { registrationInterval: 29.5 }, "registrationInterval", got(number(30, 900), 29.5)),
  row("main", "registrationInterval 901", { registrationInterval: 901 }, "registrationInterval", got(number(30, 900), 901)),
  row("main", "registrationInterval 900.5", { registrationInterval: 900.5 }, "registrationInterval", got(number(30, 900), 900.5)),
  row("main", 'registrationInterval "300"', { registrationInterval: "300" }, "registrationInterval", got(number(30, 900), "300")),
  row("main", "h264 98", { h264: 98 }, "h264", got(integer(99, 127), 98)),
  row("main", "h264 128", { h264: 128 }, "h264", got(integer(99, 127), 128)),
  row("main", 'h264 "102"', { h264: "102" }, "h264", got(integer(99, 127), "102")),
  row("main", "transport UDP", { transport: "UDP" }, "transport", got(TRANSPORT, "UDP")),
  row("main", "transport sctp", { transport: "sctp" }, "transport", got(TRANSPORT, "sctp")),
  row("main", 'enabled "yes"', { enabled: "yes" }, "enabled", got("must be true or false", "yes")),
  row("main", "enabled 1", { enabled: 1 }, "enabled", got("must be true or false", 1)),
  row("main", "waitForRegistration -1", { waitForRegistration: -1 }, "waitForRegistration", got(integer(0, 600), -1)),
  row("main", "waitForRegistration 601", { waitForRegistration: 601 }, "waitForRegistration", got(integer(0, 600), 601)),
  row("main", "waitForRegistration 1.5", { waitForRegistration: 1.5 }, "waitForRegistration", got(integer(0, 600), 1.5)),

  // second account: required fields
  row("second", "proxy missing", { proxy: undefined }, "proxy", REQUIRED),
  row("second", "realm missing", { realm: undefined }, "realm", REQUIRED),
  row("second", "user missing", { user: undefined }, "user", REQUIRED),
  row("second", "password missing", { password: undefined }, "password", REQUIRED),
  // second account: proxy
  row("second", "proxy without sip:", { proxy: "sip.bas-ip.com" }, "proxy", got(SIP_URI_PROXY, "sip.bas-ip.com")),
  row("second", "proxy bare IPv4", { proxy: "192.168.1.10" }, "proxy", got(SIP_URI_PROXY, "192.168.1.10")),
  row("second", "proxy with a space", { proxy: "sip:pbx example.com" }, "proxy", got(SIP_URI_PROXY, "sip:pbx example.com")),
  row("second", "proxy port 65536", { proxy: "sip:1.2.3.4:65536" }, "proxy", got(SIP_URI_PROXY, "sip:1.2.3.4:65536")),
  row("second", "proxy 1.2.3.256", { proxy: "sip:1.2.3.256" }, "proxy", got(SIP_URI_PROXY, "sip:1.2.3.256")),
  // second account: realm, user
  row("second", "realm port 0", { realm: "1.2.3.4:0" }, "realm", got(HOST_PORT, "1.2.3.4:0")),
  row("second", "realm empty", { realm: "" }, "realm", got(HOST_PORT, "")),
  row("second", "user with :", { user: "a:b" }, "user", got(USER, "a:b")),
  row("second", "user 32 chars", { user: S32 }, "user", got(USER, S32)),
  // second account: password (never echoed)
  row("second", "password WebPass", { password: "WebPass" }, "password", WEBPASS),
  row("second", "password 5 chars", { password: PW5 }, "password", SECOND_PW),
  row("second", "password 32 chars", { password: PW32 }, "password", SECOND_PW),
  row("second", "password with \\", { password: "pass\\word" }, "password", SECOND_PW),
  row("second", "password a number", { password: 12345678 }, "password", NOT_STRING),
  // second account: optional fields
  row("second", "userId 32 chars", { userId: S32 }, "userId", got(USER_ID, S32)),
  row("second", "userId with '", { userId: "user'126" }, "userId", got(USER_ID, "user'126")),
  row("second", "userId a number", { userId: 126 }, "userId", got(USER_ID, 126)),
  row("second", "outbound with a space", { outbound: "pbx example.com" }, "outbound", got(OPTIONAL_HOST_PORT, "pbx example.com")),
  row("second", "outbound port 0", { outbound: "pbx.example.com:0" }, "outbound", got(OPTIONAL_HOST_PORT, "pbx.example.com:0")),
  row("second", "outbound 999.1.1.1", { outbound: "999.1.1.1" }, "outbound", got(OPTIONAL_HOST_PORT, "999.1.1.1")),
  row("second", "outbound with sip: scheme", { outbound: "sip:1.2.3.4" }, "outbound", got(OPTIONAL_HOST_PORT, "sip:1.2.3.4")),
  row("second", "registrationInterval 10", { registrationInterval: 10 }, "registrationInterval", got(integer(30, 900), 10)),
  row("second", "registrationInterval 901", { registrationInterval: 901 }, "registrationInterval", got(integer(30, 900), 901)),
  row("second", "registrationInterval 30.5 (spec 002: integer)", { registrationInterval: 30.5 }, "registrationInterval", got(integer(30, 900), 30.5)),
  row("second", "user with ' (spec 002 character set)", { user: "o'brien" }, "user", got(USER, "o'brien")),
  row("second", "password with ' (spec 002 character set)", { password: "pass'word" }, "password", SECOND_PW),
  row("second", "transport UDP", { transport: "UDP" }, "transport", got(TRANSPORT, "UDP")),
  row("second", "transport a number", { transport: 1 }, "transport", got(TRANSPORT, 1)),

  // unknown properties: named, with the closest valid name (a JavaScript program has no type checker)
  row("main", "registrationIntreval (transposed letters)", { registrationIntreval: 60 }, "registrationIntreval", unknownArg("SipAccount", meant("registrationInterval"))),
  row("second", "registrationIntreval (transposed letters)", { registrationIntreval: 60 }, "registrationIntreval", unknownArg("SecondSipAccount", meant("registrationInterval"))),
  row("main", "registration_interval (the device's key)", { registration_interval: 60 }, "registration_interval", unknownArg("SipAccount", meant("registrationInterval"))),
  row("second", "user_id (the device's key)", { user_id: "u1" }, "user_id", unknownArg("SecondSipAccount", meant("userId"))),
  row("main", "H264 (wrong case)", { H264: 102 }, "H264", unknownArg("SipAccount", meant("h264"))),
  row("main", "pasword (value never echoed)", { pasword: "s3cret-typo" }, "pasword", unknownArg("SipAccount", meant("password"))),
  row("main", "relm", { relm: "pbx.example.com" }, "relm", unknownArg("SipAccount", meant("realm"))),
  row("main", "userId on the main account", { userId: "u1" }, "userId", unknownArg("SipAccount", meant("user"))),
  row("second", "stun on the second account (nothing close)", { stun: { ip: "1.2.3.4", port: 3478 } }, "stun", unknownArg("SecondSipAccount", SECOND_NAMES)),
  row("second", "h264 on the second account", { h264: 102 }, "h264", unknownArg("SecondSipAccount", SECOND_NAMES)),
  row("main", "an unrelated name", { colour: "blue" }, "colour",
    unknownArg("SipAccount", "valid names: device, proxy, realm, user, password, stun, registrationInterval, h264, transport, enabled, waitForRegistration")),
  row("main", "deviceInfo is an output", { deviceInfo: { model: "x" } }, "deviceInfo", "is an output, not an argument of SipAccount; remove it"),
  row("main", "device.timeout", { device: dev({ timeout: 5000 }) }, "device.timeout", unknownIn("device", meant("timeoutMs"))),
  row("second", "device.secondAcountPath", { device: dev({ secondAcountPath: "/x" }) }, "device.secondAcountPath", unknownIn("device", meant("secondAccountPath"))),
  row("main", "device.pasword", { device: dev({ pasword: "x" }) }, "device.pasword", unknownIn("device", meant("password"))),
  row("main", "device.insecure", { device: dev({ insecure: true }) }, "device.insecure", unknownIn("device", meant("insecureSkipVerify"))),
  row("main", "stun.prot", { stun: { ip: "1.2.3.4", port: 3478, prot: 3478 } }, "stun.prot", unknownIn("stun", meant("port"))),
  row("main", "stun.host", { stun: { ip: "1.2.3.4", port: 3478, host: "x" } }, "stun.host", unknownIn("stun", "valid names: ip, port")),

  // device.tlsFingerprint
  row("main", "tlsFingerprint too short", { device: dev({ endpoint: "https://10.0.0.21", tlsFingerprint: "AB:CD" }) }, "device.tlsFingerprint", got(FINGERPRINT, "AB:CD")),
  row("main", "tlsFingerprint SHA-1 length", { device: dev({ endpoint: "https://10.0.0.21", tlsFingerprint: "a".repeat(40) }) }, "device.tlsFingerprint", got(FINGERPRINT, "a".repeat(40))),
  row("second", "tlsFingerprint not hex", { device: dev({ endpoint: "https://10.0.0.21", tlsFingerprint: "Z".repeat(64) }) }, "device.tlsFingerprint", got(FINGERPRINT, "Z".repeat(64))),
  row("main", "tlsFingerprint on http://", { device: dev({ tlsFingerprint: "ab".repeat(32) }) }, "device.tlsFingerprint", "applies to https:// endpoints only; this endpoint is http://"),
];

describe("bad inputs: one failure, with the field's exact rule", () => {
  test("the table is large and touches every field of both accounts and the device", () => {
    expect(BAD.length).toBeGreaterThanOrEqual(60);
    const fieldsHit = (account: Account) => new Set(BAD.filter((r) => r.account === account).map((r) => r.property.split(".")[0]));
    for (const account of ["main", "second"] as const) {
      const schema = SCHEMAS[account];
      for (const field of [...Object.keys(schema.required), ...Object.keys(schema.optional)]) expect(fieldsHit(account)).toContain(field);
    }
    const deviceFields = new Set(BAD.map((r) => r.property).filter((p) => p.startsWith("device.")));
    for (const f of ["endpoint", "username", "insecureSkipVerify", "caCertificate", "tlsFingerprint", "timeoutMs", "retries", "mainAccountPath", "secondAccountPath"]) {
      expect(deviceFields).toContain(`device.${f}`);
    }
  });

  test.each(BAD)("$account: $name", ({ account, patch, property, reason }) => {
    expect(failuresOf(account, patch)).toEqual([{ property, reason }]);
  });

  test("several bad fields give one failure per field", () => {
    const failures = failuresOf("main", {
      device: dev({ retries: 11 }),
      user: "",
      password: "WebPass",
      stun: { ip: "1.2.3.4", port: 0 },
      registrationInterval: 10,
      h264: 98,
      transport: "UDP",
    });
    const byProperty = (a: FieldFailure, b: FieldFailure) => a.property.localeCompare(b.property);
    expect([...failures].sort(byProperty)).toEqual(
      [
        { property: "device.retries", reason: got(integer(0, 10), 11) },
        { property: "user", reason: got(MAIN_TEXT, "") },
        { property: "password", reason: WEBPASS },
        { property: "stun.port", reason: got(integer(1, 65535), 0) },
        { property: "registrationInterval", reason: got(number(30, 900), 10) },
        { property: "h264", reason: got(integer(99, 127), 98) },
        { property: "transport", reason: got(TRANSPORT, "UDP") },
      ].sort(byProperty),
    );
  });

  test("several bad fields of the second account, required ones missing included", () => {
    const failures = failuresOf("second", { proxy: "pbx.example.com", realm: undefined, password: PW5, userId: S32, outbound: "a b" });
    expect(failures).toHaveLength(5);
    expect(new Set(failures.map((f) => f.property))).toEqual(new Set(["proxy", "realm", "password", "userId", "outbound"]));
    expect(failures.find((f) => f.property === "realm")?.reason).toBe(REQUIRED);
  });

  test("an empty stun object fails once for each of its fields", () => {
    expect(failuresOf("main", { stun: {} })).toEqual([
      { property: "stun.ip", reason: REQUIRED },
      { property: "stun.port", reason: REQUIRED },
    ]);
  });

  test("formatFailures prints `property: reason` lines", () => {
    const failures = failuresOf("main", { registrationInterval: 10, h264: 128 });
    expect(formatFailures(failures)).toBe(
      ["registrationInterval: must be a number from 30 to 900, got 10", "h264: must be an integer from 99 to 127, got 128"].join("\n"),
    );
    expect(formatFailures([])).toBe("");
  });
});

// ---- 3. good inputs ---------------------------------------------------------------------------------

const GOOD: Array<[Account, string, Inputs]> = [
  ["main", "base", {}],
  ["second", "base", {}],
  ["main", "required fields only", { registrationInterval: undefined, h264: undefined, transport: undefined, devicePassword: undefined }],
  ["second", "required fields only", { transport: undefined, userId: undefined, registrationInterval: undefined, outbound: undefined, devicePassword: undefined }],
  ["main", "user of 1 char", { user: "1" }],
  ["main", "user of 31 chars", { user: S31 }],
  ["second", "user of 1 char", { user: "x" }],
  ["second", "user of 31 chars", { user: S31 }],
  ["main", "user of every allowed symbol", { user: "a ~`!@#$%^&*()_-+={[}]|\"<,>.?/;" }],
  ["main", "user with ', \\ and : (spec 000: no character rule)", { user: "o'brien\\101:1" }],
  ["main", "user of 31 non-ASCII characters", { user: "ü".repeat(31) }],
  ["main", "password with :, ' and \\", { password: "pa:ss'word\\" }],
  ["main", "password of 31 characters with :, ' and \\", { password: `${":'\\".repeat(10)}x` }],
  ["main", "password of 1 character, a backslash", { password: "\\" }],
  ["main", "registrationInterval 30.5 (spec 000: number)", { registrationInterval: 30.5 }],
  ["main", "registrationInterval 899.99", { registrationInterval: 899.99 }],
  ["main", "tlsFingerprint as openssl prints it", { device: dev({ endpoint: "https://10.0.0.21", tlsFingerprint: `sha256 Fingerprint=${Array(32).fill("AB").join(":")}` }) }],
  ["second", "tlsFingerprint lower case without colons", { device: dev({ endpoint: "https://10.0.0.21", tlsFingerprint: "ab".repeat(32) }) }],
  ["main", "__provider (added by the host)", { __provider: "exports.handler = ..." }],
  ["main", "an unknown key left undefined", { registrationIntreval: undefined }],
  ["main", "password of 1 char", { password: "p" }],
  ["main", "password of 31 chars", { password: PW32.slice(0, 31) }],
  ["second", "password of 6 chars", { password: "123ab6" }],
  ["second", "password of 31 chars", { password: PW32.slice(0, 31) }],
  ["second", "password of allowed symbols", { password: "~`!@#$%^&*()_-+={[}]|\"<,>.?/; " }],
  ["second", 'userId ""', { userId: "" }],
  ["second", "userId of 31 chars", { userId: S31 }],
  ["main", "registrationInterval 30", { registrationInterval: 30 }],
  ["main", "registrationInterval 900", { registrationInterval: 900 }],
  ["second", "registrationInterval 30", { registrationInterval: 30 }],
  ["second", "registrationInterval 900", { registrationInterval: 900 }],
  ["main", "h264 99", { h264: 99 }],
  ["main", "h264 127", { h264: 127 }],
  ["main", "stun port 1", { stun: { ip: "1.2.3.4", port: 1 } }],
  ["main", "stun port 65535", { stun: { ip: "255.255.255.255", port: 65535 } }],
  ["main", "stun ip single label", { stun: { ip: "stun", port: 3478 } }],
  ["main", "proxy sip:1.2.3.4:5060", { proxy: "sip:1.2.3.4:5060" }],
  ["main", "proxy pbx.example.com", { proxy: "pbx.example.com" }],
  ["main", "proxy sip:localhost", { proxy: "sip:localhost" }],
  ["main", "proxy bare IPv4", { proxy: "192.168.1.10" }],
  ["main", "proxy localhost:65535", { proxy: "localhost:65535" }],
  ["second", "proxy sip:1.2.3.4:5060", { proxy: "sip:1.2.3.4:5060" }],
  ["second", "proxy sip:localhost", { proxy: "sip:localhost" }],
  ["second", "proxy sip:pbx_1.example.com:1", { proxy: "sip:pbx_1.example.com:1" }],
  ["main", "realm with port", { realm: "10.0.0.1:5060" }],
  ["second", "realm single label", { realm: "localhost" }],
  ["main", "realm of 253 chars", { realm: NAME253 }],
  ["main", "realm with all-digit inner labels", { realm: "10.20.pbx.example" }],
  ["main", "stun ip name starting with digits", { stun: { ip: "123.example.com", port: 3478 } }],
  ["second", 'outbound ""', { outbound: "" }],
  ["second", "outbound host:port", { outbound: "1.2.3.4:5060" }],
  ["main", "transport udp", { transport: "udp" }],
  ["main", "transport tcp", { transport: "tcp" }],
  ["main", "transport tls", { transport: "tls" }],
  ["second", "transport udp", { transport: "udp" }],
  ["second", "transport tcp", { transport: "tcp" }],
  ["second", "transport tls", { transport: "tls" }],
  ["main", "device with every option at a bound", {
    device: {
      endpoint: "https://intercom.local:8443/",
      username: "u".repeat(50),
      insecureSkipVerify: true,
      caCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      timeoutMs: 100,
      retries: 0,
      mainAccountPath: "/api/v1/device/sip/settings",
      secondAccountPath: "/",
    },
  }],
  ["second", "device with upper bounds", { device: dev({ username: "a", timeoutMs: 600000, retries: 10 }), devicePassword: "P".repeat(64) }],
  ["second", "devicePassword of 1 char", { devicePassword: "x" }],
];

describe("good inputs pass", () => {
  test.each(GOOD)("%s: %s", (account, _name, patch) => {
    expect(failuresOf(account, patch)).toEqual([]);
  });

  test("the boundary values used above have the lengths they claim", () => {
    expect(S31).toHaveLength(31);
    expect(S32).toHaveLength(32);
    expect(PW32).toHaveLength(32);
    expect(PW5).toHaveLength(5);
    expect("a ~`!@#$%^&*()_-+={[}]|\"<,>.?/;").toHaveLength(31);
    expect(NAME253).toHaveLength(253);
    expect(NAME254).toHaveLength(254);
  });

  test("h264 defaults to 102 on the main account when omitted", () => {
    expect(acceptedOf("main", { h264: undefined }).h264).toBe(102);
  });

  test("a given h264 is kept", () => {
    expect(acceptedOf("main", { h264: 120 }).h264).toBe(120);
    expect(acceptedOf("main", { h264: 99 }).h264).toBe(99);
  });

  test("the accepted inputs are the known keys only, values untouched", () => {
    expect(acceptedOf("main", { __provider: "code" })).toEqual(MAIN_BASE);
    expect(acceptedOf("second", { __provider: "code" })).toEqual(SECOND_BASE);
  });

  test("several unknown keys fail once each, next to a bad known field", () => {
    expect(failuresOf("main", { relm: "x", registrationIntreval: 60, h264: 98 })).toEqual([
      { property: "h264", reason: got(integer(99, 127), 98) },
      { property: "relm", reason: unknownArg("SipAccount", meant("realm")) },
      { property: "registrationIntreval", reason: unknownArg("SipAccount", meant("registrationInterval")) },
    ]);
  });

  test("an unknown key inside a device whose endpoint is not known yet still fails", () => {
    expect(failuresOf("main", { device: { endpoint: UNKNOWN, retires: 3 } })).toEqual([{ property: "device.retires", reason: unknownIn("device", meant("retries")) }]);
  });

  test("the second account gets no h264 default", () => {
    expect(acceptedOf("second", {})).not.toHaveProperty("h264");
  });

  test("omitted optional fields stay omitted (apart from defaults)", () => {
    const accepted = acceptedOf("main", { registrationInterval: undefined, transport: undefined, devicePassword: undefined });
    expect(accepted).not.toHaveProperty("registrationInterval");
    expect(accepted).not.toHaveProperty("transport");
    expect(accepted).not.toHaveProperty("devicePassword");
  });
});

// ---- 4. secrets -----------------------------------------------------------------------------------

describe("password values never appear in a message", () => {
  const passwordRows = BAD.filter((r) => /(^|\.)(password|devicePassword)$/.test(r.property) && r.reason !== REQUIRED);

  test("there are password rows to check", () => {
    expect(passwordRows.length).toBeGreaterThanOrEqual(12);
  });

  test.each(passwordRows)("$account: $name", ({ account, patch, property }) => {
    const value = String(patch[property]);
    const failures = failuresOf(account, patch);
    expect(failures).toHaveLength(1);
    // "WebPass" is the device's public placeholder, which the rule names on purpose; "" is in every string.
    if (value !== "WebPass" && value !== "") {
      for (const f of failures) expect(f.reason).not.toContain(value);
      expect(formatFailures(failures)).not.toContain(value);
    }
    expect(failures[0].reason).not.toContain(", got ");
  });

  test("the base passwords appear in no message of any bad row", () => {
    for (const r of BAD) {
      const text = formatFailures(failuresOf(r.account, r.patch));
      for (const secret of [ADMIN_PASSWORD, MAIN_PASSWORD, SECOND_PASSWORD, "s3cret-typo"]) expect(text).not.toContain(secret);
    }
  });

  test("bad passwords in a multi-field failure are not echoed either", () => {
    const text = formatFailures(failuresOf("second", { password: PW5, devicePassword: "", user: "" }));
    expect(text).not.toContain(PW5);
    expect(text).toContain(`password: ${SECOND_PW}`);
    expect(text).toContain(`devicePassword: ${ADMIN_PW}`);
  });
});

// ---- 5. unknown values during preview -------------------------------------------------------------

describe("values unknown during preview pass", () => {
  test.each<[Account, string, Inputs]>([
    ["main", "proxy", { proxy: UNKNOWN }],
    ["main", "realm", { realm: UNKNOWN }],
    ["main", "user", { user: UNKNOWN }],
    ["main", "password", { password: UNKNOWN }],
    ["main", "whole stun", { stun: UNKNOWN }],
    ["main", "stun.ip", { stun: { ip: UNKNOWN, port: 3478 } }],
    ["main", "stun.port", { stun: { ip: "1.2.3.4", port: UNKNOWN } }],
    ["main", "registrationInterval", { registrationInterval: UNKNOWN }],
    ["main", "h264", { h264: UNKNOWN }],
    ["main", "transport", { transport: UNKNOWN }],
    ["main", "whole device", { device: UNKNOWN }],
    ["main", "device.endpoint", { device: { endpoint: UNKNOWN } }],
    ["main", "devicePassword", { devicePassword: UNKNOWN }],
    ["second", "proxy", { proxy: UNKNOWN }],
    ["second", "password", { password: UNKNOWN }],
    ["second", "userId", { userId: UNKNOWN }],
    ["second", "outbound", { outbound: UNKNOWN }],
    ["second", "device.endpoint", { device: { endpoint: UNKNOWN, retries: 3 } }],
  ])("%s: %s unknown", (account, _name, patch) => {
    expect(failuresOf(account, patch)).toEqual([]);
  });

  test("unknown values are kept as they are in the accepted inputs", () => {
    const accepted = acceptedOf("main", { stun: { ip: UNKNOWN, port: 3478 }, device: { endpoint: UNKNOWN } });
    expect(accepted.stun).toEqual({ ip: UNKNOWN, port: 3478 });
    expect(accepted.device).toEqual({ endpoint: UNKNOWN });
  });

  test("an unknown nested value does not hide its known siblings' failures", () => {
    expect(failuresOf("main", { stun: { ip: UNKNOWN, port: 0 } })).toEqual([{ property: "stun.port", reason: got(integer(1, 65535), 0) }]);
    expect(failuresOf("main", { device: { endpoint: UNKNOWN, retries: 11 } })).toEqual([
      { property: "device.retries", reason: got(integer(0, 10), 11) },
    ]);
    expect(failuresOf("main", { stun: { ip: UNKNOWN } })).toEqual([{ property: "stun.port", reason: REQUIRED }]);
  });

  test("an unknown field does not hide other fields' failures", () => {
    expect(failuresOf("second", { user: UNKNOWN, registrationInterval: 10 })).toEqual([
      { property: "registrationInterval", reason: got(integer(30, 900), 10) },
    ]);
  });
});

// ---- 6. mapping -----------------------------------------------------------------------------------

describe("toWire / fromWire", () => {
  const mainSettings = {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "101",
    password: "123ab6",
    stun: { ip: "stun.l.google.com", port: 19302 },
    registrationInterval: 50,
    h264: 102,
    transport: "udp",
  };
  const mainWire = {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "101",
    password: "123ab6",
    stun: { ip: "stun.l.google.com", port: 19302 },
    registration_interval: 50,
    h264: 102,
    transport: "udp",
  };
  const secondSettings = {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "101",
    password: "123ab6",
    transport: "udp",
    userId: "user126",
    registrationInterval: 30,
    outbound: "sip.bas-ip.com",
  };
  const secondWire = {
    proxy: "sip:sip.bas-ip.com",
    realm: "sip.bas-ip.com",
    user: "101",
    password: "123ab6",
    transport: "udp",
    user_id: "user126",
    registration_interval: 30,
    outbound: "sip.bas-ip.com",
  };

  test("main account: settings -> device JSON -> settings", () => {
    expect(toWire(mainSettings)).toStrictEqual(mainWire);
    expect(fromWire(mainWire)).toStrictEqual(mainSettings);
    expect(fromWire(toWire(mainSettings))).toStrictEqual(mainSettings);
  });

  test("second account: settings -> device JSON -> settings", () => {
    expect(toWire(secondSettings)).toStrictEqual(secondWire);
    expect(fromWire(secondWire)).toStrictEqual(secondSettings);
    expect(fromWire(toWire(secondSettings))).toStrictEqual(secondSettings);
  });

  test("stun keeps its nested keys unchanged", () => {
    expect(toWire({ stun: { ip: "1.2.3.4", port: 3478 } })).toStrictEqual({ stun: { ip: "1.2.3.4", port: 3478 } });
    expect(fromWire({ stun: { ip: "1.2.3.4", port: 3478 } })).toStrictEqual({ stun: { ip: "1.2.3.4", port: 3478 } });
  });

  test("unknown keys are dropped both ways", () => {
    expect(toWire({ ...secondSettings, device: DEVICE, devicePassword: "x", registration_interval: 99, foo: 1 })).toStrictEqual(secondWire);
    expect(fromWire({ ...mainWire, account_type: "admin", registrationInterval: 99, userId: "u" })).toStrictEqual(mainSettings);
  });

  test("undefined settings are not sent", () => {
    expect(toWire({ user: "101", registrationInterval: undefined })).toStrictEqual({ user: "101" });
  });

  test("argOfWire names a device key by its arg", () => {
    expect(argOfWire("registration_interval")).toBe("registrationInterval");
    expect(argOfWire("user_id")).toBe("userId");
    expect(argOfWire("stun.port")).toBe("stun.port");
    expect(argOfWire("something_else")).toBe("something_else");
  });
});

// ---- 7. device error envelopes --------------------------------------------------------------------

describe("parseFault", () => {
  test("object envelope: code, message and the first data entry", () => {
    const fault = parseFault(
      '{"error":{"code":"not_valid","message":"Data validation error","data":{"registration_interval":"must be an integer from 30 to 900"}}}',
    );
    expect(fault).toEqual({
      code: "not_valid",
      message: "Data validation error",
      param: "registration_interval",
      paramMessage: "must be an integer from 30 to 900",
    });
  });

  test("object envelope without data, or with null data, names no param", () => {
    for (const text of ['{"error":{"code":"auth","message":"Unauthorized"}}', '{"error":{"code":"auth","message":"Unauthorized","data":null}}']) {
      const fault = parseFault(text);
      expect(fault).toEqual({ code: "auth", message: "Unauthorized" });
      expect(fault.param).toBeUndefined();
      expect(fault.paramMessage).toBeUndefined();
    }
  });

  test("object envelope with a non-string data value is stringified", () => {
    expect(parseFault('{"error":{"code":"not_valid","message":"m","data":{"h264":42}}}').paramMessage).toBe("42");
  });

  test("string envelope with a back-ticked param", () => {
    const fault = parseFault('{"error":"Wrong JSON body: no value for `user`"}');
    expect(fault).toEqual({ message: "Wrong JSON body: no value for `user`", param: "user" });
    expect(fault.code).toBeUndefined();
    expect(parseFault('{"error":"Wrong JSON body: value `registration_interval` was of the wrong type"}').param).toBe("registration_interval");
  });

  test("string envelope without a param", () => {
    const fault = parseFault('{"error":"Log In"}');
    expect(fault.message).toBe("Log In");
    expect(fault.param).toBeUndefined();
    expect(fault.code).toBeUndefined();
  });

  test("plain text is the message, trimmed", () => {
    const fault = parseFault("  Internal Server Error\n");
    expect(fault).toEqual({ message: "Internal Server Error" });
    expect(fault.code).toBeUndefined();
    expect(fault.param).toBeUndefined();
  });

  test("long plain text is cut to 200 characters", () => {
    expect(parseFault(`<html>${"x".repeat(500)}</html>`).message).toBe(`<html>${"x".repeat(194)}`);
  });

  test("empty body", () => {
    expect(parseFault("")).toEqual({ message: "empty body" });
    expect(parseFault("  \n ")).toEqual({ message: "empty body" });
  });

  test("malformed JSON falls back to the text", () => {
    expect(parseFault('{"error":{"code":"not_valid",')).toEqual({ message: '{"error":{"code":"not_valid",' });
  });

  test("JSON in neither envelope falls back to the text", () => {
    expect(parseFault(' {"status":"ok"} ')).toEqual({ message: '{"status":"ok"}' });
    expect(parseFault('{"error":{"code":1,"message":"m"}}')).toEqual({ message: '{"error":{"code":1,"message":"m"}}' });
  });
});

describe("isSecretName: one rule for what is named like a secret", () => {
  test.each(["password", "devicePassword", "sip.password", "sip2.passwd", "passphrase", "clientSecret", "device.token", "PASSWORD"])("%s is a secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });
  test.each(["user", "userId", "sip.proxy", "realm", "device.endpoint", "password.length.user"])("%s is not", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
