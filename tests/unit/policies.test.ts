/**
 * The policy rules as pure functions (the e2e policy test runs them under the real CLI): each rule's
 * compliant and violating inputs with their exact messages, production scoping, config defaults and
 * the pack-config check.
 */
import * as fs from "fs";
import * as path from "path";
import { unknownCheckingProxy } from "@pulumi/policy";
import { packConfigProblems, RULES } from "../../policies/catalog";
import { Account, accountOf, AnyRule, stackFacts, withDefaults } from "../../policies/model";
import { knownPart, toPolicies } from "../../policies/pack";
import * as rules from "../../policies/rules";
import { deviceKey } from "pulumi-basip";
import { uniqueDeviceAccount, uniqueSipUser } from "../../policies/stack-rules";

const PROD = stackFacts(new Map([["basip:environment", "production"]]));
const LAB = stackFacts(new Map());

let n = 0;
function account(props: Record<string, unknown>, kind: "SipAccount" | "SecondSipAccount" = "SipAccount", name = `r${++n}`): Account {
  const a = accountOf(`pulumi-nodejs:dynamic/basip:${kind}`, name, `urn:pulumi:s::p::pulumi-nodejs:dynamic/basip:${kind}::${name}`, props);
  if (a === undefined) throw new Error("not an account");
  return a;
}

const defaults = (rule: AnyRule, over: object = {}) => withDefaults(rule.config, over);
const run = (rule: AnyRule & { scope: "resource" }, a: Account, facts = PROD, over: object = {}) => rule.check(a, defaults(rule, over), facts);

test("only the two account types are accounts", () => {
  expect(accountOf("pulumi-nodejs:dynamic/basip:SipAccount", "a", "u", {})?.kind).toBe("SipAccount");
  expect(accountOf("pulumi-nodejs:dynamic/basip:SecondSipAccount", "a", "u", {})?.kind).toBe("SecondSipAccount");
  expect(accountOf("pulumi-nodejs:dynamic:Resource", "a", "u", {})).toBeUndefined();
});

test("a stack is production only when tagged basip:environment=production", () => {
  expect(PROD.production).toBe(true);
  expect(stackFacts(new Map([["basip:environment", " Production "]])).production).toBe(true);
  expect(stackFacts(new Map([["basip:environment", "staging"]])).production).toBe(false);
  expect(LAB.production).toBe(false);
});

describe("basip-https-endpoint and basip-verified-tls", () => {
  const plain = account({ device: { endpoint: "http://10.0.0.1" } }, "SipAccount", "lobby");
  const skip = account({ device: { endpoint: "https://10.0.0.1", insecureSkipVerify: true } }, "SecondSipAccount", "gate");
  const pinned = account({ device: { endpoint: "https://10.0.0.1", caCertificate: "-----BEGIN CERTIFICATE-----" } });

  test("production stacks", () => {
    expect(run(rules.httpsEndpoint, plain)).toEqual([
      `SipAccount "lobby": device.endpoint is http://10.0.0.1; production stacks require https:// (with device.caCertificate pinning the device's CA).`,
    ]);
    expect(run(rules.verifiedTls, skip)).toEqual([
      `SecondSipAccount "gate": device.insecureSkipVerify is true; production stacks require a verified certificate: set device.caCertificate to the PEM of the CA that signed the device's certificate.`,
    ]);
    expect(run(rules.httpsEndpoint, pinned)).toEqual([]);
    expect(run(rules.verifiedTls, pinned)).toEqual([]);
    expect(run(rules.verifiedTls, account({ device: { endpoint: "https://x", insecureSkipVerify: false } }))).toEqual([]);
  });

  test("other stacks unless appliesTo is all", () => {
    expect(run(rules.httpsEndpoint, plain, LAB)).toEqual([]);
    expect(run(rules.verifiedTls, skip, LAB)).toEqual([]);
    expect(run(rules.httpsEndpoint, plain, LAB, { appliesTo: "all" })[0]).toContain("this stack requires https://");
    expect(run(rules.verifiedTls, skip, LAB, { appliesTo: "all" })[0]).toContain("this stack requires a verified certificate");
  });

  test("an upper-case scheme is still http", () => {
    expect(run(rules.httpsEndpoint, account({ device: { endpoint: "HTTP://10.0.0.1" } }))).toHaveLength(1);
  });
});

describe("basip-allowed-transports", () => {
  test("unset, allowed, not allowed", () => {
    expect(run(rules.allowedTransports, account({}, "SipAccount", "a"))).toEqual([
      `SipAccount "a": transport is not set, so the device keeps whatever it has; set it to one of "udp", "tcp", "tls".`,
    ]);
    expect(run(rules.allowedTransports, account({}), PROD, { requireExplicit: false })).toEqual([]);
    expect(run(rules.allowedTransports, account({ transport: "udp" }))).toEqual([]);
    expect(run(rules.allowedTransports, account({ transport: "udp" }, "SipAccount", "b"), PROD, { allowed: ["tls", "tcp"] })).toEqual([
      `SipAccount "b": transport is "udp"; this stack allows "tls", "tcp".`,
    ]);
  });
});

describe("basip-registration-interval", () => {
  test("bounds are inclusive; unset is a violation unless requireExplicit is off", () => {
    expect(run(rules.registrationInterval, account({ registrationInterval: 60 }))).toEqual([]);
    expect(run(rules.registrationInterval, account({ registrationInterval: 600 }))).toEqual([]);
    expect(run(rules.registrationInterval, account({ registrationInterval: 59 }, "SipAccount", "a"))).toEqual([
      `SipAccount "a": registrationInterval is 59; this stack requires 60 to 600 seconds.`,
    ]);
    expect(run(rules.registrationInterval, account({ registrationInterval: 601 }))).toHaveLength(1);
    expect(run(rules.registrationInterval, account({ registrationInterval: 800 }), PROD, { max: 900 })).toEqual([]);
    expect(run(rules.registrationInterval, account({}, "SecondSipAccount", "b"))).toEqual([
      `SecondSipAccount "b": registrationInterval is not set, so the device keeps whatever it has; set it from 60 to 600 seconds.`,
    ]);
    expect(run(rules.registrationInterval, account({}), PROD, { requireExplicit: false })).toEqual([]);
  });
});

test("basip-wait-for-registration: SipAccount waits at least minSeconds; SecondSipAccount has no wait", () => {
  expect(run(rules.waitForRegistration, account({ waitForRegistration: 30 }))).toEqual([]);
  expect(run(rules.waitForRegistration, account({ waitForRegistration: 0 }, "SipAccount", "a"))).toEqual([
    `SipAccount "a": waitForRegistration is 0 (0 only reports the status); set it to at least 1 second(s) so that an up fails when the account does not register with the PBX.`,
  ]);
  expect(run(rules.waitForRegistration, account({}, "SipAccount", "b"))).toEqual([
    `SipAccount "b": waitForRegistration is not set (0 only reports the status); set it to at least 1 second(s) so that an up fails when the account does not register with the PBX.`,
  ]);
  expect(run(rules.waitForRegistration, account({ waitForRegistration: 10 }), PROD, { minSeconds: 30 })).toHaveLength(1);
  expect(run(rules.waitForRegistration, account({}, "SecondSipAccount"))).toEqual([]);
  expect(rules.waitForRegistration.level).toBe("advisory");
});

test("basip-sip-password: length and user, never the value", () => {
  expect(run(rules.sipPasswordStrength, account({ user: "1001", password: "long-enough" }))).toEqual([]);
  const out = run(rules.sipPasswordStrength, account({ user: "s3cr", password: "s3cr" }, "SipAccount", "a"));
  expect(out).toEqual([
    `SipAccount "a": password has 4 characters; this stack requires at least 8 (value not shown).`,
    `SipAccount "a": password equals user; choose a password that differs from the SIP user (value not shown).`,
  ]);
  expect(run(rules.sipPasswordStrength, account({ user: "1001", password: "s3cr" }), PROD, { minLength: 4 })).toEqual([]);
  // Unknown at preview or absent: nothing to say.
  expect(run(rules.sipPasswordStrength, account({ user: "1001" }))).toEqual([]);
});

test("admin password rules: factory default (mandatory) and per-resource password (advisory)", () => {
  const factory = account({ devicePassword: rules.FACTORY_ADMIN_PASSWORD }, "SipAccount", "a");
  expect(run(rules.noFactoryAdminPassword, factory)).toEqual([`SipAccount "a": device.password is the factory default; change the panel's admin password first (value not shown).`]);
  expect(run(rules.noFactoryAdminPassword, account({ devicePassword: "other" }))).toEqual([]);
  expect(run(rules.adminPasswordFromConfig, factory)[0]).toContain(`SipAccount "a": device.password is set on the resource`);
  expect(run(rules.adminPasswordFromConfig, account({}))).toEqual([]);
  expect(run(rules.noFactoryAdminPassword, factory).join()).not.toContain(rules.FACTORY_ADMIN_PASSWORD);
});

describe("stack rules", () => {
  test("deviceKey: one device however the endpoint is written", () => {
    expect(deviceKey("HTTPS://Panel.Example:443/")).toBe(deviceKey("https://panel.example"));
    expect(deviceKey("http://10.0.0.1:80")).toBe(deviceKey("http://10.0.0.1/"));
    expect(deviceKey("http://10.0.0.1:8080")).not.toBe(deviceKey("http://10.0.0.1"));
  });

  test("basip-unique-device-account: http's default port written out is the same device", () => {
    const a = account({ device: { endpoint: "http://10.0.0.5" } }, "SipAccount", "a");
    const b = account({ device: { endpoint: "http://10.0.0.5:80" } }, "SipAccount", "b");
    expect(uniqueDeviceAccount.check([a, b], {}, PROD).map((f) => f.message)).toEqual([
      `SipAccount "a": device.endpoint http://10.0.0.5 is the same device as SipAccount "b"; each SipAccount of a device must be managed by one resource.`,
      `SipAccount "b": device.endpoint http://10.0.0.5:80 is the same device as SipAccount "a"; each SipAccount of a device must be managed by one resource.`,
    ]);
  });

  test("basip-unique-device-account: same endpoint and type; both accounts of one device are fine", () => {
    const a = account({ device: { endpoint: "https://10.0.0.1" } }, "SipAccount", "a");
    const b = account({ device: { endpoint: "https://10.0.0.1:443/" } }, "SipAccount", "b");
    const second = account({ device: { endpoint: "https://10.0.0.1" } }, "SecondSipAccount", "c");
    const other = account({ device: { endpoint: "https://10.0.0.2" } }, "SipAccount", "d");
    expect(uniqueDeviceAccount.check([a, second, other], {}, PROD)).toEqual([]);
    expect(uniqueDeviceAccount.check([a, b, second, other], {}, PROD)).toEqual([
      { urn: a.urn, message: `SipAccount "a": device.endpoint https://10.0.0.1 is the same device as SipAccount "b"; each SipAccount of a device must be managed by one resource.` },
      { urn: b.urn, message: `SipAccount "b": device.endpoint https://10.0.0.1:443/ is the same device as SipAccount "a"; each SipAccount of a device must be managed by one resource.` },
    ]);
    // An endpoint unknown at preview is left out, not grouped.
    expect(uniqueDeviceAccount.check([account({}), account({})], {}, PROD)).toEqual([]);
  });

  test("basip-unique-sip-user: same user at the same realm, across types and devices", () => {
    const a = account({ user: "1001", realm: "PBX.example.com" }, "SipAccount", "a");
    const b = account({ user: "1001", realm: "pbx.example.com" }, "SecondSipAccount", "b");
    const c = account({ user: "1001", realm: "pbx2.example.com" }, "SipAccount", "c");
    expect(uniqueSipUser.check([a, c], {}, LAB)).toEqual([]);
    expect(uniqueSipUser.check([a, b, c], {}, LAB).map((f) => f.message)).toEqual([
      `SipAccount "a": user "1001" at realm PBX.example.com is also registered by SecondSipAccount "b".`,
      `SecondSipAccount "b": user "1001" at realm pbx.example.com is also registered by SipAccount "a".`,
    ]);
  });
});

describe("pack config", () => {
  test("rule names are unique and every config property has a default", () => {
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    for (const r of RULES) for (const spec of Object.values(r.config)) expect((spec as { default?: unknown }).default).toBeDefined();
  });

  test("withDefaults fills what a stack left out and keeps what it gave", () => {
    expect(withDefaults(rules.registrationInterval.config, { min: 90 })).toEqual({ min: 90, max: 600, requireExplicit: true });
  });

  test("known rules, levels only, and 'all' pass", () => {
    expect(packConfigProblems({ all: {}, "basip-https-endpoint": { appliesTo: "all" }, "basip-unique-sip-user": {} })).toEqual([]);
  });

  test("unknown rules and properties name the rule; cross-property bounds are checked with defaults", () => {
    expect(packConfigProblems({ "basip-nope": {} })).toEqual([`basip-nope: no such rule in the basip policy pack (rules: ${RULES.map((r) => r.name).join(", ")})`]);
    expect(packConfigProblems({ "basip-allowed-transports": { allow: ["tls"] } })).toEqual([
      `basip-allowed-transports: unknown property "allow" (properties: allowed, requireExplicit)`,
    ]);
    expect(packConfigProblems({ "basip-no-factory-admin-password": { on: true } })).toEqual([
      `basip-no-factory-admin-password: unknown property "on" (this rule takes only enforcementLevel)`,
    ]);
    expect(packConfigProblems({ "basip-registration-interval": { min: 700 } })).toEqual([`basip-registration-interval: min (700) must not exceed max (600)`]);
    expect(packConfigProblems({ "basip-registration-interval": { min: 700, max: 800 } })).toEqual([]);
  });

  test("the pack's README rule table lists every rule with its default level, in catalogue order", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../policies/README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `(basip-[a-z-]+)` \| (mandatory|advisory) \|(.*)$/gm)];
    expect(rows.map((m) => [m[1], m[2]])).toEqual(RULES.map((r) => [r.name, r.level]));
    // Each row names its rule's config properties, with the default where the row gives a number.
    for (const [i, r] of RULES.entries()) {
      for (const [key, spec] of Object.entries(r.config) as [string, { default: unknown }][]) {
        expect(rows[i][3]).toContain(`\`${key}\``);
        if (typeof spec.default === "number") expect(rows[i][3]).toMatch(new RegExp(`\`${key}\`[^|]*?\\(?${spec.default}\\b`));
      }
    }
  });

  test("the pack's package.json carries the package version (the SDK reads it as the pack version)", () => {
    const root = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8"));
    const pack = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../policies/package.json"), "utf8"));
    expect(pack.version).toBe(root.version);
    expect(pack.main).toBe("../dist/policies/index.js");
  });
});

describe("the adapter to @pulumi/policy", () => {
  /** What the SDK puts in props for a value unknown at preview (a string input here). */
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  test("knownPart drops values unknown at preview instead of throwing", () => {
    const props = unknownCheckingProxy({ device: { endpoint: UNKNOWN, timeoutMs: 5000 }, user: "1001", list: ["a"] });
    expect(() => (props as { device: { endpoint: string } }).device.endpoint).toThrow();
    expect(knownPart(props)).toEqual({ device: { timeoutMs: 5000 }, user: "1001", list: ["a"] });
  });

  test("every rule becomes a policy with its name, level and config schema", () => {
    const policies = toPolicies(RULES);
    expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual(RULES.map((r) => [r.name, r.level]));
    const interval = policies.find((p) => p.name === "basip-registration-interval");
    expect(Object.keys(interval?.configSchema?.properties ?? {})).toEqual(["min", "max", "requireExplicit"]);
    expect(policies.find((p) => p.name === "basip-unique-device-account")?.configSchema).toBeUndefined();
  });
});
