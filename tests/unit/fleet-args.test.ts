/**
 * basip-fleet's command line (parseArgs) and the names of the secrets' config keys and environment
 * variables.
 */
import { describeSource, envName, parseFleetArgs, secretSources } from "../../fleet";

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
  expect(error([])).toBe("a command is required: preview, up, refresh\n--inventory FILE is required");
  expect(error(["destroy", "extra", "-i", "x", "--concurrency", "0", "--parallel", "many"])).toBe(
    [
      'unknown command "destroy": expected preview, up, refresh',
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
