/**
 * Onboarding an estate configured by hand, as a user runs it: `basip-fleet discover` (the bin, in a
 * child process) reads 12 emulated panels with mixed settings in two sites (one site's second
 * accounts at another path than the default), plus a panel that is down and one whose admin password
 * is not the fleet's: both reported, neither fatal (north's admin password from the environment,
 * south's from its encrypted stack config). The inventory it writes reproduces every panel;
 * `preview` then plans adoptions whose every setting is the panel's own (0 setting changes), and
 * `up` with the passwords set writes nothing but the passwords: north keeps its current ones (the
 * same value set in the environment), south rotates. The emulator's request log shows the writes
 * carry exactly the settings the panels held. Bad arguments exit 2 with the reason, no panel contacted.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, EmulatedDevice, MASK, startEmulator } from "../../emulator";
import type { DiscoverReport, FleetReport } from "../../fleet";
import { parseInventory } from "../../fleet/inventory";
import { fromWire } from "../../provider/schema/mapping";
import { processEnv, pulumiBinDir } from "./harness";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/fleet/cli.js");
const SIP2_PATH = "/api/v1/device/sip2/settings";
const PW = { north: "north-sip-today", north2: "north-sip2-today", south: "south-sip-today", south2: "south-sip2-today", southNew: "south-sip-rotated", south2New: "south-sip2-rotated" };

let north: Emulator; // 6 panels + 1 that is down
let south: Emulator; // 6 panels, second account at SIP2_PATH
let other: Emulator; // 1 panel with another admin password
let panels: EmulatedDevice[];
let dir: string;
let env: NodeJS.ProcessEnv;

function fleet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return fleetWith(env, ...args);
}
function fleetWith(e: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env: e, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as T;
const settings = <T extends { password: string }>(s: T) => {
  const { password: _pw, ...rest } = s;
  return rest;
};
const snapshot = () => panels.map((p) => ({ main: { ...p.main, stun: { ...p.main.stun } }, second: { ...p.second }, enable: p.sipEnable.sip_enable }));

beforeAll(async () => {
  [north, south, other] = await Promise.all([
    startEmulator({ port: 0, devices: 7 }),
    startEmulator({ port: 0, devices: 6, secondAccountPath: SIP2_PATH }),
    startEmulator({ port: 0, devices: 1, password: "another-admin" }),
  ]);
  panels = [...north.devices.slice(0, 6), ...south.devices];
  // North: one PBX, users 1001.., some on TCP, one with a shorter interval, one with SIP off, two
  // with a second account; the others keep the factory second account (left out).
  north.devices.slice(0, 6).forEach((p, i) => {
    p.main = { ...p.main, proxy: "sip:pbx-north.example.com", realm: "pbx-north.example.com", user: `100${i + 1}`, password: PW.north, stun: { ip: "stun.example.com", port: 3478 }, registration_interval: i === 2 ? 120 : 300, transport: i % 2 ? "tcp" : "udp" };
    if (i < 2) p.second = { ...p.second, proxy: "sip:pbx-backup.example.com", realm: "pbx-backup.example.com", user: `100${i + 1}`, password: PW.north2, user_id: `lobby-${i + 1}` };
    p.info = { device_name: i === 5 ? "Lobby 1" : `Lobby ${i + 1}`, device_model: "AQ-07L", firmware_version: "2.11.0" };
  });
  north.devices[3].sipEnable.sip_enable = false;
  // South: another PBX and STUN, h264 103 everywhere, second accounts on half of the panels.
  south.devices.forEach((p, i) => {
    p.main = { ...p.main, proxy: "sip:10.20.0.5", realm: "10.20.0.5", user: `200${i + 1}`, password: PW.south, stun: { ip: "10.20.0.5", port: 3478 }, registration_interval: 600, h264: 103, transport: "udp" };
    if (i % 2 === 0) p.second = { ...p.second, proxy: "sip:10.20.0.6", realm: "10.20.0.6", user: `200${i + 1}`, password: PW.south2, registration_interval: 90, outbound: "10.20.0.7" };
    p.info = { device_name: `Gate ${i + 1}`, device_model: "AA-12FB", firmware_version: "2.10.0" };
  });
  // One panel whose account the PBX refuses: read and written all the same, reported not registered.
  south.devices[5].registrar.options.accept = [];
  south.devices[5].registrar.attemptNow();
  await north.devices[6].setDown(true);

  dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-discover-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: basip-fleet\nruntime: nodejs\n");
  const lines = [...north.devices.map((p) => p.url), other.device(0).url].map((u, i) => (i === 0 ? `${u}   # the first lobby panel` : u));
  fs.writeFileSync(path.join(dir, "north.txt"), `# north building\n${lines.join("\n")}\n`);
  env = processEnv(dir, {
    BASIP_ADMIN_PASSWORD: "123456",
  });
});

afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all([north?.stop(), south?.stop(), other?.stop()]);
});

test("bad arguments exit 2 with the reason; no panel is contacted", async () => {
  const none = await fleet("discover", "--site", "north");
  expect(none).toMatchObject({ code: 2, stdout: "" });
  expect(none.stderr).toBe("basip-fleet: --endpoints FILE|host[,host] is required\n(basip-fleet --help for the usage)\n");
  const bad = await fleet("discover", "-e", `${panels[0].url},10.0.0.300,ftp://x`);
  expect(bad.code).toBe(2);
  expect(bad.stderr.split("\n")).toEqual([
    `basip-fleet discover: --endpoints: ${panels[0].url}: no site: give --site NAME, or the site after the endpoint`,
    'basip-fleet discover: --endpoints: "10.0.0.300": must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only), got "http://10.0.0.300"',
    'basip-fleet discover: --endpoints: "ftp://x": must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only), got "ftp://x"',
    "",
  ]);
  const missing = await fleet("discover", "-e", "panels.txt", "--site", "north");
  expect(missing).toMatchObject({ code: 2, stderr: "basip-fleet discover: --endpoints panels.txt: no such file\n" });
  const noAdmin = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(process.execPath, [CLI, "discover", "-e", panels[0].url, "--site", "north"], { cwd: dir, env: { ...env, BASIP_ADMIN_PASSWORD: "" } }, (err, _o, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr })),
  );
  expect(noAdmin).toEqual({
    code: 2,
    stderr: "basip-fleet discover: site north: admin password: set one of adminPassword:north, $BASIP_ADMIN_PASSWORD_SITE_NORTH, adminPassword, $BASIP_ADMIN_PASSWORD, basip:password, $BASIP_PASSWORD\n",
  });
  // A key in a site's stack config that cannot be read (here: no such stack) is named, not skipped.
  fs.writeFileSync(path.join(dir, "Pulumi.east.yaml"), "config:\n  adminPassword:east:\n    secure: v1:AAAA\n");
  const unreadable = await fleet("discover", "-e", panels[0].url, "--site", "east");
  fs.rmSync(path.join(dir, "Pulumi.east.yaml"));
  expect(unreadable.code).toBe(2);
  expect(unreadable.stderr).toMatch(/^basip-fleet discover: site east: admin password: cannot read adminPassword:east from Pulumi.east.yaml: .*east.*\n$/);
  expect(fs.existsSync(path.join(dir, "inventory.yaml"))).toBe(false);
  expect([...north.devices, ...south.devices, other.device(0)].map((p) => p.counts().total).reduce((a, b) => a + b)).toBe(0);
});

test("discover writes an inventory that reproduces 12 panels; a down panel and a wrong admin password are reported, not fatal", async () => {
  const n = await fleet("discover", "--endpoints", "north.txt", "--site", "north", "--report", "discover-north.md", "--json", "discover-north.json");
  expect(n.stderr).toBe("");
  expect(n.code).toBe(1);
  const nr = readJson<DiscoverReport>("discover-north.json");
  expect(nr.totals).toMatchObject({ panels: 8, read: 6, unreadable: 2, added: 6 });
  expect(nr.unreadable.map((u) => [u.endpoint, u.reason.split(":")[0]])).toEqual([
    [north.devices[6].url, "unreachable"],
    [other.device(0).url, "wrong admin password or user (the panel refused the login)"],
  ]);
  expect(nr.unreadable[0].reason).toContain("ECONNRESET"); // a device put down resets each connection
  expect(nr.unreadable[1].reason).toContain("Wrong login or password");
  const md = fs.readFileSync(path.join(dir, "discover-north.md"), "utf8");
  expect(md).toContain("## basip-fleet discover: 8 panels, 6 read, 2 could not be read");
  expect(md).toContain(`| \`lobby-1\` | north | ${panels[0].url} | AQ-07L | 2.11.0 | OK | main, second (second at \`/api/v1/device/sip/settings/second\`) | added | only the SIP password of the main and second accounts: every other value is the one read |`);
  expect(md).toContain(`| \`lobby-4\` | north | ${panels[3].url} | AQ-07L | 2.11.0 | OFFLINE | main | added | only the SIP password of the main account: every other value is the one read |`);
  expect(md).toContain(`- ${other.device(0).url} (site \`north\`): wrong admin password or user`);
  expect(n.stdout).toMatch(/^discover: 8\/8 panels read, 2 could not be read$/m);
  expect(n.stdout).toContain("6 of 8 panel(s) read; inventory.yaml: 6 added, 0 updated, 0 unchanged, 0 kept, 0 skipped; 2 could not be read.");
  const northText = fs.readFileSync(path.join(dir, "inventory.yaml"), "utf8");

  // The second site merges into the same file: north's entries stay as they were. Its admin
  // password comes from its stack config (encrypted in Pulumi.south.yaml), as for up.
  const pulumi = path.join(pulumiBinDir(), "pulumi");
  const cliEnv = { ...env, PULUMI_BACKEND_URL: `file://${path.join(dir, ".pulumi-state")}` };
  fs.mkdirSync(path.join(dir, ".pulumi-state"), { recursive: true });
  execFileSync(pulumi, ["stack", "init", "south", "--non-interactive"], { cwd: dir, env: cliEnv, stdio: "pipe" });
  execFileSync(pulumi, ["config", "set", "--secret", "adminPassword:south", "123456", "--stack", "south", "--non-interactive"], { cwd: dir, env: cliEnv, stdio: "pipe" });
  const s = await fleetWith({ ...env, BASIP_ADMIN_PASSWORD: "" }, "discover", "-e", south.devices.map((p) => p.url.replace("http://", "")).join(","), "--site", "south", "--json", "discover-south.json", "--concurrency", "3");
  expect(s).toMatchObject({ code: 0, stderr: "" });
  const text = fs.readFileSync(path.join(dir, "inventory.yaml"), "utf8");
  expect(text.startsWith(northText.trimEnd())).toBe(true);
  const sr = readJson<DiscoverReport>("discover-south.json");
  expect(sr.devices.map((d) => [d.name, d.registration, d.accounts.join("+"), d.secondAccountPath ?? "-"])).toEqual([
    ["gate-1", "OK", "main+second", SIP2_PATH],
    ["gate-2", "OK", "main", "-"],
    ["gate-3", "OK", "main+second", SIP2_PATH],
    ["gate-4", "OK", "main", "-"],
    ["gate-5", "OK", "main+second", SIP2_PATH],
    ["gate-6", "ERROR", "main", "-"],
  ]);

  // Shared values went into each site's defaults; names are the panels' own, made unique.
  expect(text).toMatch(/ {2}north:\n {4}defaults:\n {6}sip:\n {8}proxy: sip:pbx-north.example.com\n {8}realm: pbx-north.example.com\n {8}stun: \{ ip: stun.example.com, port: 3478 \}\n/);
  expect(text).toMatch(/ {2}south:\n {4}defaults:\n {6}sip:\n {8}proxy: sip:10.20.0.5\n/);
  // No password in any form: no such key, none of the values the panels hold, not the placeholder.
  expect(text).not.toMatch(/^[^#]*(password|WebPass)/im);
  for (const pw of Object.values(PW)) expect(text).not.toContain(pw);
  const specs = parseInventory(text, "inventory.yaml");
  expect(specs.map((d) => d.name)).toEqual(["lobby-1", "lobby-2", "lobby-3", "lobby-4", "lobby-5", "lobby-1-2", "gate-1", "gate-2", "gate-3", "gate-4", "gate-5", "gate-6"]);
  // Every panel comes back as it is: the main account (SIP off where it is off), the second where configured.
  specs.forEach((d, i) => {
    const p = panels[i];
    expect(d.endpoint).toBe(p.url);
    expect(d.main).toEqual({ ...fromWire(settings(p.main)), ...(p.sipEnable.sip_enable ? {} : { enabled: false }) });
    const configured = p.second.user_id !== "" || p.second.proxy !== "sip:sip.bas-ip.com";
    expect(d.second).toEqual(configured ? fromWire(settings(p.second)) : undefined);
    if (configured && i >= 6) expect(d.connection.secondAccountPath).toBe(SIP2_PATH);
  });
  expect(panels.map((p) => p.counts().write)).toEqual(panels.map(() => 0));
});

test("preview after discover: every panel adopted with its own settings, 0 setting changes", async () => {
  // North keeps its current SIP passwords (the same value, set in the environment); south rotates.
  Object.assign(env, {
    BASIP_SIP_PASSWORD_SITE_NORTH: PW.north,
    BASIP_SIP2_PASSWORD_SITE_NORTH: PW.north2,
    BASIP_SIP_PASSWORD_SITE_SOUTH: PW.southNew,
    BASIP_SIP2_PASSWORD_SITE_SOUTH: PW.south2New,
  });
  panels.forEach((p) => p.clearRequests());
  const r = await fleet("preview", "-i", "inventory.yaml", "--json", "preview.json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(panels.map((p) => p.counts().total)).toEqual(panels.map(() => 0));
  const report = readJson<FleetReport>("preview.json");
  expect(report.totals).toMatchObject({ adopt: 17, update: 0, replace: 0, remove: 0, failed: 0 });
  const byUrl = new Map(panels.map((p) => [p.url, p]));
  const specs = new Map(parseInventory(fs.readFileSync(path.join(dir, "inventory.yaml"), "utf8"), "inventory.yaml").map((d) => [d.name, d]));
  let compared = 0;
  for (const e of report.sites.flatMap((s) => s.entries)) {
    const p = byUrl.get(specs.get(e.device)!.endpoint)!;
    const held: Record<string, unknown> = e.resource === "SipAccount" ? { ...fromWire(settings(p.main)), enabled: p.sipEnable.sip_enable } : fromWire(settings(p.second));
    for (const c of e.changes) {
      const field = c.field.split(".")[0];
      if (!(field in held)) continue; // the password (secret), its counter, the device connection
      expect([e.device, c.field, c.new]).toEqual([e.device, c.field, c.field === "stun.ip" || c.field === "stun.port" ? (held.stun as Record<string, unknown>)[c.field.slice(5)] : held[field]]);
      compared++;
    }
    // Every setting is managed (none left for the panel to keep by chance), SIP on left unmanaged.
    const managed = new Set(e.changes.map((c) => c.field.split(".")[0]).filter((f) => f in held));
    expect([e.device, [...managed].sort()]).toEqual([e.device, Object.keys(held).filter((k) => k !== "enabled" || held.enabled === false).sort()]);
    expect(e.changes.find((c) => c.field === "password")).toEqual({ field: "password", secret: true });
  }
  expect(compared).toBeGreaterThan(17 * 5);
});

test("up with the passwords set changes nothing but the passwords", async () => {
  const before = snapshot();
  panels.forEach((p) => p.clearRequests());
  const r = await fleet("up", "-i", "inventory.yaml", "--json", "up.json");
  expect(r.code).toBe(0);
  const report = readJson<FleetReport>("up.json");
  expect(report.totals).toMatchObject({ adopt: 17, update: 0, drift: 0, failed: 0 });
  const after = snapshot();
  after.forEach((a, i) => {
    expect({ main: settings(a.main), second: settings(a.second), enable: a.enable }).toEqual({ main: settings(before[i].main), second: settings(before[i].second), enable: before[i].enable });
  });
  expect(panels.slice(0, 6).map((p) => p.main.password)).toEqual(panels.slice(0, 6).map(() => PW.north));
  expect(panels.slice(0, 2).map((p) => p.second.password)).toEqual([PW.north2, PW.north2]);
  expect(panels.slice(6).map((p) => p.main.password)).toEqual(panels.slice(6).map(() => PW.southNew));
  // South's second accounts where configured; the factory ones are not managed and keep theirs.
  expect(panels.slice(6).map((p) => p.second.password)).toEqual(panels.slice(6).map((_, i) => (i % 2 === 0 ? PW.south2New : before[6 + i].second.password)));
  // The request log: each write carries exactly the settings the panel held (password masked).
  panels.forEach((p, i) => {
    const writes = p.requests.filter((q) => q.kind === "write");
    const expected = [{ main: { ...before[i].main, password: MASK } }, ...(i === 3 ? [{ sipEnable: { sip_enable: false } }] : []), ...(i < 2 || (i >= 6 && i % 2 === 0) ? [{ second: { ...before[i].second, password: MASK } }] : [])];
    expect(writes.map((q) => ({ [q.account!]: q.body }))).toEqual(expect.arrayContaining(expected));
    expect(writes).toHaveLength(expected.length);
    expect(p.receivedWebPass()).toBe(false);
  });
});
