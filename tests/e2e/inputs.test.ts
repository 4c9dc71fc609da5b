/**
 * Inputs through the real engine: a JavaScript program's misspelt properties fail preview by name
 * with the closest valid name and no device request; a main-account password with `:`, `'` and `\`
 * (spec 000 sets no character rule) reaches the device and is never printed; a wrong account path
 * says which argument to set.
 */
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator";
import { SecondSipAccount, SipAccount } from "../../provider";
import { failureOf, newStack } from "./harness";

// A plain .js module: ts-jest leaves it as written, so no type checker sees its argument names.
const misspelt: Record<"sipAccount" | "secondSipAccount", () => void> = require("./programs/misspelt.js");

jest.setTimeout(180_000);

const ADMIN = "123456";
/** 31 characters: every spec-000 character our old rule refused, and a space. */
const ODD_PASSWORD = `pa:ss'wo\\rd ${":'\\".repeat(6)}x`;
const TYPO_SECRET = "typo-value-Zq81";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 2, secondAccountPath: "/api/v1/device/sip/second" });
});
afterAll(async () => {
  await emu?.stop();
});

test("a JavaScript program with misspelt properties fails preview, naming each with a suggestion, and asks no device", async () => {
  const dev = emu.device(0);
  let which: keyof typeof misspelt = "sipAccount";
  const ts = await newStack("misspelt", async () => misspelt[which](), {
    endpoint: { value: dev.url },
    adminPassword: { value: ADMIN, secret: true },
    sip: { value: "s3cret-1001", secret: true },
    typoPassword: { value: TYPO_SECRET },
  });
  try {
    dev.clearRequests();
    const text = await failureOf(ts.stack.preview());
    // A misspelt top-level name is reported without the engine's "value {...}" part: it may hold a secret.
    expect(text).toMatch(/resource 'lobby' has a problem: registrationIntreval: is not an argument of SipAccount; did you mean `registrationInterval`\?/);
    expect(text).toMatch(/resource 'lobby' has a problem: pasword: is not an argument of SipAccount; did you mean `password`\?/);
    expect(text).toMatch(/property device\.timout value .* has a problem: is not a field of `device`; did you mean `timeoutMs`\?/);
    which = "secondSipAccount";
    const second = await failureOf(ts.stack.preview());
    expect(second).toMatch(/resource 'lobby-backup' has a problem: userid: is not an argument of SecondSipAccount; did you mean `userId`\?/);
    // The misspelt password key's value went through as a secret, so the engine does not print it.
    expect(text).not.toContain(TYPO_SECRET);
    for (const t of [text, second]) expect(t).not.toContain("s3cret-1001");
    expect(dev.counts().total).toBe(0);
  } finally {
    ts.dispose();
  }
});

test("a main-account password with :, ' and a backslash (31 characters) is applied and never printed", async () => {
  expect([...ODD_PASSWORD]).toHaveLength(31);
  const dev = emu.device(0);
  const program = async () => {
    const cfg = new pulumi.Config();
    new SipAccount("odd", {
      device: { endpoint: dev.url, password: cfg.requireSecret("adminPassword") },
      proxy: "sip:pbx.example.com",
      realm: "pbx.example.com",
      user: "o'brien:1\\a",
      password: cfg.requireSecret("sip"),
      stun: { ip: "stun.example.com", port: 3478 },
      registrationInterval: 30.5,
    });
  };
  const ts = await newStack("oddpassword", program, { adminPassword: { value: ADMIN, secret: true }, sip: { value: ODD_PASSWORD, secret: true } });
  try {
    const preview = await ts.stack.preview({ diff: true });
    const up = await ts.stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    expect(dev.main.password).toBe(ODD_PASSWORD);
    expect(dev.main.user).toBe("o'brien:1\\a");
    expect(dev.main.registration_interval).toBe(30.5);
    const exported = ts.cli(["stack", "export"]);
    // JSON escapes the backslash, so look for both spellings.
    for (const text of [preview.stdout, preview.stderr, up.stdout, up.stderr, exported]) {
      expect(text).not.toContain(ODD_PASSWORD);
      expect(text).not.toContain(JSON.stringify(ODD_PASSWORD).slice(1, -1));
    }
    dev.clearRequests();
    expect((await ts.stack.up()).summary.resourceChanges).toEqual({ same: 2 });
    expect(dev.counts().total).toBe(0);
  } finally {
    ts.dispose();
  }
});

test("a wrong account path (HTTP 404) names the account, the path and the argument to set", async () => {
  const dev = emu.device(1);
  let mainPath: string | undefined = "/api/v1/device/sip";
  const program = async () => {
    const cfg = new pulumi.Config();
    const device = { endpoint: dev.url, password: cfg.requireSecret("adminPassword"), retries: 0, mainAccountPath: mainPath };
    new SipAccount("main", { device, proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1001", password: cfg.requireSecret("sip"), stun: { ip: "stun.example.com", port: 3478 } });
    new SecondSipAccount("second", { device: { ...device, mainAccountPath: undefined }, proxy: "sip:pbx.example.com", realm: "pbx.example.com", user: "1002", password: cfg.requireSecret("sip") });
  };
  const ts = await newStack("wrongpath", program, { adminPassword: { value: ADMIN, secret: true }, sip: { value: "s3cret-1001", secret: true } });
  try {
    const text = await failureOf(ts.stack.up());
    expect(text).toContain(`BAS-IP device ${dev.url} (AQ-07L, firmware 2.11.0) has no SIP account at /api/v1/device/sip (GET answered HTTP 404); if your firmware serves it elsewhere, set device.mainAccountPath`);
    expect(text).toContain(
      `BAS-IP device ${dev.url} (AQ-07L, firmware 2.11.0) has no second SIP account at /api/v1/device/sip/settings/second (GET answered HTTP 404); ` +
        "BAS-IP does not publish the second account's path",
    );
    expect(text).toContain("set device.secondAccountPath");
    expect(text).not.toContain("s3cret-1001");
    expect(dev.counts().write).toBe(0);
  } finally {
    mainPath = undefined;
    ts.dispose();
  }
});
