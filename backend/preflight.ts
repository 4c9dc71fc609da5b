/**
 * Checks that a state backend can be reached before any Pulumi command runs, so that a team's run
 * against a database that is down fails at once, naming the URL (credentials redacted), and nothing
 * is started that could leave state half written. Errors are values.
 */
import * as net from "net";
import { backendKind, postgresAddress, redactText, redactUrl } from "./url";

export type Preflight = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface PreflightOptions {
  /** How long to wait for a TCP connection. @default 5000 */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

function connect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (e: NodeJS.ErrnoException) => done(`${e.code ?? "error"} connecting to ${host}:${port}`));
  });
}

/**
 * `{ ok: true }` when the backend answers (postgres: a TCP connection to its server; other kinds are
 * left to the CLI), else a message naming the redacted URL and the reason.
 */
export async function checkBackend(url: string, opts: PreflightOptions = {}): Promise<Preflight> {
  if (backendKind(url) !== "postgres") return { ok: true };
  let address: { host: string; port: number };
  try {
    address = postgresAddress(url, opts.env);
  } catch {
    return { ok: false, message: `state backend ${redactUrl(url)}: not a valid URL` };
  }
  const problem = await connect(address.host, address.port, opts.timeoutMs ?? 5000);
  return problem === undefined ? { ok: true } : { ok: false, message: redactText(`state backend ${redactUrl(url)} cannot be reached: ${problem}`, url) };
}
