#!/usr/bin/env node
/**
 * `npx basip-fleet preview|up|refresh --inventory FILE ...`: a fleet of intercoms, one stack per
 * site; `discover` writes an inventory from the panels; `sites` lists the sites for a CI matrix
 * (see `args.ts` for the options, docs/fleet.md for secrets and CI).
 */
import { parseFleetArgs, USAGE } from "./args";
import { runDiscover } from "./discover";
import { runFleet } from "./run";
import { runSites } from "./sites";

async function main(): Promise<number> {
  const parsed = parseFleetArgs(process.argv.slice(2));
  if (parsed.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`basip-fleet: ${parsed.message}\n(basip-fleet --help for the usage)\n`);
    return 2;
  }
  const ctx = { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
  if (parsed.kind === "discover") return (await runDiscover(parsed.args, ctx)).exitCode;
  if (parsed.kind === "sites") return (await runSites(parsed.args, ctx)).exitCode;
  return (await runFleet(parsed.args, ctx)).exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`basip-fleet: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
