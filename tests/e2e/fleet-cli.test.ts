/**
 * `basip-fleet` as a user runs it: the bin in a child process, the real Pulumi CLI, the default file
 * backend in the working directory, two sites against three emulated devices. Site a takes its
 * secrets from environment variables, site b from its (encrypted) stack config. Covers: preview with
 * no device request; up; a fleet-wide change while one panel is offline and another has drifted
 * (the others are applied and the drift repaired, the offline one is reported, exit code 1); a
 * locked site named as such; an unknown --sites name and a bad inventory refused with exit code 2.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, EmulatedDevice, startEmulator } from "../../emulator";
import type { FleetReport } from "../../fleet";
import { processEnv, pulumiBinDir } from "./harness";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/fleet/cli.js");
const ADMIN = "123456";
const SIP_A = "s3cret-site-a";
const SIP_B = "s3cret-site-b";

let emu: Emulator;
let devs: EmulatedDevice[];
let dir: string;
let env: NodeJS.ProcessEnv;

function inventory(interval: number): string {
  return [
    "defaults:",
    "  device: {timeoutMs: 1000, retries: 0}   # an offline panel fails fast",
    `  sip: {proxy: sip:pbx.example.com, realm: pbx.example.com, stun: {ip: stun.example.com, port: 3478}, registrationInterval: ${interval}}`,
    "sites:",
    "  a:",
    "    devices:",
    `      - {name: a-1, endpoint: "${devs[0].url}", user: "1001"}`,
    `      - {name: a-2, endpoint: "${devs[1].url}", user: "1002"}`,
    "  b:",
    "    devices:",
    `      - {name: b-1, endpoint: "${devs[2].url}", user: "2001"}`,
    "",
  ].join("\n");
}

/** Runs the bin in `dir` (asynchronously: the emulator answers from this process). */
function fleet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as FleetReport;
const site = (r: FleetReport, name: string) => r.sites.find((s) => s.site === name)!;
const writes = () => devs.map((d) => d.counts().write);
const clearAll = () => devs.forEach((d) => d.clearRequests());

beforeAll(async () => {
  emu = await startEmulator({ port: 0, devices: 3 });
  devs = [0, 1, 2].map((i) => emu.device(i));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-fleet-cli-"));
  // The dynamic-provider plugin resolves pulumi-basip from the project directory, as in a user's repository.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "inventory.yaml"), inventory(300));
  const bin = pulumiBinDir();
  env = processEnv(dir, {
    // Site a from the environment; site b's SIP password from its stack config (below).
    BASIP_ADMIN_PASSWORD: ADMIN,
    BASIP_SIP_PASSWORD_SITE_A: SIP_A,
  });
  // What a GitOps repository commits: Pulumi.yaml and Pulumi.b.yaml with the encrypted secret.
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: basip-fleet\nruntime: nodejs\n");
  const cliEnv = { ...env, PULUMI_BACKEND_URL: `file://${path.join(dir, ".pulumi-state")}` };
  fs.mkdirSync(path.join(dir, ".pulumi-state"));
  const { execFileSync } = await import("child_process");
  execFileSync(path.join(bin, "pulumi"), ["stack", "init", "b", "--non-interactive"], { cwd: dir, env: cliEnv, stdio: "pipe" });
  execFileSync(path.join(bin, "pulumi"), ["config", "set", "--secret", "sipSite:b", SIP_B, "--stack", "b", "--non-interactive"], { cwd: dir, env: cliEnv, stdio: "pipe" });
  expect(fs.readFileSync(path.join(dir, "Pulumi.b.yaml"), "utf8")).not.toContain(SIP_B);
});

afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await emu?.stop();
});

test("preview: both sites planned as adoptions, no device request, report written", async () => {
  const r = await fleet("preview", "--inventory", "inventory.yaml", "--report", "out/preview.md", "--json", "out/preview.json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(devs.map((d) => d.counts().total)).toEqual([0, 0, 0]);
  const report = readJson("out/preview.json");
  expect(report.totals).toMatchObject({ sites: 2, sitesFailed: 0, adopt: 3, failed: 0 });
  const md = fs.readFileSync(path.join(dir, "out/preview.md"), "utf8");
  expect(md).toContain("- `a-2` SipAccount: to adopt (create: the device's account is taken over)");
  expect(md).toContain("  - `password`: set (secret)");
  expect(r.stdout).toMatch(/^a +preview/m);
  expect(r.stdout).toContain("2 of 2 site(s) succeeded; 0 resource(s) failed.");
});

test("up applies both sites with secrets from the environment and from stack config", async () => {
  const r = await fleet("up", "-i", "inventory.yaml", "--concurrency", "2");
  expect(r.code).toBe(0);
  expect(devs.map((d) => d.main.user)).toEqual(["1001", "1002", "2001"]);
  expect(devs.map((d) => d.main.password)).toEqual([SIP_A, SIP_A, SIP_B]);
  expect(fs.existsSync(path.join(dir, ".pulumi-state/.pulumi/stacks/basip-fleet/a.json"))).toBe(true);
});

test("one panel offline, one drifted: the others apply and the drift is repaired; the report lists the offline one", async () => {
  await devs[1].setDown(true);
  devs[0].main.proxy = "sip:someone-else.example.com"; // changed on the panel
  fs.writeFileSync(path.join(dir, "inventory.yaml"), inventory(600));
  clearAll();
  const r = await fleet("up", "-i", "inventory.yaml", "--report", "up.md", "--json", "up.json");
  expect(r.code).toBe(1);
  expect(devs.map((d) => d.main.registration_interval)).toEqual([600, 300, 600]);
  expect(devs[0].main.proxy).toBe("sip:pbx.example.com");
  expect(writes()).toEqual([1, 0, 1]);

  const report = readJson("up.json");
  expect(site(report, "a")).toMatchObject({ status: "failed", totals: { update: 1, drift: 1, failed: 1 } });
  expect(site(report, "b")).toMatchObject({ status: "succeeded", totals: { update: 1, failed: 0 } });
  const down = site(report, "a").unreachable;
  expect(down.map((u) => [u.device, u.resource, u.phase])).toEqual([["a-2", "SipAccount", "refresh"]]);
  expect(down[0].reason).toContain(`BAS-IP device ${devs[1].url}`);
  expect(down[0].reason).toContain("ECONNRESET"); // a device put down resets each connection
  // Registration per reachable main account (the emulated PBX accepts every account); a changed
  // registration is never drift.
  expect(site(report, "b").registration).toEqual([{ device: "b-1", status: "OK", lastAttempt: expect.any(String) }]);
  expect(site(report, "a").registration.map((g) => [g.device, g.status])).toEqual([["a-1", "OK"]]);
  const md = fs.readFileSync(path.join(dir, "up.md"), "utf8");
  expect(md).toContain("| a | **failed** | 0 | 1 | 0 | 0 | 1 | 0 | 1 |");
  expect(md).toContain('- `a-1` SipAccount: drift found by refresh (the device differed from the state; `up` restores it)\n  - `proxy`: `"sip:pbx.example.com"` → `"sip:someone-else.example.com"`');
  expect(md).toContain('  - `proxy`: `"sip:someone-else.example.com"` → `"sip:pbx.example.com"`\n  - `registrationInterval`: `300` → `600`');
  expect(md).toContain("- `b-1` SipAccount: updated\n  - `registrationInterval`: `300` → `600`");
  for (const s of [ADMIN, SIP_A, SIP_B]) expect(md + JSON.stringify(report) + r.stdout + r.stderr).not.toContain(s);
  expect(r.stdout).toMatch(/a: failed: .* 1 failed\n {2}a-2 \(SipAccount, refresh\): refresh SIP account: BAS-IP device/);

  await devs[1].setDown(false);
  clearAll();
  const again = await fleet("up", "-i", "inventory.yaml");
  expect(again.code).toBe(0);
  expect(writes()).toEqual([0, 1, 0]);
});

test("a locked site is named and the other goes on; unknown sites and a bad inventory exit 2", async () => {
  const lockDir = path.join(dir, ".pulumi-state/.pulumi/locks/organization/basip-fleet/b");
  fs.mkdirSync(lockDir, { recursive: true });
  fs.writeFileSync(path.join(lockDir, "other-run.json"), JSON.stringify({ pid: 1, username: "ci", hostname: "runner", timestamp: new Date().toISOString() }));
  const r = await fleet("refresh", "-i", "inventory.yaml", "--json", "refresh.json");
  fs.rmSync(lockDir, { recursive: true });
  expect(r.code).toBe(1);
  const report = readJson("refresh.json");
  expect(site(report, "b")).toMatchObject({ status: "locked" });
  expect(site(report, "b").error).toContain("stack b is locked by another update");
  expect(site(report, "a").status).toBe("succeeded");

  const unknown = await fleet("preview", "-i", "inventory.yaml", "--sites", "b,c");
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe("inventory.yaml: site c: not in the inventory (sites: a, b)\n");

  clearAll();
  fs.writeFileSync(path.join(dir, "bad.yaml"), inventory(600).replace('user: "1002"', "user: 1002").replace("registrationInterval: 600", "registrationInterval: 5"));
  const bad = await fleet("up", "-i", "bad.yaml");
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim().split("\n")).toEqual([
    "bad.yaml:3: device a-1: sip.registrationInterval: must be a number from 30 to 900, got 5 (from the top-level defaults)",
    'bad.yaml:8: device a-2: user: must be a string; quote numbers: user: "1002"',
    "bad.yaml:3: device a-2: sip.registrationInterval: must be a number from 30 to 900, got 5 (from the top-level defaults)",
    "bad.yaml:3: device b-1: sip.registrationInterval: must be a number from 30 to 900, got 5 (from the top-level defaults)",
  ]);
  expect(devs.map((d) => d.counts().total)).toEqual([0, 0, 0]);
});
