/**
 * The command line of `basip-fleet`, parsed with `node:util` `parseArgs`. Pure: argv in, options or
 * a message out (the caller prints it and picks the exit code).
 */
import { parseArgs } from "util";
import type { Command } from "./report";

export const USAGE = `usage: basip-fleet preview|up|refresh --inventory FILE [options]

  preview                 what would change, per site (no device is contacted)
  up                      refresh every site, then apply; both continue past failed devices
  refresh                 read every device into the state (drift shows in the report)

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

export type ParsedArgs = { readonly kind: "run"; readonly args: FleetArgs } | { readonly kind: "help" } | { readonly kind: "error"; readonly message: string };

const COMMANDS: readonly Command[] = ["preview", "up", "refresh"];

function positiveInt(name: string, text: string): number | string {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 1024 ? n : `--${name} takes an integer from 1 to 1024, got ${JSON.stringify(text)}`;
}

/** Parses `argv` (without `node` and the script). */
export function parseFleetArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        inventory: { type: "string", short: "i" },
        sites: { type: "string" },
        concurrency: { type: "string", default: "4" },
        parallel: { type: "string", default: "64" },
        report: { type: "string" },
        json: { type: "string" },
        "policy-pack": { type: "string", multiple: true },
        "policy-pack-config": { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  const [command, ...extra] = positionals;
  if (command === undefined) problems.push(`a command is required: ${COMMANDS.join(", ")}`);
  else if (!COMMANDS.includes(command as Command)) problems.push(`unknown command ${JSON.stringify(command)}: expected ${COMMANDS.join(", ")}`);
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
