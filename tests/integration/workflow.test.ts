/**
 * The GitOps example's workflows (examples/gitops/.github/workflows/fleet.yml and refresh.yml): they
 * pass actionlint (built once by scripts/actionlint.sh), actionlint does catch a broken copy, and the
 * jobs do what the GitOps README (examples/gitops/README.md) says: one job per site on the site's
 * runner (`basip-fleet sites`), preview of the changed sites + one comment on pull requests, up on
 * main, a scheduled refresh that fails on drift or an unregistered main account; secrets named as
 * basip-fleet reads them.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadInventory, secretSources } from "../../fleet";

jest.setTimeout(600_000); // the first run may build actionlint from the Go module proxy

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOW = path.join(ROOT, "examples/gitops/.github/workflows/fleet.yml");
const REFRESH = path.join(ROOT, "examples/gitops/.github/workflows/refresh.yml");
const text = fs.readFileSync(WORKFLOW, "utf8");
const refreshText = fs.readFileSync(REFRESH, "utf8");
type Step = { id?: string; run?: string; uses?: string; if?: string; name?: string; env?: Record<string, string>; with?: Record<string, unknown> };
type Job = { if?: string; needs?: string | string[]; "runs-on": string; strategy?: { "max-parallel"?: number; matrix?: { include?: string } }; steps: Step[]; permissions?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job>; env: Record<string, string> };

let actionlint: string;
beforeAll(() => {
  actionlint = execFileSync("bash", [path.join(ROOT, "scripts/actionlint.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
});

test("actionlint passes the workflows", () => {
  const r = spawnSync(actionlint, ["-no-color", WORKFLOW, REFRESH], { encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});

test("actionlint fails a broken copy, naming the line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-actionlint-"));
  const broken = path.join(dir, "fleet.yml");
  expect(text).toContain("needs.preview.result");
  fs.writeFileSync(broken, text.replace("needs.preview.result", "needs.previw.result"));
  const r = spawnSync(actionlint, ["-no-color", broken], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/fleet\.yml:\d+:\d+: property "previw" is not defined/);
});

test("pull requests preview the changed sites and comment the report; main applies; one job per site on its runner", () => {
  const wf = parse(text) as Workflow;
  expect(Object.keys(wf.on)).toEqual(["pull_request", "push", "workflow_dispatch"]);
  const runs = (job: string) => wf.jobs[job].steps.map((s) => s.run ?? "").join("\n");
  expect(runs("sites")).toContain('npx basip-fleet sites --inventory inventory.yaml --json --changed-since "$BASE"');
  expect(wf.jobs.sites.steps.find((s) => s.id === "sites" || s.name === "Sites to run")!.env).toEqual({ EVENT: "${{ github.event_name }}", BASE: "${{ github.event.pull_request.base.sha }}" });
  expect(wf.jobs.preview.if).toBe("github.event_name == 'pull_request' && needs.sites.outputs.sites != '[]'");
  expect(runs("preview")).toContain('npx basip-fleet preview --inventory inventory.yaml --sites "$SITE" --report "fleet-report-$SITE.md"');
  expect(runs("comment")).toContain('gh pr comment "$PR" --repo "$GITHUB_REPOSITORY" --edit-last --create-if-none --body-file comment.md');
  expect(wf.jobs.comment.permissions).toEqual({ "pull-requests": "write" });
  expect(runs("apply")).toContain('npx basip-fleet up --inventory inventory.yaml --sites "$SITE"');
  expect(wf.jobs.apply.if).toContain("github.event_name == 'push'");
  for (const job of ["preview", "apply"]) {
    expect(wf.jobs[job]["runs-on"]).toBe("${{ matrix.runner || 'ubuntu-latest' }}");
    expect(wf.jobs[job].strategy).toMatchObject({ "max-parallel": 4, matrix: { include: "${{ fromJSON(needs.sites.outputs.sites) }}" } });
    expect(wf.jobs[job].needs).toBe("sites");
  }
  // Every device secret the workflows pass is one basip-fleet reads for the example's inventory.
  const devices = loadInventory(path.join(ROOT, "examples/gitops/inventory.yaml"));
  const known = new Set(devices.flatMap((d) => (["admin", "sip", "sip2"] as const).flatMap((k) => secretSources(k, d.name, d.site, "basip-fleet"))).flatMap((s) => (s.kind === "env" ? [s.name] : [])));
  for (const w of [wf, parse(refreshText) as Workflow]) {
    const passed = Object.keys(w.env).filter((k) => k.startsWith("BASIP_"));
    expect(passed.length).toBeGreaterThan(0);
    for (const name of passed) expect(known).toContain(name);
    for (const [name, value] of Object.entries(w.env)) if (/PASS|SECRET|KEY_ID|BACKEND/.test(name)) expect(value).toBe(`\${{ secrets.${name} }}`);
  }
});

describe("the scheduled refresh", () => {
  const wf = parse(refreshText) as Workflow;
  const gate = wf.jobs.refresh.steps.find((s) => s.name === "Fail on drift or an unregistered main account")!;
  /** Runs the gate step's script on a report; its exit code and output. */
  function runGate(report: unknown): { status: number | null; stdout: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-gate-"));
    fs.writeFileSync(path.join(dir, "fleet-report.json"), JSON.stringify(report));
    const r = spawnSync("bash", ["-e", "-c", gate.run!], { cwd: dir, encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stdout: r.stdout };
  }
  const site = (over: object) => ({ site: "north", entries: [], registration: [{ device: "north-lobby", status: "OK", lastAttempt: null }], ...over });

  test("runs basip-fleet refresh per site on a schedule, the report in the run summary", () => {
    expect(Object.keys(wf.on)).toEqual(["schedule", "workflow_dispatch"]);
    const runs = wf.jobs.refresh.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain('npx basip-fleet refresh --inventory inventory.yaml --sites "$SITE" --report fleet-report.md --json fleet-report.json');
    expect(runs).toContain('cat fleet-report.md >> "$GITHUB_STEP_SUMMARY"');
    expect(wf.jobs.refresh["runs-on"]).toBe("${{ matrix.runner || 'ubuntu-latest' }}");
  });

  test("the gate passes a clean report and fails on drift or an unregistered main account, naming them", () => {
    expect(runGate({ sites: [site({})] })).toEqual({ status: 0, stdout: "" });
    const drift = runGate({ sites: [site({ entries: [{ device: "north-lobby", resource: "SipAccount", action: "drift" }] })] });
    expect(drift).toEqual({ status: 1, stdout: "::error::drift: north-lobby SipAccount differs from the repository (see the run summary)\n" });
    const down = runGate({ sites: [site({ registration: [{ device: "north-lobby", status: "ERROR", lastAttempt: null }] })] });
    expect(down).toEqual({ status: 1, stdout: "::error::not registered: north-lobby ERROR\n" });
  });
});
