/**
 * A stateful fake BAS-IP intercom: login/logout, `/api/info`, and the two SIP accounts with the
 * validation, error envelopes and password masking of the BAS-IP API as the vendor's pages describe them.
 * This module is the factory: it resolves {@link EmulatorOptions} and starts the devices.
 *
 * Deliberately independent of `provider/`: it plays the device, so it must be able to catch
 * client and schema bugs instead of sharing them.
 */
import { ACCOUNTS, ACCOUNT_KEYS, type AccountKey } from "./accounts";
import { Device } from "./device";
import { DEFAULT_FAULTS, latencyProblem } from "./faults";
import { DEFAULT_REGISTRAR } from "./registrar";
import { deviceRoutes } from "./routes";
import { DEFAULT_TOKEN_TTL_MS, type EmulatedDevice, type Emulator, type EmulatorOptions, type FaultOptions } from "./types";

/** Why an account path is unusable, or undefined: absolute, plain segments, no `.` or `..`. */
export function accountPathProblem(p: string): string | undefined {
  const segments = p.split("/").slice(1);
  const plain = p.startsWith("/") && p.length <= 200 && segments.every((s) => /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/.test(s) && s !== "." && s !== "..");
  return plain ? undefined : `must be an absolute path of plain segments (letters, digits, . _ ~ -; no . or .. segment), got ${JSON.stringify(p.slice(0, 80))}`;
}

/** Each account's path: its table default unless the account's path option is set. */
function accountPaths(opts: EmulatorOptions): Record<AccountKey, string> {
  const paths = {} as Record<AccountKey, string>;
  for (const key of ACCOUNT_KEYS) {
    const spec = ACCOUNTS[key];
    paths[key] = (spec.pathOption && opts[spec.pathOption]) ?? spec.path;
  }
  return paths;
}

/**
 * Start one or more emulated devices. Resolves once every device listens; if one cannot listen,
 * the others are stopped and the promise rejects with the listen error (e.g. EADDRINUSE).
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const count = opts.devices ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`devices must be a positive integer, got ${count}`);
  const basePort = opts.port ?? 0;
  const faults: FaultOptions = { ...DEFAULT_FAULTS, ...opts.faults };
  const latency = latencyProblem(faults.latencyMs);
  if (latency !== undefined) throw new RangeError(latency);
  const pathError = opts.secondAccountPath === undefined ? undefined : accountPathProblem(opts.secondAccountPath);
  if (pathError !== undefined) throw new RangeError(`secondAccountPath ${pathError}`);
  const registrar = { ...DEFAULT_REGISTRAR, ...opts.registrar };
  const delay = latencyProblem(registrar.delayMs);
  if (delay !== undefined) throw new RangeError(`registrar ${delay.replace("latency", "delayMs")}`);
  const routes = deviceRoutes(accountPaths(opts), { sipStatus: opts.sipStatus });
  const devices: Device[] = [];
  for (let i = 0; i < count; i++) {
    devices.push(
      new Device({
        index: i,
        port: basePort === 0 ? 0 : basePort + i,
        host: opts.host ?? "127.0.0.1",
        credentials: { username: opts.username ?? "admin", password: opts.password ?? "123456" },
        tokenTtlMs: opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
        routes,
        tls: opts.tls,
        faults,
        log: opts.log,
        seed: opts.seed,
        requestLogLimit: opts.requestLogLimit,
        info: opts.info,
        // Each device its own copy: tests change one device's PBX without touching the others.
        registrar: { ...registrar },
      }),
    );
  }
  try {
    for (const d of devices) await d.listen();
  } catch (err) {
    await Promise.all(devices.map((d) => d.stop()));
    throw err;
  }
  return {
    devices,
    device(i = 0): EmulatedDevice {
      const d = devices[i];
      if (!d) throw new RangeError(`no device ${i}; there are ${devices.length}`);
      return d;
    },
    async stop(): Promise<void> {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
}
