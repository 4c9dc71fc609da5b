/**
 * basip-fleet's command line (parseArgs), the names of the secrets' config keys and environment
 * variables, and the progress lines.
 */
import { describeSource, envName, parseFleetArgs, secretSources } from "../../fleet";
import { Progress } from "../../fleet/progress";

const run = (argv: string[]) => {
  const p = parseFleetArgs(argv);
  if (p.kind !== "run") throw new Error(`expected a run, got ${JSON.stringify(p)}`);
  return p.args;
};
const error = (argv: string[]) => {
  const p = parseFleetArgs(argv);
  if (p.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(p)}`);
  return p.message;
};

test("a full command line", () => {
  expect(run(["up", "--inventory", "inv.yaml", "--sites", "north, south,north", "--concurrency", "2", "--parallel", "8", "--report", "r.md", "--json", "r.json"])).toEqual({
    command: "up",
    inventory: "inv.yaml",
    sites: ["north", "south"],
    concurrency: 2,
    parallel: 8,
    report: "r.md",
    json: "r.json",
  });
});

test("defaults: every site, 4 sites at once, 64 steps per site, no report files", () => {
  expect(run(["preview", "-i", "inv.yaml"])).toEqual({ command: "preview", inventory: "inv.yaml", concurrency: 4, parallel: 64 });
  expect(run(["--inventory=inv.yaml", "refresh"]).command).toBe("refresh");
});

test("help", () => {
  expect(parseFleetArgs(["--help"])).toEqual({ kind: "help" });
  expect(parseFleetArgs(["up", "-h"])).toEqual({ kind: "help" });
});

test("every problem of a bad command line at once", () => {
  expect(error([])).toBe("a command is required: preview, up, refresh, discover, sites\n--inventory FILE is required");
  expect(error(["destroy", "extra", "-i", "x", "--concurrency", "0", "--parallel", "many"])).toBe(
    [
      'unknown command "destroy": expected preview, up, refresh, discover, sites',
      "unexpected argument(s) extra",
      '--concurrency takes an integer from 1 to 1024, got "0"',
      '--parallel takes an integer from 1 to 1024, got "many"',
    ].join("\n"),
  );
  expect(error(["up", "-i", "x", "--sites", " , "])).toBe("--sites takes a comma-separated list of site names");
  expect(error(["up", "-i", "x", "--site", "a"])).toMatch(/Unknown option '--site'/);
  expect(error(["up", "--inventory"])).toMatch(/--inventory/);
});

test("secret sources: per device, then per site, then everywhere; config before environment", () => {
  const names = (kind: "admin" | "sip" | "sip2") => secretSources(kind, "north-lobby.1", "north", "basip-fleet").map((s) => describeSource(s, "basip-fleet"));
  expect(names("sip")).toEqual(["sip:north-lobby.1", "$BASIP_SIP_PASSWORD_DEVICE_NORTH_LOBBY_1", "sipSite:north", "$BASIP_SIP_PASSWORD_SITE_NORTH"]);
  expect(names("sip2")).toEqual(["sip2:north-lobby.1", "$BASIP_SIP2_PASSWORD_DEVICE_NORTH_LOBBY_1", "sip2Site:north", "$BASIP_SIP2_PASSWORD_SITE_NORTH"]);
  expect(names("admin")).toEqual(["adminPassword:north", "$BASIP_ADMIN_PASSWORD_SITE_NORTH", "adminPassword", "$BASIP_ADMIN_PASSWORD"]);
  expect(envName("a-b.c_d9")).toBe("A_B_C_D9");
});

describe("progress lines", () => {
  const pre = (type: string) => ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op: "update", urn: "u", type, provider: "" } } }) as never;
  const done = (type: string) => ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op: "update", urn: "u", type, provider: "" } } }) as never;
  const failed = (type: string) => ({ sequence: 0, timestamp: 0, resOpFailedEvent: { metadata: { op: "update", urn: "u", type, provider: "" }, status: 1, steps: 1 } }) as never;

  test("in a log: a line when a site starts a phase and when it ends, resource steps counted", () => {
    const out: string[] = [];
    let now = 1000;
    const p = new Progress(["north", "b"], { write: (s: string) => out.push(s) }, () => now);
    p.phase("north", "refresh");
    for (const e of [pre("pulumi:pulumi:Stack"), pre("pulumi-nodejs:dynamic/basip:SipAccount"), pre("pulumi-nodejs:dynamic/basip:SipAccount")]) p.event("north", e);
    p.event("north", done("pulumi-nodejs:dynamic/basip:SipAccount"));
    p.event("north", failed("pulumi-nodejs:dynamic/basip:SipAccount"));
    now = 3500;
    p.finish("north", "failed");
    p.close();
    expect(out).toEqual(["north  refresh: 0/0 steps 0.0s\n", "north  failed (refresh), 1 failed 2.5s\n"]);
  });

  test("on a terminal: every site's line redrawn in place", () => {
    const out: string[] = [];
    const p = new Progress(["north", "b"], { write: (s: string) => out.push(s), isTTY: true }, () => 0);
    p.phase("b", "update");
    p.event("b", pre("pulumi-nodejs:dynamic/basip:SipAccount"));
    p.close();
    expect(out[0]).toBe("\x1b[2Knorth  waiting\n\x1b[2Kb      waiting\n");
    expect(out[out.length - 1]).toBe("\x1b[2F\x1b[2Knorth  waiting\n\x1b[2Kb      update: 0/1 steps 0.0s\n");
  });
});

describe("policy packs", () => {
  test("--policy-pack and --policy-pack-config are passed on, repeatable, in order", () => {
    const parsed = parseFleetArgs(["preview", "-i", "inv.yaml", "--policy-pack", "node_modules/pulumi-basip/policies", "--policy-pack-config", "policy/north.json"]);
    expect(parsed).toMatchObject({ kind: "run", args: { policyPacks: ["node_modules/pulumi-basip/policies"], policyPackConfigs: ["policy/north.json"] } });
    const none = parseFleetArgs(["preview", "-i", "inv.yaml"]);
    expect(none.kind === "run" && "policyPacks" in none.args).toBe(false);
  });

  test("a config without a pack is refused", () => {
    expect(parseFleetArgs(["up", "-i", "inv.yaml", "--policy-pack-config", "a.json"])).toEqual({
      kind: "error",
      message: "--policy-pack-config needs a --policy-pack for each config file",
    });
  });
});
