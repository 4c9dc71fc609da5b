/**
 * Runs before every test file (jest `setupFilesAfterEnv`): records, for the secret sweep
 * (`reporter.js`), every text the file produces and every secret it handles.
 *
 * Texts: console output, writes to stdout/stderr while the file runs, the message of every
 * `DeviceError`, `ResourceError` and `InternalError` constructed, the Pulumi CLI's output of every
 * Automation API call, and emulator log lines. Secrets: the test secrets of the hostile panels, the
 * emulator's default admin password and its MD5, every SIP password a device was sent and every
 * token an emulator issued.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { format } from "util";
import * as automation from "@pulumi/pulumi/automation";
import * as auth from "../../emulator/auth";
import * as server from "../../emulator/server";
import * as state from "../../emulator/state";
import { SECRETS } from "../hostile/panel";

const dir = process.env.BASIP_SWEEP_DIR;
const testFile = path.relative(path.resolve(__dirname, "..", ".."), expect.getState().testPath ?? "?");
const out = dir === undefined ? undefined : path.join(dir, `${process.pid}.jsonl`);

function write(record: object): void {
  if (out !== undefined) fs.appendFileSync(out, `${JSON.stringify(record)}\n`);
}
const text = (source: string, t: string) => write({ source, file: testFile, text: t });
const secret = (s: unknown) => {
  if (typeof s === "string" && s !== "WebPass") write({ secret: s });
};

// ---- secrets --------------------------------------------------------------------------------------
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
for (const s of [...SECRETS, "123456", md5("123456")]) secret(s);

const issue = auth.Tokens.prototype.issue;
auth.Tokens.prototype.issue = function (this: auth.Tokens) {
  const token = issue.call(this);
  secret(token);
  return token;
};
const applyWrite = state.applyWrite;
(state as { applyWrite: typeof applyWrite }).applyWrite = (rules, current, body) => {
  secret((body as { password?: unknown }).password);
  return applyWrite(rules, current, body);
};
const startEmulator = server.startEmulator;
(server as { startEmulator: typeof startEmulator }).startEmulator = (opts = {}) => {
  secret(opts.password);
  const log = opts.log;
  return startEmulator({ ...opts, log: (line) => (text("emulator log", line), log?.(line)) });
};

// ---- texts: console, stdout/stderr ----------------------------------------------------------------
for (const m of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[m].bind(console);
  console[m] = (...args: unknown[]) => {
    text(`console.${m}`, format(...args));
    original(...args);
  };
}

type Write = typeof process.stdout.write;
const streams = [process.stdout, process.stderr];
const originals = streams.map((s) => s.write);
beforeAll(() => {
  streams.forEach((s, i) => {
    s.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      text(i === 0 ? "stdout" : "stderr", String(chunk));
      return (originals[i] as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Write;
  });
});
afterAll(() => {
  // Restored: in-band runs share the streams with jest's own reporters.
  streams.forEach((s, i) => (s.write = originals[i]));
});

// ---- texts: the package's errors ------------------------------------------------------------------
// Our error classes extend the global `Error` when their module loads, after this file: a proxy sees
// every construction of them (and only them) with the final message.
const OURS = new Set(["DeviceError", "ResourceError", "InternalError"]);
const NativeError = globalThis.Error;
globalThis.Error = new Proxy(NativeError, {
  construct(target, args, newTarget) {
    const made = Reflect.construct(target, args, newTarget) as Error;
    if (OURS.has((newTarget as { name?: string }).name ?? "")) text(`new ${(newTarget as { name: string }).name}`, made.message);
    return made;
  },
});

// ---- texts: the Pulumi CLI's output ---------------------------------------------------------------
type Result = { stdout?: string; stderr?: string };
for (const op of ["up", "preview", "refresh", "destroy"] as const) {
  const original = automation.Stack.prototype[op] as (...a: unknown[]) => Promise<Result>;
  (automation.Stack.prototype as unknown as Record<string, unknown>)[op] = async function (this: automation.Stack, ...args: unknown[]) {
    try {
      const r = await original.apply(this, args);
      text(`pulumi ${op}`, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
      return r;
    } catch (e) {
      const err = e as { message?: string; commandResult?: Result };
      text(`pulumi ${op} (failed)`, `${err.commandResult?.stdout ?? ""}\n${err.commandResult?.stderr ?? ""}\n${err.message ?? ""}`);
      throw e;
    }
  };
}
