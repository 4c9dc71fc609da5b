/** Directory of `pulumi` and the plugin script; builds the pinned CLI once if needed. */
export function pulumiBinDir(): string;
/** Environment for a stack whose state lives in `stateDir`; also puts the CLI on this process's PATH. */
export function localEngineEnv(stateDir: string, passphrase: string): Record<string, string>;

/** A stack of an inline program in a temporary project that resolves this repository's packages. */
export interface LocalStack {
  readonly stack: import("@pulumi/pulumi/automation").Stack;
  readonly workDir: string;
  readonly env: Record<string, string>;
  /** Runs the `pulumi` CLI itself on the stack (for commands the Automation API decorates). */
  cli(args: string[]): string;
  dispose(): void;
}
export function newLocalStack(opts: {
  project: string;
  name: string;
  program: import("@pulumi/pulumi/automation").PulumiFn;
  config?: Record<string, { value: string; secret?: boolean }>;
  passphrase: string;
}): Promise<LocalStack>;
