/**
 * Reads and writes of a SIP account in Pulumi's naming, as TaskEithers: failures stay values until
 * the lifecycle decides how to report them. A device's fault stays a `DeviceError`; anything else
 * thrown underneath is a bug of ours and becomes an `InternalError`, never a device fault.
 * `secrets` are the operation's SIP passwords, scrubbed from any message built from device text.
 */
import * as TE from "fp-ts/TaskEither";
import { AccountSchema } from "../schema/accounts";
import { fromWire, toWire } from "../schema/mapping";
import { tableFields } from "../schema/project";
import { DeviceClient } from "./client";
import { DeviceError, InternalError, isDeviceError } from "./errors";

/** What a read or write of an account can fail with. */
export type AccountFailure = DeviceError | InternalError;

const classify = (e: unknown): AccountFailure => (isDeviceError(e) ? e : new InternalError(e));

/** GET the account; the answer's `password` is the device's placeholder, never the real one. */
export function readAccount(
  client: DeviceClient,
  schema: AccountSchema,
  path: string,
  secrets: readonly string[] = [],
): TE.TaskEither<AccountFailure, Record<string, unknown>> {
  return TE.tryCatch(async () => fromWire((await client.get(`read ${schema.title}`, path, schema.wire, secrets)) as Record<string, unknown>), classify);
}

/**
 * POST the whole account (the device replaces the object; a partial body could reset fields). The
 * body holds the table's fields only, each cut to its declared keys.
 */
export function writeAccount(
  client: DeviceClient,
  schema: AccountSchema,
  path: string,
  settings: Record<string, unknown>,
  secrets: readonly string[] = [],
): TE.TaskEither<AccountFailure, void> {
  return TE.tryCatch(() => client.post(`write ${schema.title}`, path, toWire(tableFields(schema, settings)), secrets), classify);
}
