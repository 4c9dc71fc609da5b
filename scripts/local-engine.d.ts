/** Directory of `pulumi` and the plugin script; builds the pinned CLI once if needed. */
export function pulumiBinDir(): string;
/** Environment for a stack whose state lives in `stateDir`; also puts the CLI on this process's PATH. */
export function localEngineEnv(stateDir: string, passphrase: string): Record<string, string>;
