/**
 * The GitOps example's workflow (examples/gitops/.github/workflows/fleet.yml): it passes actionlint
 * (built once by scripts/actionlint.sh), actionlint does catch a broken copy, and the jobs do what the
 * GitOps README (examples/gitops/README.md) says: preview + comment on pull requests, up on main, secrets named as basip-fleet reads them.
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
const text = fs.readFileSync(WORKFLOW, "utf8");

let actionlint: string;
beforeAll(() => {
  actionlint = execFileSync("bash", [path.join(ROOT, "scripts/actionlint.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
});

test("actionlint passes the workflow", () => {
  const r = spawnSync(actionlint, ["-no-color", WORKFLOW], { encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});

test("actionlint fails a broken copy, naming the line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-actionlint-"));
  const broken = path.join(dir, "fleet.yml");
  fs.writeFileSync(broken, text.replace("steps.preview.outcome", "steps.previw.outcome"));
  const r = spawnSync(actionlint, ["-no-color", broken], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/fleet\.yml:\d+:\d+: property "previw" is not defined/);
});

test("pull requests preview and comment the report; main applies", () => {
  type Step = { run?: string; uses?: string; if?: string };
  const wf = parse(text) as { on: Record<string, unknown>; jobs: Record<string, { if: string; steps: Step[]; permissions?: Record<string, string> }>; env: Record<string, string> };
  expect(Object.keys(wf.on)).toEqual(["pull_request", "push", "workflow_dispatch"]);
  const runs = (job: string) => wf.jobs[job].steps.map((s) => s.run ?? "").join("\n");
  expect(wf.jobs.preview.if).toBe("github.event_name == 'pull_request'");
  expect(runs("preview")).toContain("npx basip-fleet preview --inventory inventory.yaml --report fleet-report.md");
  expect(runs("preview")).toContain('gh pr comment "$PR" --edit-last --create-if-none --body-file fleet-report.md');
  expect(wf.jobs.preview.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(runs("apply")).toContain("npx basip-fleet up --inventory inventory.yaml");
  // Every device secret the workflow passes is one basip-fleet reads for the example's inventory.
  const devices = loadInventory(path.join(ROOT, "examples/gitops/inventory.yaml"));
  const known = new Set(devices.flatMap((d) => (["admin", "sip", "sip2"] as const).flatMap((k) => secretSources(k, d.name, d.site, "basip-fleet"))).flatMap((s) => (s.kind === "env" ? [s.name] : [])));
  const passed = Object.keys(wf.env).filter((k) => k.startsWith("BASIP_"));
  expect(passed.length).toBeGreaterThan(0);
  for (const name of passed) expect(known).toContain(name);
  for (const [name, value] of Object.entries(wf.env)) if (/PASS|SECRET|KEY_ID|BACKEND/.test(name)) expect(value).toBe(`\${{ secrets.${name} }}`);
});
