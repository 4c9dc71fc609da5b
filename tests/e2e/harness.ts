/**
 * Runs programs with the real Pulumi CLI (Automation API, inline programs) against the emulator, each
 * stack in its own temporary project with a file backend. Fails, never skips, when no CLI can be had.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { localEngineEnv, pulumiBinDir } from "../../scripts/local-engine";

export const ROOT = path.resolve(__dirname, "../..");
export const PASSPHRASE = "e2e-passphrase";

export { pulumiBinDir };

export interface TestStack {
  readonly stack: Stack;
  readonly workDir: string;
  readonly env: Record<string, string>;
  /** Runs the `pulumi` CLI itself in the project (for commands the Automation API decorates). */
  cli(args: string[]): string;
  dispose(): void;
}

/** A fresh stack in a temporary project whose node_modules is this repository's. */
export async function newStack(name: string, program: PulumiFn, config: Record<string, { value: string; secret?: boolean }>): Promise<TestStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `basip-e2e-${name}-`));
  // The plugin runs with cwd = project; it resolves @pulumi/pulumi and pulumi-basip from here, as in a user's project.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
  fs.mkdirSync(path.join(workDir, "state"));
  const env = localEngineEnv(path.join(workDir, "state"), PASSPHRASE);
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: "basip-e2e", stackName: name, program },
    { workDir, projectSettings: { name: "basip-e2e", runtime: "nodejs" }, envVars: env },
  );
  await stack.setAllConfig(config);
  return {
    stack,
    workDir,
    env,
    cli: (args) =>
      execFileSync(path.join(pulumiBinDir(), "pulumi"), [...args, "--stack", name, "--non-interactive"], {
        cwd: workDir,
        env: { ...process.env, ...env },
        encoding: "utf8",
      }),
    dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}

/** The error text of a failed Automation API call (stdout + stderr of the CLI). */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { message?: string; commandResult?: { stdout?: string; stderr?: string } };
    return `${err.commandResult?.stdout ?? ""}\n${err.commandResult?.stderr ?? ""}\n${err.message ?? ""}`;
  }
  throw new Error("expected the operation to fail, but it succeeded");
}
