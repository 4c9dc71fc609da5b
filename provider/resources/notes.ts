/**
 * What an update does to the device, in words, when the marks in `preview --diff` alone would
 * mislead a reviewer: an update that writes nothing (the admin password or another connection
 * setting changed, a field left unmanaged), and one that writes with no field marked (a wanted
 * registration is not `OK`, so the account is written again). `diff` runs in preview and in `up`, so the runtime prints
 * the note there; the engine shows the provider's stderr with the run's diagnostics.
 */
import { isDeepStrictEqual } from "util";
import { AccountSchema } from "../schema/accounts";
import { isObject } from "../schema/plain";
import { accountFields } from "../schema/validate";
import { changedFields, DiffResult, registrationPending } from "./lifecycle";

type Props = Record<string, unknown>;

/** The connection settings that differ, as `device.timeoutMs`; `devicePassword` for the admin password. */
function connectionChanges(olds: Props, news: Props): string[] {
  const o = isObject(olds.device) ? olds.device : {};
  const n = isObject(news.device) ? news.device : {};
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => k !== "endpoint" && !isDeepStrictEqual(o[k], n[k]));
  return [...keys.sort().map((k) => `device.${k}`), ...(olds.devicePassword !== news.devicePassword ? ["devicePassword"] : [])];
}

/**
 * The note for an update that writes nothing to the device, or `undefined` when the update writes
 * (an account field changed), replaces, or nothing changed. `olds` are the old outputs (state).
 */
export function stateOnlyNote(schema: AccountSchema, id: string, olds: Props, news: Props, result: DiffResult): string | undefined {
  if (!result.changes || result.replaces.length > 0 || changedFields(schema, olds, news).length > 0) return undefined;
  if (registrationPending(schema, olds, news)) return registrationNote(id, olds);
  const parts: string[] = [];
  const connection = connectionChanges(olds, news);
  if (connection.length > 0) parts.push(`${connection.join(", ")} changed (used to reach the device, never written to it)`);
  const unmanaged = Object.keys(accountFields(schema, olds)).filter((k) => news[k] === undefined);
  if (unmanaged.length > 0) parts.push(`${unmanaged.join(", ")} no longer managed (the device keeps ${unmanaged.length > 1 ? "their values" : "its value"})`);
  if (parts.length === 0) return undefined;
  return `basip: ${id}: ${parts.join("; ")}; nothing is written to the device, the update changes the stack's state only`;
}

/** Why an update with no field marked writes: the registration it waits for is not `OK` in state. */
function registrationNote(id: string, olds: Props): string {
  const status = (olds.registration as { status?: unknown } | undefined)?.status;
  const seen = typeof status === "string" ? `is ${status}` : "was never read";
  return `basip: ${id}: SIP registration ${seen} in the state and waitForRegistration is set: the account is written again and its registration waited for`;
}
