/**
 * `basip-policy-config`: the pack config file check CI runs before a preview, as a pure function
 * and as the built CLI.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configFileProblems } from "../../policies/config-file";

test("a sound config has no problems", () => {
  const config = {
    all: "advisory",
    "basip-https-endpoint": { enforcementLevel: "mandatory", appliesTo: "all" },
    "basip-allowed-transports": { allowed: ["tls", "tcp"], requireExplicit: false },
    "basip-registration-interval": { min: 120, max: 900 },
    "basip-unique-sip-user": "disabled",
  };
  expect(configFileProblems(JSON.stringify(config))).toEqual([]);
});

test.each([
  [{ "basip-registration-intervall": { min: 90 } }, "basip-registration-intervall: no such rule in the basip policy pack (rules: basip-https-endpoint, "],
  [{ "basip-https-endpoint": "sometimes" }, 'basip-https-endpoint: enforcementLevel must be one of advisory, mandatory, remediate, disabled, got "sometimes"'],
  [{ "basip-https-endpoint": { enforcementLevel: "warn" } }, 'basip-https-endpoint: enforcementLevel must be one of advisory, mandatory, remediate, disabled, got "warn"'],
  [{ "basip-https-endpoint": { appliesTo: "prod" } }, 'basip-https-endpoint: appliesTo: must be one of "production", "all", got "prod"'],
  [{ "basip-https-endpoint": 3 }, "basip-https-endpoint: must be a level or an object, got 3"],
  [{ "basip-registration-interval": { min: 10 } }, "basip-registration-interval: min: must be at least 30, got 10"],
  [{ "basip-registration-interval": { max: 1000 } }, "basip-registration-interval: max: must be at most 900, got 1000"],
  [{ "basip-registration-interval": { min: 60.5 } }, "basip-registration-interval: min: must be an integer, got 60.5"],
  [{ "basip-registration-interval": { min: 700 } }, "basip-registration-interval: min (700) must not exceed max (600)"],
  [{ "basip-allowed-transports": { allowed: [] } }, "basip-allowed-transports: allowed: must have at least 1 item(s)"],
  [{ "basip-allowed-transports": { allowed: ["tls", "tls"] } }, "basip-allowed-transports: allowed: must not repeat an item"],
  [{ "basip-allowed-transports": { allowed: ["sctp"] } }, 'basip-allowed-transports: allowed: item 0: must be one of "udp", "tcp", "tls", got "sctp"'],
  [{ "basip-allowed-transports": { requireExplicit: "yes" } }, 'basip-allowed-transports: requireExplicit: must be true or false, got "yes"'],
  [{ "basip-sip-password": { minLength: "8" } }, 'basip-sip-password: minLength: must be an integer, got "8"'],
  [{ "basip-wait-for-registration": { wait: true } }, 'basip-wait-for-registration: unknown property "wait" (properties: minSeconds)'],
  [{ "basip-unique-sip-user": { strict: true } }, 'basip-unique-sip-user: unknown property "strict" (this rule takes only enforcementLevel)'],
])("%j", (config, problem) => {
  const problems = configFileProblems(JSON.stringify(config));
  expect(problems).toHaveLength(1);
  expect(problems[0].startsWith(problem)).toBe(true);
});

test("not JSON, or not an object", () => {
  expect(configFileProblems("{")[0]).toMatch(/^not JSON: /);
  expect(configFileProblems("[]")).toEqual(["must be a JSON object of rule names"]);
});

test("the CLI prints file: problem and exits 1; ok files print ok", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-policy-config-"));
  const bad = path.join(dir, "bad.json");
  const good = path.join(dir, "good.json");
  fs.writeFileSync(bad, JSON.stringify({ "basip-nope": { min: 1 } }));
  fs.writeFileSync(good, JSON.stringify({ "basip-https-endpoint": "advisory" }));
  const cli = path.resolve(__dirname, "../../dist/policies/cli.js");
  expect(execFileSync(process.execPath, [cli, good], { encoding: "utf8" })).toBe(`${good}: ok\n`);
  let failure: { status?: number; stderr?: string } = {};
  try {
    execFileSync(process.execPath, [cli, good, bad], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    failure = e as typeof failure;
  }
  expect(failure.status).toBe(1);
  expect(failure.stderr).toContain(`${bad}: basip-nope: no such rule in the basip policy pack`);
  fs.rmSync(dir, { recursive: true, force: true });
});
