/**
 * `basip-fleet discover`: reads a set of panels (a bounded number at once, one progress line) and
 * writes an inventory that reproduces what they hold, merged into the one already there; then the
 * report (Markdown, JSON) and a summary. This module is the edge: arguments, files, the admin
 * password from config or environment; reading a panel is `discover-read.ts`, the inventory's shape
 * `discover-factor.ts`, the YAML `discover-yaml.ts`, the report `discover-report.ts`.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as basip from "pulumi-basip";
import { parse as parseYaml } from "yaml";
import { redactText } from "../backend";
import type { DiscoverArgs } from "./args";
import { PanelFailure, PanelReading } from "./discover-factor";
import { readPanel, SECOND_PATH_CANDIDATES } from "./discover-read";
import { buildDiscoverReport, DiscoverReport, discoverSummary, renderDiscoverMarkdown } from "./discover-report";
import { mergeInventory } from "./discover-yaml";
import { InventoryError, parseInventory } from "./inventory";
import { DEFAULT_PROJECT, engineEnv, RunContext } from "./run";
import { describeSource, SecretSource, secretSources } from "./secrets";

/** One panel to read. */
export interface Target {
  readonly endpoint: string;
  readonly site: string;
}

const SITE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `10.0.0.21` -> `http://10.0.0.21`; a URL is kept (without a trailing slash). */
export function endpointOf(text: string): string {
  const t = text.trim();
  return basip.normalizeEndpoint(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`);
}

/**
 * The panels of `--endpoints`: lines of a file (`endpoint [site]`, `#` comments) or a comma list;
 * every problem at once (`where` names the file and line).
 */
export function parseTargets(lines: readonly { text: string; where: string }[], site: string | undefined): { targets: Target[] } | { problems: string[] } {
  const targets: Target[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { text, where } of lines) {
    const [raw, ownSite, ...extra] = text.replace(/#.*/, "").trim().split(/\s+/).filter((w) => w !== "");
    if (raw === undefined) continue;
    if (extra.length > 0) problems.push(`${where}: expected "endpoint [site]", got ${JSON.stringify(text.trim())}`);
    const endpoint = endpointOf(raw);
    const ok = basip.validateSipAccount({ device: { endpoint } }, { ignore: ["proxy", "realm", "user", "password", "stun"] });
    if (!ok.ok) {
      problems.push(`${where}: ${JSON.stringify(raw)}: ${ok.problems.map((p) => p.reason).join("; ")}`);
      continue;
    }
    const s = ownSite ?? site;
    if (s === undefined) problems.push(`${where}: ${raw}: no site: give --site NAME, or the site after the endpoint`);
    else if (!SITE_RE.test(s)) problems.push(`${where}: site ${JSON.stringify(s)}: site names are 1 to 63 letters, digits, '.', '_' or '-'`);
    const key = basip.deviceKey(endpoint);
    if (seen.has(key)) problems.push(`${where}: ${raw}: listed twice (also ${seen.get(key)})`);
    seen.set(key, where);
    if (s !== undefined) targets.push({ endpoint, site: s });
  }
  if (problems.length === 0 && targets.length === 0) problems.push("--endpoints: no endpoint given");
  return problems.length > 0 ? { problems } : { targets };
}

/** `--endpoints` as lines: an existing file, else a comma-separated list of hosts. */
function endpointLines(value: string, cwd: string): { text: string; where: string }[] | string {
  const file = path.resolve(cwd, value);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) {
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .map((text, i) => ({ text, where: `${value}:${i + 1}` }));
  }
  // A name that looks like a file is a missing file, not a host.
  if (/\.(txt|csv|list|lst|ya?ml)$/i.test(value) || (value.includes("/") && !value.includes("://"))) return `--endpoints ${value}: no such file`;
  return value.split(",").map((text) => ({ text, where: "--endpoints" }));
}

const CONFIG_FILES = (cwd: string, site: string) => [`Pulumi.${site}.yaml`, `Pulumi.${site}.yml`].map((f) => path.join(cwd, f));

/** The project name the stacks' config keys use: Pulumi.yaml's, else basip-fleet's own. */
function projectOf(cwd: string): string {
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file)) return ((parseYaml(fs.readFileSync(file, "utf8")) as { name?: string } | null)?.name ?? DEFAULT_PROJECT).toString();
  }
  return DEFAULT_PROJECT;
}

/**
 * The admin password of a site from the same keys as `up` (secrets.ts), then the provider's own
 * (`basip:password`, `BASIP_PASSWORD`). Config keys are read (decrypted by the Pulumi CLI) only
 * when the site's `Pulumi.<site>.yaml` holds one.
 */
async function adminPassword(site: string, ctx: RunContext): Promise<{ value: string } | { tried: string[] } | { error: string }> {
  const project = projectOf(ctx.cwd);
  const sources: SecretSource[] = [...secretSources("admin", "", site, project), { kind: "config", namespace: "basip", key: "password" }, { kind: "env", name: "BASIP_PASSWORD" }];
  const file = CONFIG_FILES(ctx.cwd, site).find((f) => fs.existsSync(f));
  const keys = file === undefined ? {} : (((parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>);
  for (const s of sources) {
    if (s.kind === "env") {
      const v = ctx.env[s.name];
      if (v) return { value: v };
      continue;
    }
    const name = `${s.namespace}:${s.key}`;
    if (!(name in keys)) continue;
    try {
      const ws = await LocalWorkspace.create({ workDir: ctx.cwd, envVars: { ...engineEnv(ctx.cwd, ctx.env) } });
      const v = (await ws.getConfig(site, name)).value;
      if (v) return { value: v };
    } catch (e) {
      // The CLI's own words (no stack, no passphrase): its last line says what is missing.
      const text = String((e as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? (e as Error).message ?? e).trim();
      const last = text.split("\n").pop() ?? "";
      // The CLI repeats the backend URL, password included: masked as run.ts does.
      return { error: `cannot read ${name} from ${path.basename(file!)}: ${ctx.env.PULUMI_BACKEND_URL ? redactText(last, ctx.env.PULUMI_BACKEND_URL) : last}` };
    }
  }
  return { tried: sources.map((s) => describeSource(s, project)) };
}

/** A progress line: redrawn in place on a terminal, every tenth of the way in a log. */
class Counter {
  private done = 0;
  private failed = 0;
  private lastTenth = -1;
  constructor(
    private readonly total: number,
    private readonly out: RunContext["stdout"],
  ) {
    this.draw();
  }
  tick(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    this.draw();
  }
  private draw(): void {
    const line = `discover: ${this.done}/${this.total} panels read${this.failed > 0 ? `, ${this.failed} could not be read` : ""}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}${this.done === this.total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor((this.done * 10) / this.total);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${line}\n`);
    }
  }
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Runs `discover`; exit code 0 when every panel was read, 1 when some could not be (the others are written), 2 for bad usage. */
export async function runDiscover(args: DiscoverArgs, ctx: RunContext): Promise<{ exitCode: number; report?: DiscoverReport }> {
  const usage = (problems: readonly string[]) => {
    ctx.stderr.write(`${problems.map((p) => `basip-fleet discover: ${p}`).join("\n")}\n`);
    return { exitCode: 2 };
  };
  const lines = endpointLines(args.endpoints, ctx.cwd);
  if (typeof lines === "string") return usage([lines]);
  const parsed = parseTargets(lines, args.site);
  if ("problems" in parsed) return usage(parsed.problems);
  const targets = parsed.targets;
  const outFile = path.resolve(ctx.cwd, args.out);
  const existing = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : undefined;
  if (existing !== undefined) {
    try {
      parseInventory(existing, args.out);
    } catch (e) {
      if (e instanceof InventoryError) return usage([`${args.out} is not a valid inventory; fix it first (nothing was read):`, ...e.problems]);
      throw e;
    }
  }
  const passwords = new Map<string, string>();
  const missing: string[] = [];
  for (const site of [...new Set(targets.map((t) => t.site))]) {
    const found = await adminPassword(site, ctx);
    if ("value" in found) passwords.set(site, found.value);
    else if ("error" in found) missing.push(`site ${site}: admin password: ${found.error}`);
    else missing.push(`site ${site}: admin password: set one of ${found.tried.join(", ")}`);
  }
  if (missing.length > 0) return usage(missing);

  const secondPaths = [...new Set([...args.secondPaths, ...SECOND_PATH_CANDIDATES])];
  const results = new Array<PanelReading | PanelFailure>(targets.length);
  const counter = new Counter(targets.length, ctx.stdout);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const t = targets[i];
      results[i] = await readPanel({ ...t, username: basip.DEVICE_DEFAULTS.username, password: passwords.get(t.site)!, timeoutMs: args.timeoutMs, retries: 1, secondPaths });
      counter.tick("reason" in results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, targets.length) }, worker));
  const readings = results.filter((r): r is PanelReading => !("reason" in r));
  const failures = results.filter((r): r is PanelFailure => "reason" in r);

  const merged = mergeInventory(existing, readings, { update: args.update });
  // What is written must load: a bug here must not leave a file that fails every later run.
  const specs = parseInventory(merged.text, args.out);
  if (merged.text !== existing) writeFile(outFile, merged.text);
  const byEndpoint = new Map(specs.map((d) => [basip.deviceKey(d.endpoint), d]));
  const report = buildDiscoverReport(args.out, readings, failures, merged.devices, byEndpoint);
  if (args.report) writeFile(path.resolve(ctx.cwd, args.report), renderDiscoverMarkdown(report));
  if (args.json) writeFile(path.resolve(ctx.cwd, args.json), `${JSON.stringify(report, null, 2)}\n`);
  ctx.stdout.write(discoverSummary(report));
  return { exitCode: failures.length > 0 ? 1 : 0, report };
}
