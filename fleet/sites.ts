/**
 * `basip-fleet sites [--json] [--changed-since REF]`: the sites of an inventory, each with the runner
 * label the inventory names for it, for a CI matrix (one job per site, on a runner inside the site's
 * network). With `--changed-since`, only the sites whose devices (as the inventory resolves them,
 * defaults merged) or runner, or whose `Pulumi.<site>.yaml`, differ from the git revision REF.
 * `changedSites` is pure; `runSites` reads git and files.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { SitesArgs } from "./args";
import { DeviceSpec, InventoryError, parseInventory } from "./inventory";
import type { RunContext } from "./run";

/** One line of the matrix: a site and, when the inventory names one, its runner label. */
export interface SiteEntry {
  readonly site: string;
  readonly runner?: string;
}

/** What an inventory says per site: its runner and its devices as resolved. */
export interface SiteView {
  readonly runner?: string;
  readonly devices: readonly DeviceSpec[];
}

/** The sites of an inventory's text, in file order; throws `InventoryError` for a bad file. */
export function sitesOf(text: string, file: string): Map<string, SiteView> {
  const devices = parseInventory(text, file);
  const raw = (parseYaml(text, { merge: true }) as { sites?: Record<string, { runner?: unknown }> }).sites ?? {};
  const out = new Map<string, SiteView>();
  for (const [site, value] of Object.entries(raw)) {
    const runner = typeof value?.runner === "string" ? value.runner : undefined;
    out.set(site, { ...(runner !== undefined ? { runner } : {}), devices: devices.filter((d) => d.site === site) });
  }
  return out;
}

/**
 * The sites of `now` that differ from `before` (undefined: the inventory did not exist then), or whose
 * stack config changed (`configChanged`). A site removed since is not listed: it has no stack to run.
 */
export function changedSites(now: Map<string, SiteView>, before: Map<string, SiteView> | undefined, configChanged: (site: string) => boolean): string[] {
  return [...now.keys()].filter((site) => {
    const old = before?.get(site);
    return old === undefined || JSON.stringify(old) !== JSON.stringify(now.get(site)) || configChanged(site);
  });
}

const git = (cwd: string, args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** Runs `sites`: exit 0, or 2 for a bad inventory or a revision git does not know. */
export async function runSites(args: SitesArgs, ctx: RunContext): Promise<{ exitCode: number; sites?: SiteEntry[] }> {
  const fail = (message: string) => {
    ctx.stderr.write(`${message}\n`);
    return { exitCode: 2 };
  };
  let now: Map<string, SiteView>;
  try {
    now = sitesOf(fs.readFileSync(path.resolve(ctx.cwd, args.inventory), "utf8"), args.inventory);
  } catch (e) {
    if (e instanceof InventoryError) return fail(e.message);
    return fail(`${args.inventory}: cannot read the inventory: ${(e as Error).message}`);
  }
  let names = [...now.keys()];
  if (args.changedSince !== undefined) {
    const ref = args.changedSince;
    try {
      git(ctx.cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
      return fail(`basip-fleet sites: --changed-since ${ref}: not a git revision here`);
    }
    let before: Map<string, SiteView> | undefined;
    let old: string | undefined;
    try {
      // `REV:./path` is relative to the working directory.
      old = git(ctx.cwd, ["show", `${ref}:./${path.relative(ctx.cwd, path.resolve(ctx.cwd, args.inventory)).split(path.sep).join("/")}`]);
    } catch {
      old = undefined; // the inventory did not exist at REF: every site is new
    }
    try {
      before = old === undefined ? undefined : sitesOf(old, `${args.inventory}@${ref}`);
    } catch {
      before = undefined; // a broken file at REF: every site counts as changed
    }
    const changedFiles = new Set(
      git(ctx.cwd, ["diff", "--name-only", "--relative", ref, "--", "."])
        .split("\n")
        .filter((l) => l !== ""),
    );
    // Untracked stack config (a new site's, not yet committed) counts too.
    for (const f of git(ctx.cwd, ["ls-files", "--others", "--exclude-standard", "--", "."]).split("\n")) if (f !== "") changedFiles.add(f);
    names = changedSites(now, before, (site) => [`Pulumi.${site}.yaml`, `Pulumi.${site}.yml`].some((f) => changedFiles.has(f)));
  }
  const sites = names.map((site): SiteEntry => ({ site, ...(now.get(site)?.runner !== undefined ? { runner: now.get(site)!.runner } : {}) }));
  ctx.stdout.write(args.json ? `${JSON.stringify(sites)}\n` : sites.map((s) => `${s.site}\n`).join(""));
  return { exitCode: 0, sites };
}
