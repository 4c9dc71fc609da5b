/**
 * `basip-fleet discover` without devices: the inventory it writes from panel readings (shared values
 * lifted into the site's defaults, per-device overrides kept, factory accounts left out, names made
 * valid and unique), the merge with an inventory that exists (with and without --update), the
 * endpoint list, and `basip-fleet sites --changed-since` on a git repository made here.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ACCOUNTS as EMULATOR_ACCOUNTS } from "../../emulator/accounts";
import { parseFleetArgs } from "../../fleet/args";
import { endpointOf, parseTargets } from "../../fleet/discover";
import { accountsOf, FACTORY, factorDefaults, PanelReading, sanitiseName, uniqueNames } from "../../fleet/discover-factor";
import { buildDiscoverReport } from "../../fleet/discover-report";
import { mergeInventory } from "../../fleet/discover-yaml";
import { DeviceSpec, parseInventory } from "../../fleet/inventory";
import { runSites } from "../../fleet/sites";
import { deviceKey } from "pulumi-basip";
import { parse } from "yaml";

const PBX = { proxy: "sip:pbx.example.com", realm: "pbx.example.com", stun: { ip: "stun.example.com", port: 3478 }, registrationInterval: 300, h264: 102, transport: "udp" };
const PBX2 = { proxy: "sip:pbx2.example.com", realm: "pbx2.example.com", transport: "udp", userId: "", registrationInterval: 120, outbound: "" };

function reading(n: number, over: Partial<PanelReading> = {}): PanelReading {
  return { endpoint: `http://10.0.0.${n}`, site: "north", info: { name: `Lobby ${n}`, model: "AQ-07L", firmwareVersion: "2.11.0" }, main: { ...PBX, user: `10${n}` }, enabled: true, notes: [], ...over };
}

/** What the inventory resolves for each device, by endpoint: the round trip the preview relies on. */
const specs = (text: string) => new Map(parseInventory(text, "inventory.yaml").map((d) => [d.endpoint, d]));

/** The device values a reading must come back as (the resources' own defaults apply: h264 102). */
function expectReproduced(spec: DeviceSpec | undefined, r: PanelReading) {
  expect(spec).toBeDefined();
  const accounts = accountsOf(r);
  if (accounts.includes("main")) expect(spec!.main).toEqual({ ...r.main, ...(r.enabled === false ? { enabled: false } : {}) });
  else expect(spec!.main).toBeUndefined();
  if (accounts.includes("second")) {
    expect(spec!.second).toEqual(r.second);
    expect(spec!.connection.secondAccountPath ?? "/api/v1/device/sip/settings/second").toBe(r.secondAccountPath);
  } else expect(spec!.second).toBeUndefined();
}

describe("defaults factoring", () => {
  const readings = [
    reading(1),
    reading(2, { main: { ...PBX, user: "102", transport: "tcp" } }),
    reading(3, { enabled: false, second: { ...PBX2, user: "103" }, secondAccountPath: "/api/v1/device/sip2/settings" }),
  ];

  test("values every device shares go into the site's defaults; the rest stay per device", () => {
    expect(factorDefaults(readings)).toEqual({ sip: { proxy: PBX.proxy, realm: PBX.realm, stun: PBX.stun, registrationInterval: 300, h264: 102 } });
    const { text } = mergeInventory(undefined, readings, { update: false });
    const doc = parse(text) as { sites: { north: { devices: Record<string, unknown>[] } } };
    expect(doc.sites.north.devices).toEqual([
      { name: "lobby-1", endpoint: "http://10.0.0.1", user: "101", sip: { transport: "udp" } },
      { name: "lobby-2", endpoint: "http://10.0.0.2", user: "102", sip: { transport: "tcp" } },
      {
        name: "lobby-3",
        endpoint: "http://10.0.0.3",
        accounts: "both",
        user: "103",
        sip: { transport: "udp", enabled: false },
        sip2: { proxy: PBX2.proxy, realm: PBX2.realm, transport: "udp", userId: "", registrationInterval: 120, outbound: "" },
        device: { secondAccountPath: "/api/v1/device/sip2/settings" },
      },
    ]);
    const got = specs(text);
    for (const r of readings) expectReproduced(got.get(r.endpoint), r);
  });

  test("a value the file's top-level defaults already give is not repeated in the site's", () => {
    const top = { sip: { proxy: PBX.proxy, realm: PBX.realm } };
    expect(factorDefaults(readings, top).sip).toEqual({ stun: PBX.stun, registrationInterval: 300, h264: 102 });
  });

  test("every device with the same second account path and accounts: both lifted too", () => {
    const both = [1, 2].map((n) => reading(n, { second: { ...PBX2, user: `10${n}` }, secondAccountPath: "/api/v1/device/sip2/settings" }));
    const d = factorDefaults(both);
    expect(d.accounts).toBe("both");
    expect(d.device).toEqual({ secondAccountPath: "/api/v1/device/sip2/settings" });
    const { text } = mergeInventory(undefined, both, { update: false });
    for (const r of both) expectReproduced(specs(text).get(r.endpoint), r);
    expect(text).not.toMatch(/^ {6}- .*\n(?: {8}.*\n)* {8}device:/m);
  });

  test("a single device keeps everything on its own entry", () => {
    expect(factorDefaults([reading(1)])).toEqual({});
  });

  test("factory accounts are left out; a panel with nothing else is skipped", () => {
    expect(FACTORY.main).toEqual({ proxy: "sip:sip.bas-ip.com", realm: "sip.bas-ip.com", user: "100", stun: { ip: "stun.l.google.com", port: 19302 }, registrationInterval: 60, h264: 102, transport: "udp" });
    // The emulator ships the same factory state (without the password, which is never read).
    const { password: _m, registration_interval: ri, ...main } = EMULATOR_ACCOUNTS.main.defaults;
    expect({ ...main, registrationInterval: ri }).toEqual(FACTORY.main);
    const factory = reading(4, { main: { ...FACTORY.main }, second: { ...FACTORY.second }, secondAccountPath: "/api/v1/device/sip/settings/second" });
    expect(accountsOf(factory)).toEqual([]);
    expect(accountsOf({ ...factory, enabled: false })).toEqual(["main"]);
    expect(accountsOf({ ...factory, second: { ...FACTORY.second, user: "55" } })).toEqual(["second"]);
    const r = mergeInventory(undefined, [reading(1), factory], { update: false });
    expect(r.devices.map((d) => [d.name, d.outcome, d.why])).toEqual([
      ["lobby-1", "added", undefined],
      ["lobby-4", "skipped", "every account is at factory settings: nothing to manage"],
    ]);
    expect(r.text).not.toContain("10.0.0.4");
  });

  test("values the resources would refuse are not written; the panel is skipped with the reason", () => {
    const bad = reading(5, { main: { ...PBX, user: "105", registrationInterval: 5 } });
    const r = mergeInventory(undefined, [reading(1), bad], { update: false });
    expect(r.devices[1]).toMatchObject({ outcome: "skipped", why: expect.stringContaining("sip.registrationInterval: must be a number from 30 to 900") });
    expect(specs(r.text).size).toBe(1);
  });
});

describe("names", () => {
  test("a panel's name made valid: lower-case, accents dropped, runs of other characters one '-'", () => {
    expect(sanitiseName("Lobby Panel #1")).toBe("lobby-panel-1");
    expect(sanitiseName("  Über Tür / Nord  ")).toBe("uber-tur-nord");
    expect(sanitiseName("-_.Gate_2.")).toBe("gate_2");
    expect(sanitiseName("☎☎")).toBe("");
    expect(sanitiseName("x".repeat(80))).toHaveLength(63);
  });

  test("made unique, also against names that would read the same environment variable", () => {
    expect(uniqueNames(["gate", "gate", "a.b", "a-b"], ["gate"])).toEqual(["gate-2", "gate-3", "a.b", "a-b-2"]);
    expect(uniqueNames(["y".repeat(63), "y".repeat(63)], [])).toEqual(["y".repeat(63), `${"y".repeat(61)}-2`]);
  });

  test("a panel without a name is named after its endpoint", () => {
    const r = mergeInventory(undefined, [reading(1, { info: undefined, endpoint: "http://10.0.0.1:8080" }), reading(2, { info: { name: "!!!" } })], { update: false });
    expect(r.devices.map((d) => d.name)).toEqual(["panel-10.0.0.1-8080", "panel-10.0.0.2"]);
  });
});

describe("merge with an inventory that exists", () => {
  const EXISTING = [
    "# Our fleet. Hand-written.",
    "sites:",
    "  north:",
    "    runner: basip-north",
    "    defaults:",
    "      sip: {proxy: sip:pbx.example.com, realm: pbx.example.com, stun: {ip: stun.example.com, port: 3478}}",
    "    devices:",
    '      - {name: lobby-1, endpoint: "http://10.0.0.1", user: "999"}   # kept as written',
    "",
  ].join("\n");

  test("without --update: present devices keep their entries, new ones are added over the site's defaults", () => {
    const r = mergeInventory(EXISTING, [reading(1), reading(2)], { update: false });
    // The file's comments, order and styles stay (the yaml package spaces flow maps its own way).
    expect(r.text.startsWith("# Our fleet. Hand-written.\nsites:\n  north:\n    runner: basip-north\n    defaults:\n      sip: { proxy: sip:pbx.example.com,")).toBe(true);
    expect(r.text).toContain('- { name: lobby-1, endpoint: "http://10.0.0.1", user: "999" } # kept as written');
    expect(r.devices.map((d) => [d.name, d.outcome])).toEqual([
      ["lobby-1", "kept"],
      ["lobby-2", "added"],
    ]);
    const got = specs(r.text);
    expect(got.get("http://10.0.0.1")!.main!.user).toBe("999");
    expectReproduced(got.get("http://10.0.0.2"), reading(2));
    // The report says what the first up changes on the kept device besides the password.
    const report = buildDiscoverReport("inventory.yaml", [reading(1), reading(2)], [], r.devices, new Map([...got].map(([k, v]) => [deviceKey(k), v])));
    expect(report.devices.map((d) => d.firstUp)).toEqual([
      'the SIP password of the main account, and changes sip.user: "101" → "999" (the inventory\'s entry, kept; discover --update takes the panel\'s values)',
      "only the SIP password of the main account: every other value is the one read",
    ]);
    // Written over the existing defaults: only what they do not already say.
    expect((parse(r.text) as { sites: { north: { devices: unknown[] } } }).sites.north.devices[1]).toEqual({
      name: "lobby-2",
      endpoint: "http://10.0.0.2",
      user: "102",
      sip: { registrationInterval: 300, h264: 102, transport: "udp" },
    });
  });

  test("with --update: present devices take the panel's values, keeping their names; a second run changes nothing", () => {
    const r = mergeInventory(EXISTING, [reading(1, { info: { name: "Another Name" } }), reading(2)], { update: true });
    expect(r.devices.map((d) => [d.name, d.outcome])).toEqual([
      ["lobby-1", "updated"],
      ["lobby-2", "added"],
    ]);
    expect(r.text).toContain("# Our fleet. Hand-written.");
    expect(r.text).toContain("runner: basip-north");
    const got = specs(r.text);
    expectReproduced(got.get("http://10.0.0.1"), reading(1));
    const again = mergeInventory(r.text, [reading(1), reading(2)], { update: true });
    expect(again.devices.map((d) => d.outcome)).toEqual(["unchanged", "unchanged"]);
    expect(again.text).toBe(r.text);
  });

  test("a device found under another site stays where the file has it; a new site gets its own defaults", () => {
    const r = mergeInventory(EXISTING, [reading(1, { site: "south" }), reading(7, { site: "south" }), reading(8, { site: "south" })], { update: false });
    expect(r.devices.map((d) => [d.name, d.site, d.outcome])).toEqual([
      ["lobby-1", "north", "kept"],
      ["lobby-7", "south", "added"],
      ["lobby-8", "south", "added"],
    ]);
    const doc = parse(r.text) as { sites: Record<string, { defaults?: { sip?: Record<string, unknown> } }> };
    expect(doc.sites.south.defaults!.sip).toMatchObject({ proxy: PBX.proxy, registrationInterval: 300 });
  });
});

describe("endpoints", () => {
  test("hosts become http:// URLs; a file's lines may name their site; every problem at once", () => {
    expect(endpointOf("10.0.0.21")).toBe("http://10.0.0.21");
    expect(endpointOf("https://panel.local:8443/")).toBe("https://panel.local:8443");
    const lines = (xs: string[]) => xs.map((text, i) => ({ text, where: `panels.txt:${i + 1}` }));
    expect(parseTargets(lines(["# north", "10.0.0.1", "10.0.0.2 south  # the gate", ""]), "north")).toEqual({
      targets: [
        { endpoint: "http://10.0.0.1", site: "north" },
        { endpoint: "http://10.0.0.2", site: "south" },
      ],
    });
    expect(parseTargets(lines(["10.0.0.1", "ftp://x", "10.0.0.1", "10.0.0.3 bad/site", "10.0.0.4 a b"]), undefined)).toEqual({
      problems: [
        "panels.txt:1: 10.0.0.1: no site: give --site NAME, or the site after the endpoint",
        'panels.txt:2: "ftp://x": must be an http:// or https:// URL without credentials, path, query or fragment (host and optional port only), got "ftp://x"',
        "panels.txt:3: 10.0.0.1: no site: give --site NAME, or the site after the endpoint",
        "panels.txt:3: 10.0.0.1: listed twice (also panels.txt:1)",
        'panels.txt:4: site "bad/site": site names are 1 to 63 letters, digits, \'.\', \'_\' or \'-\'',
        'panels.txt:5: expected "endpoint [site]", got "10.0.0.4 a b"',
      ],
    });
  });
});

describe("command line", () => {
  test("discover: defaults, and every problem at once", () => {
    expect(parseFleetArgs(["discover", "-e", "10.0.0.1,10.0.0.2", "--site", "north"])).toEqual({
      kind: "discover",
      args: { endpoints: "10.0.0.1,10.0.0.2", site: "north", out: "inventory.yaml", update: false, concurrency: 8, secondPaths: [], timeoutMs: 5000 },
    });
    expect(parseFleetArgs(["discover", "--site", "a b", "--concurrency", "0", "--timeout-ms", "5", "--second-path", "x", "extra"])).toEqual({
      kind: "error",
      message: [
        "unexpected argument(s) extra",
        "--endpoints FILE|host[,host] is required",
        '--site takes a site name (1 to 63 letters, digits, \'.\', \'_\' or \'-\'), got "a b"',
        '--concurrency takes an integer from 1 to 1024, got "0"',
        '--timeout-ms takes an integer from 100 to 600000, got "5"',
        '--second-path takes an absolute path such as /api/v1/device/sip/settings/second, got "x"',
      ].join("\n"),
    });
  });

  test("sites: --json and --changed-since; a revision that looks like an option is refused", () => {
    expect(parseFleetArgs(["sites", "-i", "inv.yaml", "--json", "--changed-since", "origin/main"])).toEqual({ kind: "sites", args: { inventory: "inv.yaml", json: true, changedSince: "origin/main" } });
    expect(parseFleetArgs(["-i", "inv.yaml", "sites"])).toEqual({ kind: "sites", args: { inventory: "inv.yaml", json: false } });
    expect(parseFleetArgs(["sites", "--changed-since=--output=x"])).toEqual({ kind: "error", message: '--inventory FILE is required\n--changed-since takes a git revision (a branch, tag or commit), got "--output=x"' });
  });
});

describe("sites --changed-since on a git repository", () => {
  let dir: string;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const parsed = parseFleetArgs(["sites", "-i", "inventory.yaml", ...argv]);
    if (parsed.kind !== "sites") throw new Error(JSON.stringify(parsed));
    const r = await runSites(parsed.args, { cwd: dir, env: {}, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } });
    return { code: r.exitCode, out: out.join(""), err: err.join("") };
  };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe", encoding: "utf8" });
  const INVENTORY = [
    "defaults:",
    "  sip: {proxy: sip:pbx.example.com, realm: pbx.example.com, stun: {ip: stun.example.com, port: 3478}}",
    "sites:",
    "  north:",
    "    runner: basip-north",
    "    devices:",
    '      - {name: n-1, endpoint: "http://10.0.0.1", user: "1001"}',
    "  south:",
    "    devices:",
    '      - {name: s-1, endpoint: "http://10.0.1.1", user: "2001"}',
    "",
  ].join("\n");

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-sites-"));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    fs.writeFileSync(path.join(dir, "inventory.yaml"), INVENTORY);
    fs.writeFileSync(path.join(dir, "Pulumi.north.yaml"), "config: {}\n");
    git("add", ".");
    git("commit", "-q", "-m", "fleet");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    git("checkout", "-q", "--", ".");
    git("clean", "-qfd");
  });

  test("every site with its runner label; nothing changed since HEAD", async () => {
    expect(await run("--json")).toEqual({ code: 0, out: '[{"site":"north","runner":"basip-north"},{"site":"south"}]\n', err: "" });
    expect(await run()).toEqual({ code: 0, out: "north\nsouth\n", err: "" });
    expect(await run("--json", "--changed-since", "HEAD")).toEqual({ code: 0, out: "[]\n", err: "" });
  });

  test("a device of one site changed: that site; a top-level default: every site; a comment: none", async () => {
    fs.writeFileSync(path.join(dir, "inventory.yaml"), INVENTORY.replace('user: "2001"', 'user: "2002"'));
    expect((await run("--json", "--changed-since", "HEAD")).out).toBe('[{"site":"south"}]\n');
    fs.writeFileSync(path.join(dir, "inventory.yaml"), INVENTORY.replace("port: 3478", "port: 3479"));
    expect((await run("--changed-since", "HEAD")).out).toBe("north\nsouth\n");
    fs.writeFileSync(path.join(dir, "inventory.yaml"), `# reviewed\n${INVENTORY}`);
    expect((await run("--changed-since", "HEAD")).out).toBe("");
  });

  test("a site's stack config changed or added: that site; a new site: listed", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.north.yaml"), "config:\n  basip-fleet:x: y\n");
    expect((await run("--changed-since", "HEAD")).out).toBe("north\n");
    git("checkout", "-q", "--", ".");
    fs.writeFileSync(path.join(dir, "Pulumi.south.yaml"), "config: {}\n");
    expect((await run("--changed-since", "HEAD")).out).toBe("south\n");
    fs.rmSync(path.join(dir, "Pulumi.south.yaml"));
    fs.writeFileSync(path.join(dir, "inventory.yaml"), `${INVENTORY}  east:\n    devices:\n      - {name: e-1, endpoint: "http://10.0.2.1", user: "3001"}\n`);
    expect((await run("--changed-since", "HEAD")).out).toBe("east\n");
  });

  test("an unknown revision and a bad inventory exit 2 with the reason", async () => {
    expect(await run("--changed-since", "no-such-branch")).toEqual({ code: 2, out: "", err: "basip-fleet sites: --changed-since no-such-branch: not a git revision here\n" });
    fs.writeFileSync(path.join(dir, "inventory.yaml"), INVENTORY.replace("runner: basip-north", "runner: [a, b]"));
    expect(await run("--json")).toEqual({ code: 2, out: "", err: 'inventory.yaml:5: site north: runner: must be a runner label (letters, digits, \'.\', \'_\', \'-\'), got ["a","b"]\n' });
  });
});
