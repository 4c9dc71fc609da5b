#!/usr/bin/env node
/**
 * `basip-emulator`: run emulated BAS-IP intercoms from the command line.
 * Prints one line per device (`device 1 listening on http://127.0.0.1:8080`) and stops on SIGINT/SIGTERM.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { DEFAULT_SECOND_ACCOUNT_PATH, startEmulator, type EmulatorOptions, type PbxAccount } from "./index";
import { MAX_LATENCY_MS } from "./faults";
import { accountPathProblem } from "./server";

const USAGE = `Usage: basip-emulator [options]

Emulates BAS-IP intercoms (login, /api/info, main and second SIP account, SIP enable, registration status).

  --port P             first port (default 8080; 0 = a free port per device)
  --devices N          N devices on ports P..P+N-1 (default 1)
  --host H             bind address (default 127.0.0.1)
  --username U         admin user name (default admin)
  --password PW        admin password, clear text (default 123456)
  --token-ttl SECONDS  token lifetime (default 7200)
  --latency MS         delay before every response
  --serial             handle one request at a time per device
  --second-path PATH   second account path (default ${DEFAULT_SECOND_ACCOUNT_PATH})
  --accept P,U,PW      the PBX accepts proxy P, user U, password PW (repeatable; the password is
                       everything after the second comma); without it the PBX accepts every account
  --register-delay MS  time from a write to its registration attempt (default 200)
  --no-sip-status      serve no /api/v1/sip/status (404), as older firmware
  --tls-cert FILE      serve HTTPS with this certificate (needs --tls-key)
  --tls-key FILE       private key for --tls-cert
  --debug              log one line per request to stderr (secrets masked)
  --help               show this help
`;

const OPTIONS = {
  port: { type: "string" },
  devices: { type: "string" },
  host: { type: "string" },
  username: { type: "string" },
  password: { type: "string" },
  "token-ttl": { type: "string" },
  latency: { type: "string" },
  serial: { type: "boolean" },
  "second-path": { type: "string" },
  accept: { type: "string", multiple: true },
  "register-delay": { type: "string" },
  "no-sip-status": { type: "boolean" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

/** A decimal integer option >= min, or undefined when the option is absent. */
function int(flag: string, v: string | undefined, min: number, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min) throw new UsageError(`--${flag} needs an integer >= ${min}, got ${v}`);
  if (n > max) throw new UsageError(`--${flag} must be <= ${max}`);
  return n;
}

/** `proxy,user,password`; the password may itself hold commas. */
function pbxAccount(text: string): PbxAccount {
  const [proxy, user, ...rest] = text.split(",");
  if (!proxy || !user || rest.length === 0 || rest.join(",") === "") throw new UsageError("--accept needs PROXY,USER,PASSWORD");
  return { proxy, user, password: rest.join(",") };
}

/** Emulator options from argv (without node and script); unknown options and positionals are usage errors. */
function options(argv: string[]): { opts: EmulatorOptions; help: boolean } {
  let v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
  try {
    v = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((v["tls-cert"] === undefined) !== (v["tls-key"] === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  // Upper bounds keep every value inside what timers and ports can hold: nothing is silently changed.
  const ttl = int("token-ttl", v["token-ttl"], 1, 365 * 24 * 3600);
  const latencyMs = int("latency", v.latency, 0, MAX_LATENCY_MS);
  const port = int("port", v.port, 0, 65535) ?? 8080;
  const devices = int("devices", v.devices, 1, 10_000);
  if (port !== 0 && port + (devices ?? 1) - 1 > 65535) throw new UsageError(`--port ${port} with --devices ${devices} passes port 65535`);
  const secondPath = v["second-path"];
  const pathError = secondPath === undefined ? undefined : accountPathProblem(secondPath);
  if (pathError !== undefined) throw new UsageError(`--second-path ${pathError}`);
  const delayMs = int("register-delay", v["register-delay"], 0, MAX_LATENCY_MS);
  const accept = v.accept?.map(pbxAccount);
  const opts: EmulatorOptions = {
    port,
    devices,
    host: v.host,
    username: v.username,
    password: v.password,
    tokenTtlMs: ttl === undefined ? undefined : ttl * 1000,
    secondAccountPath: v["second-path"],
    registrar: { ...(accept !== undefined ? { accept } : {}), ...(delayMs !== undefined ? { delayMs } : {}) },
    sipStatus: v["no-sip-status"] ? false : undefined,
    faults: { ...(latencyMs !== undefined ? { latencyMs } : {}), ...(v.serial ? { serial: true } : {}) },
  };
  if (v.debug) opts.log = (line) => process.stderr.write(`[basip-emulator] ${line}\n`);
  if (v["tls-cert"] !== undefined && v["tls-key"] !== undefined) {
    opts.tls = { cert: fs.readFileSync(v["tls-cert"]), key: fs.readFileSync(v["tls-key"]) };
  }
  return { opts, help: v.help === true };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(process.argv.slice(2));
  } catch (err) {
    // Bad options and unreadable TLS files alike: a usage problem, exit 2.
    process.stderr.write(`basip-emulator: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const emu = await startEmulator(parsed.opts);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: whoever reads the "listening" line may signal us at once.
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  for (const d of emu.devices) process.stdout.write(`device ${d.index + 1} listening on ${d.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`basip-emulator: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
