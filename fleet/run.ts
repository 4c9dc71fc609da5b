/**
 * What `basip-fleet` does: load the inventory, then one stack per site on the Automation API, a
 * bounded number of sites at once, each with its own live progress line; then the review report
 * and a summary. I/O lives here; the report itself is built by the pure `report.ts`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CommandError, ConcurrentUpdateError, EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { parse as parseYaml } from "yaml";
import { checkBackend, redactText } from "../backend";
import { steadyEngineConnection } from "./engine-connection";
import type { FleetArgs } from "./args";
import { DeviceSpec, InventoryError, parseInventory } from "./inventory";
import { renderMarkdown } from "./markdown";
import { fleetProgram, selectSites } from "./program";
import { Output, Progress } from "./progress";
import { buildFleetReport, buildSiteReport, FleetReport, Phase, SiteOutcome, SiteReport } from "./report";

/** Where the run reads and writes; `process` in the bin, something else in tests. */
export interface RunContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Project name written when the working directory has no Pulumi.yaml. */
export const DEFAULT_PROJECT = "basip-fleet";

/** The devices to run, by site in inventory order, or every inventory problem. */
function loadSites(args: FleetArgs, cwd: string): Map<string, DeviceSpec[]> | InventoryError {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, args.inventory), "utf8");
  } catch (e) {
    return new InventoryError([`${args.inventory}: cannot read the inventory: ${(e as Error).message}`]);
  }
  try {
    const devices = selectSites(parseInventory(text, args.inventory), args.sites, args.inventory);
    const bySite = new Map<string, DeviceSpec[]>();
    for (const d of devices) bySite.set(d.site, [...(bySite.get(d.site) ?? []), d]);
    return bySite;
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
}

/** The backend unless one is set: PULUMI_BACKEND_URL, else the project's `backend.url`, else a file backend here. */
export function engineEnv(cwd: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.PULUMI_BACKEND_URL) return {};
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file) && (parseYaml(fs.readFileSync(file, "utf8")) as { backend?: { url?: string } } | null)?.backend?.url) return {};
  }
  const dir = path.join(cwd, ".pulumi-state");
  fs.mkdirSync(dir, { recursive: true });
  return { PULUMI_BACKEND_URL: `file://${dir}` };
}

/**
 * Writes a Pulumi.yaml when the directory has none, once, before sites start (the Automation API
 * would write one per stack, concurrently, with the absolute path of this process's directory).
 */
function ensureProject(cwd: string): void {
  if (["Pulumi.yaml", "Pulumi.yml"].some((n) => fs.existsSync(path.join(cwd, n)))) return;
  const text = `# Written by basip-fleet: the project of the sites' stacks (one per site, named after it).\nname: ${DEFAULT_PROJECT}\nruntime: nodejs\n`;
  fs.writeFileSync(path.join(cwd, "Pulumi.yaml"), text);
}

/**
 * The last lines of a failed CLI run, for a site that failed before any resource step. The CLI
 * repeats the backend URL, password included, in its own errors: masked here.
 */
function describeFailure(e: unknown, backendUrl: string | undefined): string {
  // commandResult is private in the SDK's typings; its stderr is the CLI's own message.
  const stderr = e instanceof CommandError ? (e as unknown as { commandResult?: { stderr?: string } }).commandResult?.stderr : undefined;
  const text: string = stderr ?? String((e as Error)?.message ?? e);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^(update|preview|refresh) failed$/.test(l));
  const last = lines.slice(-5).join("\n") || "the Pulumi CLI failed";
  return backendUrl ? redactText(last, backendUrl) : last;
}

/** The inline program of one site: its devices; an inventory or secret problem fails the run with its message. */
function siteProgram(devices: readonly DeviceSpec[]) {
  return async () => {
    try {
      return fleetProgram(devices);
    } catch (e) {
      if (!(e instanceof InventoryError)) throw e;
      // Logged as an error diagnostic: the run fails with the message alone, no stack trace.
      await pulumi.log.error(e.message);
      return {};
    }
  };
}

/**
 * `up --refresh` reports both passes in one stream: the refresh's steps (op `refresh`) and the
 * diagnostics of a resource while its refresh runs belong to the refresh phase, the rest to the update.
 */
export function splitRefresh(events: readonly EngineEvent[]): { refresh: EngineEvent[]; update: EngineEvent[] } {
  const refresh: EngineEvent[] = [];
  const update: EngineEvent[] = [];
  const refreshing = new Set<string>();
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
    let inRefresh = false;
    if (m !== undefined) {
      inRefresh = m.op === "refresh";
      if (e.resourcePreEvent) {
        if (inRefresh) refreshing.add(m.urn);
        else refreshing.delete(m.urn);
      }
    } else if (e.diagnosticEvent?.urn) inRefresh = refreshing.has(e.diagnosticEvent.urn);
    (inRefresh ? refresh : update).push(e);
  }
  return { refresh, update };
}

async function runSite(site: string, devices: readonly DeviceSpec[], args: FleetArgs, ctx: RunContext, workspace: SiteWorkspace, progress: Progress): Promise<SiteReport> {
  const runs: Partial<Record<Phase, EngineEvent[]>> = {};
  let outcome: SiteOutcome = {};
  /** Mandatory policy violations of the current run, as `rule: message`. */
  let violations: string[] = [];
  const policies =
    args.policyPacks === undefined ? {} : { policyPacks: args.policyPacks.map((p) => path.resolve(ctx.cwd, p)), policyPackConfigs: args.policyPackConfigs?.map((p) => path.resolve(ctx.cwd, p)) };
  const engine = (phase: Phase) => {
    const events: EngineEvent[] = [];
    runs[phase] = events;
    violations = [];
    progress.phase(site, phase);
    return {
      parallel: args.parallel,
      // Policy packs check what is about to be applied: the preview and the update, not a refresh.
      ...(phase === "refresh" ? {} : policies),
      onEvent: (e: EngineEvent) => {
        events.push(e);
        progress.event(site, e);
        const v = e.policyEvent;
        // The message is the rule's description, then what was found.
        if (v !== undefined && v.enforcementLevel === "mandatory") violations.push(`${v.policyName}: ${v.message.trim().split("\n").slice(1).join(" ") || v.message.trim()}`);
      },
    };
  };
  /** Runs one engine command; false when the site must stop (its stack is locked). */
  const attempt = async (run: () => Promise<unknown>): Promise<boolean> => {
    try {
      await run();
      return true;
    } catch (e) {
      if (e instanceof ConcurrentUpdateError) {
        outcome = { locked: true };
        return false;
      }
      outcome = { error: violations.length > 0 ? `mandatory policy violations:\n${violations.join("\n")}` : describeFailure(e, ctx.env.PULUMI_BACKEND_URL) };
      return true;
    }
  };
  let stack: Stack | undefined;
  await attempt(async () => {
    const { envVars, pulumiCommand } = workspace;
    stack = await LocalWorkspace.createOrSelectStack({ projectName: DEFAULT_PROJECT, stackName: site, program: siteProgram(devices) }, { workDir: ctx.cwd, envVars, pulumiCommand: await pulumiCommand });
  });
  if (stack) {
    const s = withoutResultQueries(stack);
    if (args.command === "preview") await attempt(() => s.preview(engine("preview")));
    else if (args.command === "refresh") await attempt(() => s.refresh(engine("refresh")));
    else {
      // up: refresh first, so a reset or drifted panel is repaired; then apply. One engine run
      // (`up --refresh`): one CLI and one provider process, one login and `/api/info` per device.
      // Failed devices do not stop it (continue-on-error); the report still tells the passes apart.
      await attempt(() => s.up({ ...engine("update"), refresh: true, continueOnError: true }));
      const { refresh, update } = splitRefresh(runs.update ?? []);
      Object.assign(runs, { refresh, update });
      // The engine stops before the update when a refresh step fails (continue-on-error covers
      // updates only), so a panel that is down would hold back the site: then the update runs on
      // its own, past the failed devices, as a second engine run.
      const refreshFailed = refresh.some((e) => e.resOpFailedEvent !== undefined || (e.diagnosticEvent?.severity === "error" && e.diagnosticEvent.urn));
      if (outcome.error !== undefined && refreshFailed) {
        outcome = {};
        await attempt(() => s.up({ ...engine("update"), continueOnError: true }));
      }
    }
  }
  const report = buildSiteReport(site, args.command, runs, outcome);
  progress.finish(site, report.status);
  return report;
}

/**
 * The stack, made not to ask the CLI for what the fleet never reads: after each run the Automation
 * API fetches the outputs (`pulumi stack output`, twice) and the summary (`pulumi stack history`),
 * three more CLI processes per site, each loading the whole state. The report is built from the
 * engine events alone, so the results of `up`/`refresh` carry no outputs and no summary here.
 */
function withoutResultQueries(stack: Stack): Stack {
  Object.assign(stack, { outputs: async () => ({}), info: async () => undefined });
  return stack;
}

/** What every site's workspace shares: the engine environment and one `pulumi` command (its version asked once). */
interface SiteWorkspace {
  readonly envVars: Record<string, string>;
  readonly pulumiCommand: Promise<PulumiCommand>;
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The closing summary: one line per site, then the failed devices and site errors. */
export function summary(r: FleetReport): string {
  const lines = [""];
  for (const s of r.sites) {
    const t = s.totals;
    lines.push(`${s.site}: ${s.status}: ${t.adopt} adopt, ${t.update} update, ${t.replace} replace, ${t.remove} remove, ${t.drift} drift, ${t.unchanged} unchanged, ${t.failed} failed`);
    for (const u of s.unreachable) lines.push(`  ${u.device} (${u.resource}, ${u.phase}): ${u.reason}`);
    for (const g of s.registration.filter((x) => x.status !== "OK")) lines.push(`  ${g.device}: SIP registration ${g.status}, last attempt ${g.lastAttempt ?? "never"}`);
    if (s.error) lines.push(...s.error.split("\n").map((l) => `  ${l}`));
  }
  const t = r.totals;
  lines.push(`${t.sites - t.sitesFailed} of ${t.sites} site(s) succeeded; ${t.failed} resource(s) failed.`);
  return `${lines.join("\n")}\n`;
}

/** Runs `args` and returns the exit code: 0 all sites succeeded, 1 some did not, 2 bad inventory. */
export async function runFleet(args: FleetArgs, ctx: RunContext): Promise<{ exitCode: number; report?: FleetReport }> {
  const sites = loadSites(args, ctx.cwd);
  if (sites instanceof InventoryError) {
    ctx.stderr.write(`${sites.problems.join("\n")}\n`);
    return { exitCode: 2 };
  }
  // A shared backend that is down fails here, naming it without its password, before anything is written.
  const backend = ctx.env.PULUMI_BACKEND_URL ? await checkBackend(ctx.env.PULUMI_BACKEND_URL) : { ok: true as const };
  if (!backend.ok) {
    ctx.stderr.write(`basip-fleet: ${backend.message}\n`);
    return { exitCode: 1 };
  }
  ensureProject(ctx.cwd);
  steadyEngineConnection();
  const envVars = engineEnv(ctx.cwd, ctx.env);
  const skipVersionCheck = !!(envVars.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK ?? ctx.env.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK);
  // Asked once for every site (each workspace would otherwise run `pulumi version` again).
  const workspace: SiteWorkspace = { envVars, pulumiCommand: PulumiCommand.get({ skipVersionCheck }) };
  workspace.pulumiCommand.catch(() => undefined); // a missing CLI fails each site, reported as its error
  const names = [...sites.keys()];
  const progress = new Progress(names, ctx.stdout);
  const reports = new Map<string, SiteReport>();
  const queue = [...names];
  const worker = async () => {
    for (let site = queue.shift(); site !== undefined; site = queue.shift()) {
      reports.set(site, await runSite(site, sites.get(site)!, args, ctx, workspace, progress));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(args.concurrency, names.length) }, worker));
  } finally {
    progress.close();
  }
  const report = buildFleetReport(args.command, names.map((n) => reports.get(n)!));
  if (args.report) writeFile(path.resolve(ctx.cwd, args.report), renderMarkdown(report));
  if (args.json) writeFile(path.resolve(ctx.cwd, args.json), `${JSON.stringify(report, null, 2)}\n`);
  ctx.stdout.write(summary(report));
  return { exitCode: report.totals.sitesFailed > 0 ? 1 : 0, report };
}
