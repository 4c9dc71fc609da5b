/**
 * Reads what one panel holds, with the provider's own client (one login, the same requests and
 * limits as a refresh): `/api/info`, the main account, the SIP enable switch, the registration
 * status, and the second account at the first candidate path that answers. I/O only; what the
 * readings become is `discover-factor.ts`'s job. Failures are values: a panel that cannot be read is
 * a `PanelFailure` with the client's message (device and request named, no secret).
 */
import { DEVICE_DEFAULTS, DeviceInfo, Registration } from "pulumi-basip";
import { readEndpoint } from "../provider/client/accounts";
import { DeviceClient } from "../provider/client/client";
import { isDeviceError } from "../provider/client/errors";
import { deviceInfoOf } from "../provider/client/info";
import { readRegistration } from "../provider/client/sip-status";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../provider/schema/accounts";
import type { PanelFailure, PanelReading } from "./discover-factor";

/**
 * Where a second account may live. BAS-IP's API pages name the second account's settings but not
 * their path: the package's default first, then the other spellings by analogy with the first account's
 * path. `--second-path` puts the user's own in front.
 */
export const SECOND_PATH_CANDIDATES: readonly string[] = [DEVICE_DEFAULTS.secondAccountPath, "/api/v1/device/sip/second/settings", "/api/v1/device/sip2/settings"];

export interface ReadOptions {
  readonly endpoint: string;
  readonly site: string;
  readonly username: string;
  readonly password: string;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Second account paths to try, in order. */
  readonly secondPaths: readonly string[];
}

const is404 = (e: unknown) => isDeviceError(e) && e.kind === "http" && e.status === 404;

/** Why a panel could not be read, in a few words, then the client's message. */
function failureReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (isDeviceError(e) && e.operation.startsWith("log in") && e.kind === "http" && (e.status === 400 || e.status === 401)) return `wrong admin password or user (the panel refused the login): ${message}`;
  if (isDeviceError(e) && (e.kind === "network" || e.kind === "timeout")) return `unreachable: ${message}`;
  return message;
}

/** Reads one panel; never throws. */
export async function readPanel(o: ReadOptions): Promise<PanelReading | PanelFailure> {
  const client = new DeviceClient({ endpoint: o.endpoint, username: o.username, password: o.password, timeoutMs: o.timeoutMs, retries: o.retries });
  const endpoint = client.endpoint;
  /** A read that may fail without failing the panel: its value, or its message. */
  const attempt = async <T>(read: () => Promise<T>): Promise<{ ok: T } | { error: unknown }> => {
    try {
      return { ok: await read() };
    } catch (error) {
      return { error };
    }
  };
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  try {
    const info: Promise<DeviceInfo | undefined> = deviceInfoOf(client);
    const [settings, enable] = SIP_ACCOUNT.endpoints;
    // The main account first: a panel that does not answer it (or refuses the login) is a failure.
    const { password: _main, ...main } = await readEndpoint(client, settings, DEVICE_DEFAULTS.mainAccountPath);
    const notes: string[] = [];
    let enabled: boolean | undefined;
    if (enable !== undefined) {
      const read = await attempt(() => readEndpoint(client, enable, enable.path));
      if ("ok" in read && typeof read.ok.enabled === "boolean") enabled = read.ok.enabled;
      else notes.push(`SIP enable switch not read: ${"error" in read ? message(read.error) : "no value"}`);
    }
    const reg = await attempt(() => readRegistration(client));
    const registration: Registration | undefined = "ok" in reg ? reg.ok : undefined;
    if ("error" in reg) notes.push(`registration status not read: ${message(reg.error)}`);
    let second: Record<string, unknown> | undefined;
    let secondAccountPath: string | undefined;
    for (const path of o.secondPaths) {
      const read = await attempt(() => readEndpoint(client, SECOND_SIP_ACCOUNT.endpoints[0], path));
      if ("ok" in read) {
        const { password: _second, ...rest } = read.ok;
        second = rest;
        secondAccountPath = path;
        break;
      }
      if (!is404(read.error)) {
        notes.push(`second account not read at ${path}: ${message(read.error)}`);
        break;
      }
    }
    if (second === undefined && notes.every((n) => !n.startsWith("second account"))) notes.push(`no second account at ${o.secondPaths.join(", ")} (each answered 404)`);
    const i = await info;
    return { endpoint, site: o.site, ...(i ? { info: i } : {}), main, ...(enabled === undefined ? {} : { enabled }), ...(registration ? { registration } : {}), ...(second ? { second, secondAccountPath } : {}), notes };
  } catch (e) {
    return { endpoint, site: o.site, reason: failureReason(e) };
  } finally {
    client.close();
  }
}
