/**
 * Runs programs with the real Pulumi CLI (Automation API, inline programs) against the emulator, each
 * stack in its own temporary project with a file backend. Fails, never skips, when no CLI can be had.
 */
import * as path from "path";
import { PulumiFn } from "@pulumi/pulumi/automation";
import { LocalStack, newLocalStack, pulumiBinDir } from "../support/local-engine";

export const PASSPHRASE = "e2e-passphrase";

export { pulumiBinDir };

/**
 * The environment of a `pulumi` or `basip-fleet` process run in the project `dir`: the pinned CLI on
 * PATH, a Pulumi home of its own, the test passphrase, no update check and no plugin download.
 */
export function processEnv(dir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${pulumiBinDir()}${path.delimiter}${process.env.PATH}`,
    HOME: process.env.HOME,
    PULUMI_HOME: path.join(dir, ".pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    ...extra,
  };
}

export type TestStack = LocalStack;

/** A fresh stack in a temporary project whose node_modules is this repository's. */
export function newStack(name: string, program: PulumiFn, config: Record<string, { value: string; secret?: boolean }>): Promise<TestStack> {
  return newLocalStack({ project: "basip-e2e", name, program, config, passphrase: PASSPHRASE });
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
