/**
 * Reads what one panel holds, with the provider's own client (one login, the same requests and
 * limits as a refresh): `/api/info`, the main account, the SIP enable switch, the registration
 * status, and the second account at the first candidate path that answers. I/O only; what the
 * readings become is `discover-factor.ts`'s job. Failures are values: a panel that cannot be read is
 * a `PanelFailure` with the client's message (device and request named, no secret).
 */
import * as E from "fp-ts/Either";
import { DEVICE_DEFAULTS, DeviceInfo, Registration } from "pulumi-basip";
import { readEndpoint } from "../provider/client/accounts";
import { DeviceClient } from "../provider/client/client";
import { isDeviceError } from "../provider/client/errors";
import { deviceInfoOf } from "../provider/client/info";
import { readRegistration } from "../provider/client/registration";
import { SECOND_SIP_ACCOUNT, SIP_ACCOUNT } from "../provider/schema/accounts";
import type { PanelFailure, PanelReading } from "./discover-factor";

/**
 * Where a second account may live. BAS-IP does not publish the path (shared/reference/basip-api.md
 * §5.0): the package's default first, then the other spellings by analogy with the first account's
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
  try {
    const info: Promise<DeviceInfo | undefined> = deviceInfoOf(client);
    const [settings, enable] = SIP_ACCOUNT.endpoints;
    const mainRead = await readEndpoint(client, settings, DEVICE_DEFAULTS.mainAccountPath)();
    if (E.isLeft(mainRead)) return { endpoint, site: o.site, reason: failureReason(mainRead.left) };
    const notes: string[] = [];
    const { password: _main, ...main } = mainRead.right;
    let enabled: boolean | undefined;
    if (enable !== undefined) {
      const read = await readEndpoint(client, enable, enable.path)();
      if (E.isRight(read) && typeof read.right.enabled === "boolean") enabled = read.right.enabled;
      else notes.push(`SIP enable switch not read: ${E.isLeft(read) ? read.left.message : "no value"}`);
    }
    const reg = await readRegistration(client)();
    const registration: Registration | undefined = E.isRight(reg) ? reg.right : undefined;
    if (E.isLeft(reg)) notes.push(`registration status not read: ${reg.left.message}`);
    let second: Record<string, unknown> | undefined;
    let secondAccountPath: string | undefined;
    for (const path of o.secondPaths) {
      const read = await readEndpoint(client, SECOND_SIP_ACCOUNT.endpoints[0], path)();
      if (E.isRight(read)) {
        const { password: _second, ...rest } = read.right;
        second = rest;
        secondAccountPath = path;
        break;
      }
      if (!is404(read.left)) {
        notes.push(`second account not read at ${path}: ${read.left.message}`);
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
