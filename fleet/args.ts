/**
 * The command line of `basip-fleet`, parsed with `node:util` `parseArgs`. Pure: argv in, options or
 * a message out (the caller prints it and picks the exit code).
 */
import { parseArgs, ParseArgsConfig } from "util";
import type { Command } from "./report";

export const USAGE = `usage: basip-fleet preview|up|refresh --inventory FILE [options]
       basip-fleet discover --endpoints FILE|host[,host] [--site NAME] [--out inventory.yaml] [options]
       basip-fleet sites --inventory FILE [--json] [--changed-since REF]

  preview                 what would change, per site (no device is contacted)
  up                      refresh every site, then apply; both continue past failed devices
  refresh                 read every device into the state (drift shows in the report)
  discover                read panels and write (or merge into) an inventory that reproduces them
  sites                   the inventory's sites (with their runner labels), for a CI matrix

  --inventory, -i FILE    the inventory (YAML); required
  --sites a,b             only these sites (default: every site of the inventory)
  --concurrency K         sites run at once (default 4)
  --parallel N            resource steps at once within a site (pulumi --parallel; default 64)
  --report FILE           write the review report as Markdown (for a pull-request comment)
  --json FILE             write the review report as JSON
  --policy-pack DIR       run this policy pack on preview and up (repeatable; e.g.
                          node_modules/pulumi-basip/policies)
  --policy-pack-config F  its config for these sites (repeatable, one per --policy-pack)
  --help, -h              this text

discover:
  --endpoints, -e X       a file (one endpoint per line, optionally followed by its site; # comments)
                          or host[,host]: http://10.0.0.21, 10.0.0.21, 10.0.0.21:8080
  --site NAME             the site of endpoints that name none
  --out, -o FILE          the inventory to write or merge into (default inventory.yaml)
  --update                devices already in the inventory take the panel's values (default: kept)
  --concurrency K         panels read at once (default 8)
  --second-path PATH      try this second account path first (repeatable)
  --timeout-ms N          per request (default 5000)
  --report FILE, --json FILE   what was found: model, firmware, registration, unreadable panels

sites:
  --json                  print a JSON list [{"site": ..., "runner": ...}] (default: one name a line)
  --changed-since REF     only sites whose inventory entries or Pulumi.<site>.yaml changed since
                          the git revision REF

One stack per site, named after it, in the current directory's Pulumi project (Pulumi.yaml, or a
project "basip-fleet" written there on the first run). State: PULUMI_BACKEND_URL, else the
project's backend, else file://./.pulumi-state. Secrets: stack config or environment variables
(see docs/fleet.md, Secrets). Exit code: 0 when every site succeeded, 1 when any did not (or the
state backend cannot be reached), 2 for bad usage or a bad inventory.`;

export interface FleetArgs {
  readonly command: Command;
  readonly inventory: string;
  /** Undefined: every site. */
  readonly sites?: readonly string[];
  readonly concurrency: number;
  readonly parallel: number;
  readonly report?: string;
  readonly json?: string;
  /** Policy packs run on preview and update (pulumi --policy-pack). */
  readonly policyPacks?: readonly string[];
  /** Their config files, in the same order (pulumi --policy-pack-config). */
  readonly policyPackConfigs?: readonly string[];
}

/** `basip-fleet discover`: which panels to read and where the inventory goes. */
export interface DiscoverArgs {
  /** A file of endpoints, or `host[,host]`. */
  readonly endpoints: string;
  /** Site of the endpoints that name none. */
  readonly site?: string;
  readonly out: string;
  readonly update: boolean;
  readonly concurrency: number;
  /** Second account paths tried before the known candidates. */
  readonly secondPaths: readonly string[];
  readonly timeoutMs: number;
  readonly report?: string;
  readonly json?: string;
}

/** `basip-fleet sites`: the sites of an inventory, for a CI matrix. */
export interface SitesArgs {
  readonly inventory: string;
  readonly json: boolean;
  /** Only the sites changed since this git revision. */
  readonly changedSince?: string;
}

export type ParsedArgs =
  | { readonly kind: "run"; readonly args: FleetArgs }
  | { readonly kind: "discover"; readonly args: DiscoverArgs }
  | { readonly kind: "sites"; readonly args: SitesArgs }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

const COMMANDS: readonly string[] = ["preview", "up", "refresh", "discover", "sites"];
/** Options that take a value, across commands: their value is not the command. */
const VALUED = new Set(["--inventory", "-i", "--sites", "--concurrency", "--parallel", "--report", "--policy-pack", "--policy-pack-config", "--endpoints", "-e", "--site", "--out", "-o", "--second-path", "--timeout-ms", "--changed-since"]);
const SITE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The command word of `argv`: its first positional. */
function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return argv[i + 1];
    if (a.startsWith("-")) {
      if (!a.includes("=") && VALUED.has(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/** What every command accepts besides its own options. */
const HELP = { help: { type: "boolean", short: "h", default: false } } as const;

/**
 * One command's options through `parseArgs`, `--help` included: the values and positionals, or
 * `parseArgs`'s own message (unknown option, missing value) as a usage error.
 */
function parseCommand<O extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: O) {
  try {
    return { kind: "parsed", ...parseArgs({ args: [...argv], allowPositionals: true, options: { ...options, ...HELP } }) } as const;
  } catch (e) {
    return { kind: "error", message: (e as Error).message } as const;
  }
}

function parseDiscover(argv: readonly string[]): ParsedArgs {
  const parsed = parseCommand(argv, {
    endpoints: { type: "string", short: "e" },
    site: { type: "string" },
    out: { type: "string", short: "o", default: "inventory.yaml" },
    update: { type: "boolean", default: false },
    concurrency: { type: "string", default: "8" },
    "second-path": { type: "string", multiple: true },
    "timeout-ms": { type: "string", default: "5000" },
    report: { type: "string" },
    json: { type: "string" },
  });
  if (parsed.kind === "error") return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  if (positionals.length > 1) problems.push(`unexpected argument(s) ${positionals.slice(1).join(" ")}`);
  if (!values.endpoints?.trim()) problems.push("--endpoints FILE|host[,host] is required");
  if (values.site !== undefined && !SITE_RE.test(values.site)) problems.push(`--site takes a site name (1 to 63 letters, digits, '.', '_' or '-'), got ${JSON.stringify(values.site)}`);
  if (!values.out) problems.push("--out takes a file name");
  const concurrency = positiveInt("concurrency", values.concurrency as string);
  if (typeof concurrency === "string") problems.push(concurrency);
  const timeout = Number(values["timeout-ms"]);
  if (!Number.isInteger(timeout) || timeout < 100 || timeout > 600000) problems.push(`--timeout-ms takes an integer from 100 to 600000, got ${JSON.stringify(values["timeout-ms"])}`);
  const secondPaths = values["second-path"] ?? [];
  for (const p of secondPaths) if (!/^\/[A-Za-z0-9._~/-]{0,199}$/.test(p)) problems.push(`--second-path takes an absolute path such as /api/v1/device/sip/settings/second, got ${JSON.stringify(p)}`);
  if (problems.length > 0) return { kind: "error", message: problems.join("\n") };
  return {
    kind: "discover",
    args: {
      endpoints: values.endpoints as string,
      ...(values.site !== undefined ? { site: values.site } : {}),
      out: values.out as string,
      update: values.update as boolean,
      concurrency: concurrency as number,
      secondPaths,
      timeoutMs: timeout,
      ...(values.report ? { report: values.report } : {}),
      ...(values.json ? { json: values.json } : {}),
    },
  };
}

function parseSites(argv: readonly string[]): ParsedArgs {
  const parsed = parseCommand(argv, {
    inventory: { type: "string", short: "i" },
    json: { type: "boolean", default: false },
    "changed-since": { type: "string" },
  });
  if (parsed.kind === "error") return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  if (positionals.length > 1) problems.push(`unexpected argument(s) ${positionals.slice(1).join(" ")}`);
  if (!values.inventory) problems.push("--inventory FILE is required");
  const since = values["changed-since"];
  // A revision is passed to git as one argument: nothing that git would read as an option.
  if (since !== undefined && (since === "" || since.startsWith("-"))) problems.push(`--changed-since takes a git revision (a branch, tag or commit), got ${JSON.stringify(since)}`);
  if (problems.length > 0) return { kind: "error", message: problems.join("\n") };
  return { kind: "sites", args: { inventory: values.inventory as string, json: values.json as boolean, ...(since !== undefined ? { changedSince: since } : {}) } };
}

function positiveInt(name: string, text: string): number | string {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 1024 ? n : `--${name} takes an integer from 1 to 1024, got ${JSON.stringify(text)}`;
}

/** Parses `argv` (without `node` and the script). */
export function parseFleetArgs(argv: readonly string[]): ParsedArgs {
  const word = commandOf(argv);
  if (word === "discover") return parseDiscover(argv);
  if (word === "sites") return parseSites(argv);
  const parsed = parseCommand(argv, {
    inventory: { type: "string", short: "i" },
    sites: { type: "string" },
    concurrency: { type: "string", default: "4" },
    parallel: { type: "string", default: "64" },
    report: { type: "string" },
    json: { type: "string" },
    "policy-pack": { type: "string", multiple: true },
    "policy-pack-config": { type: "string", multiple: true },
  });
  if (parsed.kind === "error") return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  const [command, ...extra] = positionals;
  if (command === undefined) problems.push(`a command is required: ${COMMANDS.join(", ")}`);
  else if (!COMMANDS.includes(command)) problems.push(`unknown command ${JSON.stringify(command)}: expected ${COMMANDS.join(", ")}`);
  if (extra.length > 0) problems.push(`unexpected argument(s) ${extra.join(" ")}`);
  if (!values.inventory) problems.push("--inventory FILE is required");
  const concurrency = positiveInt("concurrency", values.concurrency as string);
  const parallel = positiveInt("parallel", values.parallel as string);
  for (const v of [concurrency, parallel]) if (typeof v === "string") problems.push(v);
  let sites: string[] | undefined;
  if (values.sites !== undefined) {
    sites = values.sites
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (sites.length === 0) problems.push("--sites takes a comma-separated list of site names");
  }
  const packs = values["policy-pack"] ?? [];
  const packConfigs = values["policy-pack-config"] ?? [];
  if (packConfigs.length > packs.length) problems.push("--policy-pack-config needs a --policy-pack for each config file");
  if (problems.length > 0) return { kind: "error", message: problems.join("\n") };
  return {
    kind: "run",
    args: {
      command: command as Command,
      inventory: values.inventory as string,
      ...(sites ? { sites: [...new Set(sites)] } : {}),
      concurrency: concurrency as number,
      parallel: parallel as number,
      ...(values.report ? { report: values.report } : {}),
      ...(values.json ? { json: values.json } : {}),
      ...(packs.length > 0 ? { policyPacks: packs } : {}),
      ...(packConfigs.length > 0 ? { policyPackConfigs: packConfigs } : {}),
    },
  };
}
