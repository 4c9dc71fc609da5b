/**
 * docs/guides/onboarding.md, as written: every ```sh block of the page, in order, runs in one bash
 * (`-e`: any failing command fails the test) in a fleet repository made here, against emulated
 * panels set up by hand. The user's part is played as the page asks for it: `panels.txt` is the
 * page's own example with each address replaced by an emulated panel's, and every `read` of a
 * password gets its line on stdin (the panels' admin password, then each site's current SIP
 * password: the guide's "keep the current passwords"). Then: the inventory reproduces the panels,
 * the preview planned adoptions only, `up` left every panel's settings and passwords as they were,
 * the last preview is in step, and `sites` printed the sites.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { parseInventory } from "../../fleet/inventory";
import { fromWire } from "../../provider/schema/mapping";
import { processEnv } from "./harness";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../..");
const GUIDE = fs.readFileSync(path.join(ROOT, "docs/guides/onboarding.md"), "utf8");
const blocks = (lang: string) => [...GUIDE.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
const ADMIN = "123456";
const SIP: Record<string, string> = { north: "north-today-1", south: "south-today-1" };

let emu: Emulator;
let dir: string;

afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await emu?.stop();
});

test("the guide's commands, run as written, bring hand-set panels under management without changing them", async () => {
  const sh = blocks("sh");
  expect(sh.join("\n")).toMatch(/basip-fleet discover[\s\S]*basip-fleet preview[\s\S]*basip-fleet up[\s\S]*basip-fleet sites/);
  // The example panels.txt: "address site # comment" lines.
  const example = blocks("text").find((b) => b.startsWith("# panels.txt"))!;
  const lines = example.split("\n").filter((l) => /^\d/.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(3);

  emu = await startEmulator({ port: 0, devices: lines.length });
  const sites = lines.map((l) => l.split(/\s+/)[1]);
  emu.devices.forEach((p, i) => {
    const s = sites[i];
    p.main = { ...p.main, proxy: `sip:pbx-${s}.example.com`, realm: `pbx-${s}.example.com`, user: `${s === "north" ? 1 : 2}00${i + 1}`, password: SIP[s], stun: { ip: "stun.example.com", port: 3478 }, registration_interval: i === 0 ? 120 : 300 };
    p.info = { device_name: `${s} panel ${i + 1}`, device_model: "AQ-07L", firmware_version: "2.11.0" };
  });
  emu.devices[1].sipEnable.sip_enable = false;
  const before = emu.devices.map((p) => ({ main: { ...p.main }, enable: p.sipEnable.sip_enable }));

  dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-guide-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: basip-fleet\nruntime: nodejs\n");
  let n = 0;
  fs.writeFileSync(path.join(dir, "panels.txt"), example.replace(/^[\d.:]+(?=\s)/gm, () => emu.devices[n++].url));
  // One line per `read` of the guide, in its order.
  const reads = [...sh.join("\n").matchAll(/read -rs (\w+)/g)].map((m) => m[1]);
  expect(reads).toEqual(["BASIP_ADMIN_PASSWORD", "BASIP_SIP_PASSWORD_SITE_NORTH", "BASIP_SIP_PASSWORD_SITE_SOUTH"]);
  const stdin = [ADMIN, SIP.north, SIP.south].map((s) => `${s}\n`).join("");

  const env = processEnv(dir, {
    npm_config_update_notifier: "false",
  });
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", ["-e", "-c", sh.join("\n")], { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });

  // Discover: every panel in the inventory, as it is; the report says what the first up writes.
  const specs = parseInventory(fs.readFileSync(path.join(dir, "inventory.yaml"), "utf8"), "inventory.yaml");
  expect(specs.map((d) => [d.name, d.site])).toEqual(emu.devices.map((_, i) => [`${sites[i]}-panel-${i + 1}`, sites[i]]));
  specs.forEach((d, i) => {
    const { password: _pw, ...held } = before[i].main;
    expect(d.main).toEqual({ ...fromWire(held), ...(before[i].enable ? {} : { enabled: false }) });
  });
  expect(fs.readFileSync(path.join(dir, "discover.md"), "utf8")).toContain("only the SIP password of the main account: every other value is the one read");
  // Preview: adoptions only. Up: nothing changed on any panel, the passwords kept.
  expect(fs.readFileSync(path.join(dir, "preview.md"), "utf8")).toContain(`Planned: ${lines.length} adopt, 0 update, 0 replace, 0 remove; 0 drift found; 0 unchanged; 0 failed.`);
  const up = fs.readFileSync(path.join(dir, "up.md"), "utf8");
  expect(up).toContain(`Done: ${lines.length} adopt, 0 update, 0 replace, 0 remove; 0 drift found; 0 unchanged; 0 failed.`);
  emu.devices.forEach((p, i) => expect({ main: p.main, enable: p.sipEnable.sip_enable }).toEqual(before[i]));
  // The last preview is in step; sites prints the matrix.
  expect(run.stdout).toContain(`${new Set(sites).size} of ${new Set(sites).size} site(s) succeeded; 0 resource(s) failed.`);
  expect(run.stdout).toMatch(/north: succeeded: 0 adopt, 0 update, 0 replace, 0 remove, 0 drift, \d+ unchanged, 0 failed\n/);
  expect(run.stdout).toContain(`${JSON.stringify([...new Set(sites)].map((site) => ({ site })))}\n`);
  for (const s of [ADMIN, ...Object.values(SIP)]) expect(run.stdout).not.toContain(s);
});
