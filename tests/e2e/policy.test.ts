/**
 * The basip policy pack under the real CLI: `pulumi preview --policy-pack policies/` through the
 * Automation API, with the analyzer plugin from scripts/pulumi-cli.sh. Previews make no device
 * request, so no emulator is needed. Violations are read from the engine's policy events.
 */
import * as fs from "fs";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { configFileProblems } from "../../policies/config-file";
import { SecondSipAccount, SecondSipAccountArgs, SipAccount, SipAccountArgs } from "../../provider";
import { failureOf, newStack, TestStack } from "./harness";

jest.setTimeout(180_000);

/** The pack where a user's project has it (this repository links the package into its node_modules). */
const PACK = path.resolve(__dirname, "../../node_modules/pulumi-basip/policies");
const CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

interface Violation {
  rule: string;
  level: string;
  resource: string;
  message: string;
}

/** Main-account args with `waitForRegistration` (seconds), the input the resource takes for registration waiting. */
const withWait = <A>(args: Over<A>): A => ({ waitForRegistration: 30, ...args }) as A;
const asArgs = <A>(args: Over<A>): A => args as A;

type Account = { kind: "main"; name: string; args: SipAccountArgs } | { kind: "second"; name: string; args: SecondSipAccountArgs };

/** A device, its CA pinned when it speaks https (check refuses a CA for http://). */
const deviceAt = (endpoint: string) => (endpoint.startsWith("https://") ? { endpoint, caCertificate: CA } : { endpoint });

/** Overrides of an account's args; a main account waits 30 s for registration unless told otherwise. */
type Over<A> = Partial<A> & { waitForRegistration?: number };

const main = (name: string, endpoint: string, over: Over<SipAccountArgs> = {}): Account => ({
  kind: "main",
  name,
  args: withWait<SipAccountArgs>({
    device: deviceAt(endpoint),
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: `${name}-1001`,
    password: "long-enough-secret",
    stun: { ip: "stun.example.com", port: 3478 },
    registrationInterval: 300,
    transport: "tls",
    ...over,
  }),
});

const second = (name: string, endpoint: string, over: Over<SecondSipAccountArgs> = {}): Account => ({
  kind: "second",
  name,
  args: asArgs<SecondSipAccountArgs>({
    device: deviceAt(endpoint),
    proxy: "sip:pbx2.example.com",
    realm: "pbx2.example.com",
    user: `${name}-2001`,
    password: "another-long-secret",
    registrationInterval: 300,
    transport: "tls",
    ...over,
  }),
});

const programOf = (accounts: Account[]) => async () => {
  for (const a of accounts) {
    if (a.kind === "main") new SipAccount(a.name, a.args);
    else new SecondSipAccount(a.name, a.args);
  }
};

const stacks: TestStack[] = [];
afterAll(() => stacks.forEach((s) => s.dispose()));

/** A stack of these accounts, tagged production or not, with the fleet admin password in config. */
async function stackOf(name: string, accounts: Account[], production: boolean): Promise<TestStack> {
  const ts = await newStack(name, programOf(accounts), { "basip:password": { value: "fleet-admin-pw", secret: true } });
  stacks.push(ts);
  if (production) await ts.stack.setTag("basip:environment", "production");
  return ts;
}

/** Writes a pack config file into the stack's directory, as a fleet repository keeps one per stack. */
function packConfig(ts: TestStack, config: object): string {
  const file = path.join(ts.workDir, "policy-config.json");
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

interface Preview {
  violations: Violation[];
  /** Inputs the engine holds for each resource, by name, as the policies see them. */
  inputs: Record<string, Record<string, unknown>>;
  failure?: string;
}

/** Runs a preview with the pack; returns the violations, the stored inputs, and the failure text when it failed. */
async function previewWithPack(ts: TestStack, configFile?: string): Promise<Preview> {
  const violations: Violation[] = [];
  const inputs: Preview["inputs"] = {};
  const onEvent = (e: EngineEvent) => {
    const step = e.resourcePreEvent?.metadata;
    if (step?.new !== undefined) inputs[step.urn.split("::").pop() ?? ""] = step.new.inputs;
    const p = e.policyEvent;
    if (p === undefined) return;
    violations.push({ rule: p.policyName, level: String(p.enforcementLevel), resource: (p.resourceUrn ?? "").split("::").pop() ?? "", message: p.message });
  };
  const run = ts.stack.preview({ policyPacks: [PACK], policyPackConfigs: configFile === undefined ? undefined : [configFile], onEvent });
  try {
    await run;
    return { violations, inputs };
  } catch {
    return { violations, inputs, failure: await failureOf(run) };
  }
}

const brief = (vs: Violation[]) => vs.map((v) => `${v.level} ${v.rule} ${v.resource}`).sort();

/**
 * The wait-for-registration warnings a preview must show: main accounts whose stored inputs have no
 * `waitForRegistration` of at least 1 s. The programs here set 30 s on every main account, so this is
 * empty once SipAccount takes the input (issue 9) and lists every main account while it drops it.
 */
const waitWarnings = (p: Preview, names: string[]) =>
  names.filter((n) => !(Number(p.inputs[n]?.waitForRegistration) >= 1)).map((n) => `advisory basip-wait-for-registration ${n}`);

test("a compliant production stack passes every rule", async () => {
  const ts = await stackOf("compliant", [main("lobby", "https://10.0.0.21"), second("lobby-2", "https://10.0.0.21"), main("gate", "https://10.0.0.22")], true);
  const p = await previewWithPack(ts);
  expect(p.failure).toBeUndefined();
  // The inputs seen are the resources' own (so the wait expectation below is about real inputs).
  expect([p.inputs.lobby?.transport, p.inputs["lobby-2"]?.registrationInterval, p.inputs.gate?.realm]).toEqual(["tls", 300, "pbx.example.com"]);
  expect(brief(p.violations)).toEqual(waitWarnings(p, ["gate", "lobby"]).sort());
});

test("a production stack breaking every mandatory rule fails, each message naming the resource and the field", async () => {
  const ts = await stackOf(
    "violations",
    [
      main("plain-http", "http://10.0.0.31"),
      main("skip-verify", "https://10.0.0.32", { device: { endpoint: "https://10.0.0.32", insecureSkipVerify: true } }),
      second("no-transport", "https://10.0.0.33", { transport: undefined }),
      main("short-interval", "https://10.0.0.34", { registrationInterval: 30 }),
      main("weak-password", "https://10.0.0.35", { password: "1001", user: "1001" }),
      main("factory-admin", "https://10.0.0.36", { device: { endpoint: "https://10.0.0.36", caCertificate: CA, password: "123456" } }),
    ],
    true,
  );
  const { violations, failure } = await previewWithPack(ts);
  expect(failure).toMatch(/preview failed|policy violation|error/i);
  const mandatory = violations.filter((v) => v.level === "mandatory");
  expect(brief(mandatory)).toEqual(
    [
      "mandatory basip-https-endpoint plain-http",
      "mandatory basip-verified-tls skip-verify",
      "mandatory basip-allowed-transports no-transport",
      "mandatory basip-registration-interval short-interval",
      "mandatory basip-sip-password weak-password",
      "mandatory basip-sip-password weak-password",
      "mandatory basip-no-factory-admin-password factory-admin",
    ].sort(),
  );
  const text = (rule: string) => mandatory.filter((v) => v.rule === rule).map((v) => v.message).join("\n");
  expect(text("basip-https-endpoint")).toContain('SipAccount "plain-http": device.endpoint is http://10.0.0.31');
  expect(text("basip-verified-tls")).toContain('SipAccount "skip-verify": device.insecureSkipVerify is true');
  expect(text("basip-allowed-transports")).toContain('SecondSipAccount "no-transport": transport is not set');
  expect(text("basip-registration-interval")).toContain('SipAccount "short-interval": registrationInterval is 30; this stack requires 60 to 600 seconds');
  expect(text("basip-sip-password")).toContain('SipAccount "weak-password": password has 4 characters');
  expect(text("basip-sip-password")).toContain('SipAccount "weak-password": password equals user');
  expect(text("basip-no-factory-admin-password")).toContain('SipAccount "factory-admin": device.password is the factory default');
  // Secrets never reach a policy message.
  expect(violations.map((v) => v.message).join("\n")).not.toMatch(/123456|fleet-admin-pw|long-enough-secret/);
});

test("an account declared twice is refused by the provider's check at preview, before any stack rule runs", async () => {
  // basip-unique-device-account (unit-tested) is the pack's second line: stack rules run only once
  // every resource has passed check, and check already refuses a device account declared twice.
  const ts = await stackOf("twins", [main("lobby", "https://10.0.0.41"), main("lobby-again", "https://10.0.0.41:443"), second("lobby-2", "https://10.0.0.41")], true);
  const { violations, failure } = await previewWithPack(ts);
  expect(failure).toMatch(/lobby-again.* and .*lobby.* both manage https:\/\/10\.0\.0\.41/);
  expect(violations.filter((v) => v.level === "mandatory")).toEqual([]);
});

test("advisory rules warn and the preview succeeds; production-only rules skip other stacks", async () => {
  const ts = await stackOf(
    "advisory",
    [
      main("lab-a", "https://10.0.1.1", { device: { endpoint: "https://10.0.1.1", insecureSkipVerify: true }, user: "1001" }),
      main("lab-b", "http://10.0.1.2", { user: "1001", device: { endpoint: "http://10.0.1.2", password: "lab-admin-pw" } }),
      main("lab-c", "http://10.0.1.3", { waitForRegistration: 0 }),
    ],
    false,
  );
  const p = await previewWithPack(ts);
  const { violations, failure } = p;
  expect(failure).toBeUndefined();
  expect(brief(violations)).toEqual(
    [
      "advisory basip-admin-password-from-config lab-b",
      "advisory basip-unique-sip-user lab-a",
      "advisory basip-unique-sip-user lab-b",
      "advisory basip-wait-for-registration lab-c",
      ...waitWarnings(p, ["lab-a", "lab-b"]),
    ].sort(),
  );
  const messages = violations.map((v) => v.message).join("\n");
  expect(messages).toContain('SipAccount "lab-b": device.password is set on the resource');
  expect(messages).toContain('SipAccount "lab-b": user "1001" at realm pbx.example.com is also registered by SipAccount "lab-a"');
  expect(messages).toMatch(/SipAccount "lab-c": waitForRegistration is (0|not set) \(0 only reports the status\)/);
});

test("a stack's pack config changes levels and settings: https everywhere, TLS only, other bounds, a rule off", async () => {
  const labA = main("lab-a", "http://10.0.2.1", { transport: "udp", device: { endpoint: "http://10.0.2.1", password: "lab-admin-pw" } });
  const ts = await stackOf("configured", [labA, main("lab-b", "https://10.0.2.2")], false);
  const config = packConfig(ts, {
    "basip-https-endpoint": { appliesTo: "all" },
    "basip-allowed-transports": { allowed: ["tls"] },
    "basip-registration-interval": { enforcementLevel: "advisory", min: 400, max: 900 },
    "basip-admin-password-from-config": "disabled",
  });
  const p = await previewWithPack(ts, config);
  const { violations, failure } = p;
  expect(failure).toBeDefined();
  expect(brief(violations)).toEqual(
    [
      "mandatory basip-https-endpoint lab-a",
      "mandatory basip-allowed-transports lab-a",
      "advisory basip-registration-interval lab-a",
      "advisory basip-registration-interval lab-b",
      ...waitWarnings(p, ["lab-a", "lab-b"]),
    ].sort(),
  );
  const messages = violations.map((v) => v.message).join("\n");
  expect(messages).toContain('SipAccount "lab-a": device.endpoint is http://10.0.2.1; this stack requires https://');
  expect(messages).toContain('SipAccount "lab-a": transport is "udp"; this stack allows "tls"');
  expect(messages).toContain('SipAccount "lab-b": registrationInterval is 300; this stack requires 400 to 900 seconds');
});

describe("a bad pack config fails before the program runs, naming the rule", () => {
  let ts: TestStack;
  beforeAll(async () => {
    ts = await stackOf("bad-config", [main("lobby", "https://10.0.3.1")], true);
  });

  // One preview per stage that can refuse a config; each message lists every problem of its stage.
  test.each([
    [
      "unknown rules and properties, bounds the wrong way round (the pack's check)",
      { "basip-https-endpiont": "advisory", "basip-allowed-transports": { allow: ["tls"] }, "basip-registration-interval": { min: 700, max: 650 } },
      [
        /basip-https-endpiont: no such rule in the basip policy pack \(rules: basip-https-endpoint, /,
        /basip-allowed-transports: unknown property "allow" \(properties: allowed, requireExplicit\)/,
        /basip-registration-interval: min \(700\) must not exceed max \(650\)/,
      ],
    ],
    [
      "values out of range or of the wrong type (the engine's schema check)",
      { "basip-registration-interval": { min: 10 }, "basip-sip-password": { minLength: "eight" } },
      [/basip-registration-interval: min: Must be greater than or equal to 30/, /basip-sip-password: minLength: Invalid type/],
    ],
    ["an unknown level (the CLI's parse)", { "basip-verified-tls": "sometimes" }, [/"basip-verified-tls": "sometimes" is not a valid enforcement level/]],
  ])("%s", async (_what, config, expected) => {
    const { violations, failure } = await previewWithPack(ts, packConfig(ts, config));
    for (const e of expected) expect(failure).toMatch(e);
    expect(violations).toEqual([]);
    // Nothing ran: the stack has no resources and no update in its history.
    expect(await ts.stack.history()).toEqual([]);
    // The file check CI runs before a preview finds the same problems, each naming its rule.
    const problems = configFileProblems(JSON.stringify(config));
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(Object.keys(config).sort());
  });

  test("an unknown rule given without a level: the CLI fails without naming it, basip-policy-config names it", async () => {
    const config = { "basip-registration-intervall": { min: 90 } };
    const { violations, failure } = await previewWithPack(ts, packConfig(ts, config));
    expect(failure).toContain('invalid enforcement level ""');
    expect(violations).toEqual([]);
    expect(configFileProblems(JSON.stringify(config))[0]).toMatch(/^basip-registration-intervall: no such rule in the basip policy pack/);
  });
});
