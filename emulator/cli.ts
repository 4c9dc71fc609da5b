#!/usr/bin/env node
/**
 * `basip-emulator`: run emulated BAS-IP intercoms from the command line.
 * Prints one line per device (`device 1 listening on http://127.0.0.1:8080`) and stops on SIGINT/SIGTERM.
 */
import * as fs from "fs";
import { startEmulator, DEFAULT_SECOND_ACCOUNT_PATH, type EmulatorOptions, type FaultOptions } from "./server";

const USAGE = `Usage: basip-emulator [options]

Emulates BAS-IP intercoms (login, /api/info, main and second SIP account).

  --port P             first port (default 8080; 0 = ephemeral port per device)
  --devices N          N devices on ports P..P+N-1 (default 1)
  --host H             bind address (default 127.0.0.1)
  --username U         admin user name (default admin)
  --password PW        admin password, clear text (default 123456)
  --token-ttl SECONDS  token lifetime (default 7200)
  --latency MS         delay before every response
  --serial             handle one request at a time per device
  --second-path PATH   second account path (default ${DEFAULT_SECOND_ACCOUNT_PATH})
  --tls-cert FILE      serve HTTPS with this certificate (needs --tls-key)
  --tls-key FILE       private key for --tls-cert
  --debug              log one line per request to stderr (secrets masked)
  --help               show this help
`;

class UsageError extends Error {}

/** Parse argv (without node and script). Exported shape is internal; kept here to stay testable via the process. */
function parseArgs(argv: string[]): { opts: EmulatorOptions; help: boolean } {
  const opts: EmulatorOptions = { port: 8080 };
  const faults: Partial<FaultOptions> = {};
  let cert: string | undefined;
  let key: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got ${v}`);
      return n;
    };
    switch (flag) {
      case "--port": opts.port = int(0); if (opts.port > 65535) throw new UsageError("--port must be <= 65535"); break;
      case "--devices": opts.devices = int(1); break;
      case "--host": opts.host = value(); break;
      case "--username": opts.username = value(); break;
      case "--password": opts.password = value(); break;
      case "--token-ttl": opts.tokenTtlMs = int(1) * 1000; break;
      case "--latency": faults.latencyMs = int(0); break;
      case "--serial": faults.serial = true; break;
      case "--second-path": opts.secondAccountPath = value(); break;
      case "--tls-cert": cert = value(); break;
      case "--tls-key": key = value(); break;
      case "--debug": opts.log = (line) => process.stderr.write(`[basip-emulator] ${line}\n`); break;
      case "--help": case "-h": help = true; break;
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  if ((cert === undefined) !== (key === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  if (cert !== undefined && key !== undefined) opts.tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
  opts.faults = faults;
  return { opts, help };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
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
