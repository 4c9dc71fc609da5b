/**
 * Runs programs with the real Pulumi CLI (Automation API, inline programs) against the emulator, each
 * stack in its own temporary project with a file backend. Fails, never skips, when no CLI can be had.
 */
import { PulumiFn } from "@pulumi/pulumi/automation";
import { LocalStack, newLocalStack, pulumiBinDir } from "../support/local-engine";

export const PASSPHRASE = "e2e-passphrase";

export { pulumiBinDir };

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
